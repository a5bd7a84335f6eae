"""Follow-ups: plan, reschedule, complete; open follow-ups and the user's "Att göra"."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from cases import access, errors
from cases.casework.policy import (
    may_change_row,
    may_edit_party,
    note_to_save,
    writing_organisation_id,
)
from cases.casework.services.common import (
    _access,
    _bump,
    _journal,
    _require,
    ensure_open,
)
from cases.models import (
    Disclosure,
    FollowUp,
    Party,
    ProtectionCase,
)
from cases.recipients import own_recipient_ids
from cases.services import ConflictError, responsible_handlers

# "Att göra" on the start page: overdue follow-ups and those due within this many days.
TODO_HORIZON_DAYS = 14


def assignee_choices(
    case: ProtectionCase, case_access: access.CaseAccess | None = None
) -> dict[str, list[User]]:
    """Who may be assigned a follow-up, per responsible party: for the police the case's
    responsible handlers and the unit's heads; for social services the handlers assigned to
    an active disclosure of the case and the heads of the receiving organisations — exactly
    the people who can open the case, so the follow-up reaches their "Att göra".

    Read by a recipient (``case_access`` through a disclosure), the social services are
    only its own organisation's: a recipient never sees – or assigns – another recipient's
    staff (issue 10)."""
    police = {user.pk: user for user in responsible_handlers(case)}
    for membership in Membership.objects.filter(
        organisation_id=case.unit_id,
        role=Membership.Role.HEAD,
        is_active=True,
        user__is_active=True,
    ).select_related("user"):
        police.setdefault(membership.user_id, membership.user)
    disclosures = Disclosure.objects.active().filter(
        case=case, direction=Disclosure.Direction.TO_SOCIAL
    )
    if case_access is not None and not case_access.is_police:
        disclosures = disclosures.filter(recipient_id__in=own_recipient_ids(case_access))
    social_users = User.objects.filter(is_active=True).filter(
        Q(assigned_disclosures__in=disclosures)
        | Q(
            memberships__organisation__in=disclosures.values("recipient_id"),
            memberships__role=Membership.Role.HEAD,
            memberships__is_active=True,
        )
    )
    social = list(social_users.distinct().order_by("full_name"))
    return {
        Party.POLICE: sorted(police.values(), key=lambda user: user.full_name),
        Party.SOCIAL: social,
    }


def _check_assignee(case_access: access.CaseAccess, party: str, assignee: User | None) -> None:
    if assignee is not None and assignee.pk not in {
        user.pk for user in assignee_choices(case_access.case, case_access)[party]
    }:
        raise errors.Invalid(
            _("Välj någon som kan öppna ärendet för den ansvariga parten."), field="assignee"
        )


def add_follow_up(
    actor: User,
    case: ProtectionCase,
    *,
    kind: str,
    due_date: date,
    responsible_party: str = Party.POLICE,
    assignee: User | None = None,
    note: str = "",
    note_shared: bool | None = None,
) -> FollowUp:
    """Plan a follow-up. A new follow-up is never due in the past. A police note is
    police-internal unless ``note_shared``."""
    case_access = _access(actor, case)
    _require(may_edit_party(case_access, responsible_party))
    if due_date < timezone.localdate():
        raise errors.Invalid(
            _("Datumet har redan passerat. Välj dagens datum eller ett senare."), field="due_date"
        )
    _check_assignee(case_access, responsible_party, assignee)
    note, shared = note_to_save(case_access, None, note, note_shared)
    with transaction.atomic():
        ensure_open(case, lock=True)
        follow_up = FollowUp.objects.create(
            case=case,
            kind=kind,
            due_date=due_date,
            responsible_party=responsible_party,
            assignee=assignee,
            note=note,
            note_shared=shared,
            organisation_id=writing_organisation_id(case_access, responsible_party),
            created_by=actor,
        )
        _journal(case_access, "follow_up_planned", kind=follow_up.kind, date=due_date.isoformat())
    return follow_up


def update_follow_up(
    actor: User,
    follow_up: FollowUp,
    *,
    expected_version: int | None,
    kind: str,
    due_date: date,
    responsible_party: str,
    assignee: User | None,
    note: str | None = None,
    note_shared: bool | None = None,
) -> FollowUp:
    """Reschedule or reassign an open follow-up (a moved date may not be in the past).
    ``note`` None keeps the note."""
    case_access = _access(actor, follow_up.case)
    _require(
        may_change_row(case_access, follow_up) and may_edit_party(case_access, responsible_party)
    )
    if follow_up.done_on is not None:
        raise errors.Invalid(_("Uppföljningen är redan utförd."))
    if due_date != follow_up.due_date and due_date < timezone.localdate():
        raise errors.Invalid(
            _("Datumet har redan passerat. Välj dagens datum eller ett senare."), field="due_date"
        )
    _check_assignee(case_access, responsible_party, assignee)
    note, shared = note_to_save(case_access, follow_up, note, note_shared)
    with transaction.atomic():
        ensure_open(follow_up.case, lock=True)
        _bump(
            FollowUp,
            follow_up.pk,
            expected_version,
            kind=kind,
            due_date=due_date,
            responsible_party=responsible_party,
            assignee=assignee,
            note=note,
            note_shared=shared,
        )
        follow_up.refresh_from_db()
        _journal(case_access, "follow_up_changed", kind=follow_up.kind, date=due_date.isoformat())
    return follow_up


def complete_follow_up(
    actor: User,
    follow_up: FollowUp,
    *,
    expected_version: int | None,
    done_on: date,
    outcome: str,
    next_due_date: date | None = None,
    next_kind: str = "",
) -> FollowUp | None:
    """Mark a follow-up done with its outcome; optionally plan the next one (same party and
    assignee) in the same step, so that the case keeps a next follow-up. Returns the next."""
    case_access = _access(actor, follow_up.case)
    _require(may_change_row(case_access, follow_up))
    if done_on > timezone.localdate():
        raise errors.Invalid(_("Datumet kan inte ligga i framtiden."), field="done_on")
    if next_due_date is not None and next_due_date < timezone.localdate():
        raise errors.Invalid(
            _("Datumet har redan passerat. Välj dagens datum eller ett senare."),
            field="next_due_date",
        )
    with transaction.atomic():
        ensure_open(follow_up.case, lock=True)
        if FollowUp.objects.filter(pk=follow_up.pk, done_on__isnull=False).exists():
            raise ConflictError
        _bump(FollowUp, follow_up.pk, expected_version, done_on=done_on, outcome=outcome)
        follow_up.refresh_from_db()
        _journal(case_access, "follow_up_done", date=done_on.isoformat(), kind=follow_up.kind)
        next_follow_up = None
        if next_due_date is not None:
            next_follow_up = FollowUp.objects.create(
                case=follow_up.case,
                kind=next_kind or follow_up.kind,
                due_date=next_due_date,
                responsible_party=follow_up.responsible_party,
                assignee=follow_up.assignee,
                organisation_id=follow_up.organisation_id,
                created_by=actor,
            )
            _journal(
                case_access,
                "follow_up_planned",
                kind=next_follow_up.kind,
                date=next_due_date.isoformat(),
            )
    return next_follow_up


def without_next_follow_up(qs: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase]:
    """The open cases of ``qs`` that have no planned follow-up (for a warning in lists)."""
    planned = FollowUp.objects.open().values("case_id")
    return qs.filter(status=ProtectionCase.Status.OPEN).exclude(pk__in=planned)


def open_follow_ups(case: ProtectionCase) -> QuerySet[FollowUp]:
    return FollowUp.objects.open().filter(case=case).order_by("due_date", "pk")


def _with_overdue(qs: QuerySet[FollowUp], today: date) -> QuerySet[FollowUp]:
    return qs.annotate(
        overdue=ExpressionWrapper(
            Q(done_on__isnull=True, due_date__lt=today), output_field=BooleanField()
        ),
        due_today=ExpressionWrapper(
            Q(done_on__isnull=True, due_date=today), output_field=BooleanField()
        ),
    )


def todo_for(user: User, *, horizon_days: int | None = TODO_HORIZON_DAYS) -> list[FollowUp]:
    """The user's own open follow-ups that are overdue or due within ``horizon_days`` (all
    open ones with ``None``), over open cases the user may open now and — for social
    services — only where the disclosure includes measures. One query (plus the cached
    memberships). Each item has ``overdue`` and ``due_today`` and ``case`` loaded."""
    today = timezone.localdate()
    qs = FollowUp.objects.filter(
        assignee=user,
        done_on__isnull=True,
        case__status=ProtectionCase.Status.OPEN,
        case__in=access.openable_cases(user),
    )
    if horizon_days is not None:
        qs = qs.filter(due_date__lte=today + timedelta(days=horizon_days))
    in_scope = Q(case__unit_id__in=access.police_unit_ids(user))
    if access.social_org_ids(user):
        in_scope |= Q(
            case_id__in=access.active_disclosures_for(user)
            .filter(scope_measures=True)
            .values("case_id")
        )
    qs = qs.filter(in_scope).select_related("case").order_by("due_date", "pk")
    return list(_with_overdue(qs, today))
