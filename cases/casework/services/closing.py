"""Closing, reopening and legal hold of a case."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import errors, extensions
from cases.casework.policy import (
    may_edit_police_work,
    may_manage_legal_hold,
    may_reopen,
)
from cases.casework.services.common import (
    ClosingBlockedError,
    _access,
    _bump,
    _journal,
    _require,
    ensure_open,
)
from cases.casework.services.followups import open_follow_ups
from cases.models import (
    CaseClosure,
    ContactBan,
    Disclosure,
    LegalHold,
    ProtectionCase,
    ProtectiveMeasure,
)
from cases.services import ConflictError

ClosingBlocker = Callable[[ProtectionCase], list[str]]


def open_follow_ups_block_closing(case: ProtectionCase) -> list[str]:
    return [
        _("Uppföljningen ”%(kind)s” (senast %(date)s) är inte utförd.")
        % {"kind": follow_up.get_kind_display(), "date": follow_up.due_date.isoformat()}
        for follow_up in open_follow_ups(case)
    ]


def ending_disclosures(case: ProtectionCase) -> QuerySet[Disclosure]:
    """Disclosures of the case that still give (or will give) access: closing ends them."""
    today = timezone.localdate()
    return (
        Disclosure.objects.filter(case=case, withdrawn_at__isnull=True)
        .exclude(valid_until__lt=today)
        .select_related("recipient")
        .order_by("recipient__name", "pk")
    )


def running_disclosures_notice(case: ProtectionCase) -> list[str]:
    """A ``closing_notices`` item: the disclosures the closing ends."""
    return [
        _(
            "Utlämnandet till %(recipient)s (%(until)s) upphör när ärendet avslutas. "
            "Mottagarens enhetschef får ett meddelande."
        )
        % {
            "recipient": disclosure.recipient.name,
            "until": _("gäller till %(date)s") % {"date": disclosure.valid_until.isoformat()}
            if disclosure.valid_until
            else _("tills vidare"),
        }
        for disclosure in ending_disclosures(case)
    ]


def bans_in_force_notice(case: ProtectionCase) -> list[str]:
    """A ``closing_notices`` item: kontaktförbud stay in force (the prosecutor decided them)."""
    return [
        _("%(type)s gäller till %(until)s och fortsätter att gälla efter avslutet.")
        % {
            "type": ban.get_ban_type_display(),
            "until": ban.valid_until.isoformat() if ban.valid_until else _("vidare"),
        }
        for ban in ContactBan.objects.in_force().filter(case=case).order_by("valid_until", "pk")
    ]


def closing_notices(case: ProtectionCase) -> list[str]:
    """What is still running: every ``cases.extensions.closing_notices``."""
    return [notice for source in extensions.closing_notices for notice in source(case)]


def closing_blockers(case: ProtectionCase) -> list[str]:
    """Why the case cannot be closed yet: every ``cases.extensions.closing_blockers``."""
    return [reason for blocker in extensions.closing_blockers for reason in blocker(case)]


def close_case(
    actor: User,
    case: ProtectionCase,
    *,
    reason: str,
    final_note: str,
    reason_text: str = "",
) -> CaseClosure:
    """Close the case with a reason and a final note. Raises ClosingBlockedError listing
    what blocks it (open follow-ups, and every registered closing blocker)."""
    case_access = _access(actor, case)
    _require(may_edit_police_work(case_access))
    if reason == CaseClosure.Reason.OTHER and not reason_text.strip():
        raise errors.Invalid(_("Beskriv skälet när du väljer ”Annat”."), field="reason_text")
    with transaction.atomic():
        ensure_open(case, lock=True)
        blockers = closing_blockers(case)
        if blockers:
            raise ClosingBlockedError(blockers)
        today = timezone.localdate()
        current = list(measures_ending_on_close(case))
        for measure in current:
            # A closed case has no measures in force; the dates stay truthful.
            measure.status = ProtectiveMeasure.Status.ENDED
            if measure.end_date is None:
                measure.end_date = max(today, measure.start_date) if measure.start_date else today
            measure.version += 1
        ProtectiveMeasure.objects.bulk_update(current, ["status", "end_date", "version"])
        case.refresh_from_db()
        case.status = ProtectionCase.Status.CLOSED
        case.closed_on = timezone.localdate()
        case.version += 1
        case.save(update_fields=["status", "closed_on", "version", "updated_at"])
        closure = CaseClosure.objects.create(
            case=case,
            reason=reason,
            reason_text=reason_text,
            final_note=final_note,
            closed_by=actor,
        )
        _journal(case_access, "case_closed", reason=closure.reason)
        if current:
            _journal(case_access, "measures_ended_on_close", count=len(current))
        # Sharing ends with the case: the recipient loses access on its next request
        # (cases.access reads withdrawn_at) and its head is told (notifications).
        ended = list(ending_disclosures(case))
        Disclosure.objects.filter(pk__in=[d.pk for d in ended]).update(
            withdrawn_at=timezone.now(),
            withdrawn_by=actor,
            withdrawal_reason=_("Ärendet avslutades."),
            ended_by_closing=True,
        )
        for disclosure in ended:
            _journal(case_access, "disclosure_ended_on_close", recipient=disclosure.recipient.name)
    return closure


def add_closing_note(actor: User, case: ProtectionCase, *, text: str) -> CaseClosure:
    """The one note that may be added after closing (what happened afterwards)."""
    case_access = _access(actor, case)
    _require(may_edit_police_work(case_access))
    text = text.strip()
    if not text:
        raise errors.Invalid(_("Skriv anteckningen."), field="text")
    with transaction.atomic():
        locked = ProtectionCase.objects.select_for_update().get(pk=case.pk)
        closure = (
            locked.closures.filter(reopened_at__isnull=True).order_by("-closed_at").first()
            if not locked.is_open
            else None
        )
        if closure is None:
            raise errors.Invalid(
                _("Ärendet är öppet: skriv en journalanteckning i stället."), field="text"
            )
        # Compare-and-set: one note, however many try at once.
        updated = CaseClosure.objects.filter(pk=closure.pk, closing_note="").update(
            closing_note=text, closing_note_by=actor, closing_note_at=timezone.now()
        )
        if updated != 1:
            raise ConflictError(_("Anteckningen efter avslutet är redan skriven."))
        closure.refresh_from_db()
        _journal(case_access, "closing_note_added")
    return closure


def measures_ending_on_close(case: ProtectionCase) -> QuerySet[ProtectiveMeasure]:
    """Planned and active measures: closing the case ends them (shown on the closing form)."""
    return ProtectiveMeasure.objects.current().filter(case=case).select_related("kind")


def reopen_case(actor: User, case: ProtectionCase, *, reason: str) -> CaseClosure | None:
    """The head of the unit reopens a closed case, with a reason."""
    case_access = _access(actor, case)
    _require(may_reopen(case_access))
    if not reason.strip():
        raise errors.Invalid(_("Ange ett skäl."), field="reason")
    with transaction.atomic():
        locked = ProtectionCase.objects.select_for_update().get(pk=case.pk)
        if locked.is_open:
            raise ConflictError
        case.refresh_from_db()
        case.status = ProtectionCase.Status.OPEN
        case.closed_on = None
        case.version += 1
        case.save(update_fields=["status", "closed_on", "version", "updated_at"])
        closure = case.closures.filter(reopened_at__isnull=True).order_by("-closed_at").first()
        if closure is not None:
            closure.reopened_at = timezone.now()
            closure.reopened_by = actor
            closure.reopen_reason = reason
            closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        _journal(case_access, "case_reopened")
    return closure


def set_legal_hold(
    actor: User, case: ProtectionCase, *, reason: str, expected_version: int | None
) -> LegalHold:
    """Stop the retention purge of the case (head of the unit), or change its reason.

    ``expected_version`` is the version of the hold the user loaded, 0 when there was none:
    a hold set or changed by someone else since then is a ConflictError (nothing saved), as
    is a save without a version."""
    case_access = _access(actor, case)
    _require(may_manage_legal_hold(case_access))
    if not reason.strip():
        raise errors.Invalid(_("Ange ett skäl."), field="reason")
    if expected_version is None:
        raise ConflictError
    with transaction.atomic():
        # Lock the case row: two first holds cannot both be "version 0".
        ProtectionCase.objects.select_for_update().filter(pk=case.pk).first()
        hold = LegalHold.objects.filter(case=case).first()
        if hold is None:
            if expected_version != 0:
                raise ConflictError
            hold = LegalHold.objects.create(case=case, reason=reason, set_by=actor)
        else:
            _bump(LegalHold, hold.pk, expected_version, reason=reason, set_by=actor)
            hold.refresh_from_db()
        _journal(case_access, "legal_hold_set")
    return hold


def remove_legal_hold(actor: User, case: ProtectionCase) -> bool:
    case_access = _access(actor, case)
    _require(may_manage_legal_hold(case_access))
    with transaction.atomic():
        deleted, _counts = LegalHold.objects.filter(case=case).delete()
        if deleted:
            _journal(case_access, "legal_hold_removed")
    return bool(deleted)
