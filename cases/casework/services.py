"""State changes and queries of case work: measures, kontaktförbud, follow-ups, support
information, closing, reopening and legal hold.

Every state change takes the acting user, resolves the user's access through cases.access
(never deciding access itself), checks the case-work rule on top of it, writes, and journals
— in one transaction. Views validate a form, call one of these and redirect.

Who may change what (issue 4, acceptance):
- police with edit rights on the case (responsible handler, head): everything;
- social services reading the case through a disclosure that includes "scope_measures": only
  measures and follow-ups whose responsible party is social services;
- a unit colleague who broke the glass: read only;
- closing needs edit rights; reopening and legal hold need the head of the unit.
A closed case is read-only: every change here first calls ``ensure_open`` (except reopening
and legal hold, which exist for closed cases).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from cases import access, extensions
from cases.access import CaseAccess
from cases.models import (
    CaseClosure,
    ContactBan,
    ContactBanBreach,
    Disclosure,
    FollowUp,
    JournalEntry,
    LegalHold,
    MeasureKind,
    Participant,
    Party,
    ProtectionCase,
    ProtectiveMeasure,
    SupportInformation,
    SupportOrganisation,
)
from cases.services import ConflictError, journal, responsible_handlers

# Words that find cases with a contact ban in the case search: the law was called
# "lagen om besöksförbud" until 2011, and people still say so.
CONTACT_BAN_TERMS = ("kontaktförbud", "besöksförbud")

# "Att göra" on the start page: overdue follow-ups and those due within this many days.
TODO_HORIZON_DAYS = 14

MEASURE_KIND_FOR_BAN = ("kontaktforbud", "uppfoljning-kontaktforbud")


class CaseClosedError(Exception):
    """The case is closed and therefore read-only."""

    def __init__(self, case: ProtectionCase) -> None:
        self.case = case
        super().__init__(
            _(
                "Ärendet %(reference)s är avslutat och kan inte ändras. "
                "En enhetschef kan återöppna det."
            )
            % {"reference": case.reference}
        )


class CaseworkPermissionError(PermissionError):
    """The user may read the case but not make this change."""


class ClosingBlockedError(Exception):
    """The case cannot be closed yet; ``blockers`` says why, one sentence each."""

    def __init__(self, blockers: list[str]) -> None:
        self.blockers = blockers
        super().__init__("; ".join(blockers))


# --- access rules on top of cases.access -----------------------------------------------------


def shows_casework(case_access: CaseAccess) -> bool:
    """Measures, kontaktförbud and follow-ups are part of the "scope_measures" scope."""
    return case_access.shows("scope_measures")


def may_edit_party(case_access: CaseAccess, party: str) -> bool:
    """May this reader change a measure or follow-up that ``party`` is responsible for?"""
    if not shows_casework(case_access):
        return False
    if case_access.may_edit:
        return True
    return case_access.via == "disclosure" and party == Party.SOCIAL


def editable_parties(case_access: CaseAccess) -> list[str]:
    return [party for party in Party.values if may_edit_party(case_access, party)]


def may_edit_police_work(case_access: CaseAccess) -> bool:
    """Kontaktförbud, support information and closing: police with edit rights only."""
    return case_access.may_edit and case_access.is_police


def may_reopen(case_access: CaseAccess) -> bool:
    return case_access.via == "head"


def may_manage_legal_hold(case_access: CaseAccess) -> bool:
    return case_access.via == "head"


def _access(actor: User, case: ProtectionCase) -> CaseAccess:
    """The actor's access to the case, resolved again (not logged: the view logged it)."""
    try:
        return access.get_case_for_user(actor, case.key, log=False)
    except (Http404, access.BreakGlassRequired) as exc:
        raise CaseworkPermissionError("No access to the case") from exc


def _require(allowed: bool) -> None:
    if not allowed:
        raise CaseworkPermissionError("Not allowed to change this part of the case")


def ensure_open(case: ProtectionCase, *, lock: bool = False) -> None:
    """Raise CaseClosedError unless the case is open — as the database says now, not as the
    (possibly stale) object says. Inside a transaction pass ``lock=True``: the case row then
    stays locked until commit, so a concurrent closing waits for this change and sees it.

    Every service that changes a case or anything in it should call this first.
    """
    rows = ProtectionCase.objects.filter(pk=case.pk)
    if lock:
        rows = rows.select_for_update()
    status = rows.values_list("status", flat=True).first()
    if status is not None and status != case.status:
        case.status = status
    if status != ProtectionCase.Status.OPEN:
        raise CaseClosedError(case)


def _journal(case_access: CaseAccess, text: str) -> JournalEntry:
    # Entries by social services are theirs to see; everything else stays police-internal
    # (the journal's own view decides what a reader sees).
    visibility = (
        JournalEntry.Visibility.POLICE_INTERNAL
        if case_access.is_police
        else JournalEntry.Visibility.SHARED
    )
    return journal(
        case_access.case,
        case_access.user,
        text,
        visibility=visibility,
        organisation=case_access.organisation,
    )


def _bump(model: type[Any], pk: int, expected_version: int | None, **values: Any) -> None:
    """Optimistic locking: write only if nobody saved since ``expected_version`` was read."""
    if expected_version is None:
        raise ConflictError
    updated = model.objects.filter(pk=pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConflictError


# --- measures ----------------------------------------------------------------------------------


def _check_measure_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValueError("end_date before start_date")


def add_measure(
    actor: User,
    case: ProtectionCase,
    *,
    kind: MeasureKind,
    responsible_party: str = "",
    status: str = ProtectiveMeasure.Status.PLANNED,
    start_date: date | None = None,
    end_date: date | None = None,
    note: str = "",
    statement_date: date | None = None,
    statement_text: str = "",
) -> ProtectiveMeasure:
    """Add a measure from the catalogue; the party defaults to the kind's default party."""
    party = responsible_party or kind.default_party
    case_access = _access(actor, case)
    _require(may_edit_party(case_access, party))
    _check_measure_dates(start_date, end_date)
    with transaction.atomic():
        ensure_open(case, lock=True)
        measure = ProtectiveMeasure.objects.create(
            case=case,
            kind=kind,
            responsible_party=party,
            status=status,
            start_date=start_date,
            end_date=end_date,
            note=note,
            statement_date=statement_date if kind.records_statement else None,
            statement_text=statement_text if kind.records_statement else "",
            created_by=actor,
        )
        _journal(
            case_access,
            _("Skyddsåtgärd tillagd: %(kind)s (%(party)s, %(status)s).")
            % {
                "kind": kind.name,
                "party": measure.get_responsible_party_display(),
                "status": measure.get_status_display(),
            },
        )
    return measure


def update_measure(
    actor: User,
    measure: ProtectiveMeasure,
    *,
    expected_version: int | None,
    kind: MeasureKind,
    responsible_party: str,
    status: str,
    start_date: date | None,
    end_date: date | None,
    note: str,
    statement_date: date | None = None,
    statement_text: str = "",
) -> ProtectiveMeasure:
    """Change a measure. Raises ConflictError when someone else saved it meanwhile."""
    case_access = _access(actor, measure.case)
    party = responsible_party or kind.default_party
    # Social services may neither edit a police measure nor hand one of theirs to the police.
    _require(
        may_edit_party(case_access, measure.responsible_party)
        and may_edit_party(case_access, party)
    )
    _check_measure_dates(start_date, end_date)
    with transaction.atomic():
        ensure_open(measure.case, lock=True)
        _bump(
            ProtectiveMeasure,
            measure.pk,
            expected_version,
            kind=kind,
            responsible_party=party,
            status=status,
            start_date=start_date,
            end_date=end_date,
            note=note,
            statement_date=statement_date if kind.records_statement else None,
            statement_text=statement_text if kind.records_statement else "",
            updated_at=timezone.now(),
        )
        measure.refresh_from_db()
        _journal(
            case_access,
            _("Skyddsåtgärd ändrad: %(kind)s (%(party)s, %(status)s).")
            % {
                "kind": kind.name,
                "party": measure.get_responsible_party_display(),
                "status": measure.get_status_display(),
            },
        )
    return measure


def set_measure_status(
    actor: User,
    measure: ProtectiveMeasure,
    status: str,
    *,
    expected_version: int | None,
    on: date | None = None,
) -> ProtectiveMeasure:
    """End (status "ended", end date today unless given) or decline a measure."""
    if status not in (ProtectiveMeasure.Status.ENDED, ProtectiveMeasure.Status.DECLINED):
        raise ValueError(status)
    case_access = _access(actor, measure.case)
    _require(may_edit_party(case_access, measure.responsible_party))
    values: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if status == ProtectiveMeasure.Status.ENDED and measure.end_date is None:
        end = on or timezone.localdate()
        # A measure planned to start later and ended now ends on its start day.
        values["end_date"] = max(end, measure.start_date) if measure.start_date else end
    with transaction.atomic():
        ensure_open(measure.case, lock=True)
        _bump(ProtectiveMeasure, measure.pk, expected_version, **values)
        measure.refresh_from_db()
        _journal(
            case_access,
            _("Skyddsåtgärd %(kind)s: %(status)s.")
            % {"kind": measure.kind.name, "status": measure.get_status_display().lower()},
        )
    return measure


# --- kontaktförbud -----------------------------------------------------------------------------


def contact_ban_max_days(ban_type: str) -> int | None:
    """Longest allowed period per ban type, from settings.CONTACT_BAN_MAX_DAYS."""
    limits: dict[str, int] = getattr(settings, "CONTACT_BAN_MAX_DAYS", {})
    return limits.get(ban_type)


def contact_ban_period_error(
    ban_type: str, valid_from: date | None, valid_until: date | None
) -> str | None:
    """A Swedish message when the period is reversed or longer than allowed, else None."""
    if not (valid_from and valid_until):
        return None
    if valid_until < valid_from:
        return _("Slutdatumet (gäller till) kan inte vara före startdatumet (gäller från).")
    limit = contact_ban_max_days(ban_type)
    if limit is not None and (valid_until - valid_from).days > limit:
        return _(
            "%(type)s får gälla högst %(days)s dagar i taget. Kontrollera datumen "
            "(ett förlängt förbud registreras med den nya perioden)."
        ) % {"type": ContactBan.BanType(ban_type).label, "days": limit}
    return None


def _check_ban_parties(
    case: ProtectionCase, protected: Participant, restricted: Participant
) -> None:
    if protected.case_id != case.pk or restricted.case_id != case.pk:
        raise ValueError("participants must belong to the case")
    if protected.pk == restricted.pk or protected.person_id == restricted.person_id:
        raise ValueError("the restricted person must differ from the protected person")


def add_contact_ban(
    actor: User,
    case: ProtectionCase,
    *,
    ban_type: str,
    protected_participant: Participant,
    restricted_participant: Participant,
    status: str = ContactBan.Status.REQUESTED,
    electronic_monitoring: bool = False,
    decision_date: date | None = None,
    deciding_body: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> ContactBan:
    case_access = _access(actor, case)
    _require(may_edit_police_work(case_access))
    _check_ban_parties(case, protected_participant, restricted_participant)
    if contact_ban_period_error(ban_type, valid_from, valid_until):
        raise ValueError("invalid period")
    with transaction.atomic():
        ensure_open(case, lock=True)
        ban = ContactBan.objects.create(
            case=case,
            ban_type=ban_type,
            electronic_monitoring=electronic_monitoring,
            status=status,
            decision_date=decision_date,
            deciding_body=deciding_body,
            valid_from=valid_from,
            valid_until=valid_until,
            protected_participant=protected_participant,
            restricted_participant=restricted_participant,
            note=note,
            created_by=actor,
        )
        _journal(
            case_access,
            _("Kontaktförbud registrerat: %(type)s (%(status)s).")
            % {"type": ban.get_ban_type_display(), "status": ban.get_status_display()},
        )
    return ban


def update_contact_ban(
    actor: User,
    ban: ContactBan,
    *,
    expected_version: int | None,
    ban_type: str,
    protected_participant: Participant,
    restricted_participant: Participant,
    status: str,
    electronic_monitoring: bool,
    decision_date: date | None,
    deciding_body: str,
    valid_from: date | None,
    valid_until: date | None,
    note: str,
) -> ContactBan:
    case_access = _access(actor, ban.case)
    _require(may_edit_police_work(case_access))
    _check_ban_parties(ban.case, protected_participant, restricted_participant)
    if contact_ban_period_error(ban_type, valid_from, valid_until):
        raise ValueError("invalid period")
    with transaction.atomic():
        ensure_open(ban.case, lock=True)
        _bump(
            ContactBan,
            ban.pk,
            expected_version,
            ban_type=ban_type,
            electronic_monitoring=electronic_monitoring,
            status=status,
            decision_date=decision_date,
            deciding_body=deciding_body,
            valid_from=valid_from,
            valid_until=valid_until,
            protected_participant=protected_participant,
            restricted_participant=restricted_participant,
            note=note,
            updated_at=timezone.now(),
        )
        ban.refresh_from_db()
        _journal(
            case_access,
            _("Kontaktförbud ändrat: %(type)s (%(status)s).")
            % {"type": ban.get_ban_type_display(), "status": ban.get_status_display()},
        )
    return ban


def add_breach(
    actor: User,
    ban: ContactBan,
    *,
    occurred_on: date,
    description: str,
    reported_on: date | None = None,
) -> ContactBanBreach:
    """A reported breach of a kontaktförbud."""
    case_access = _access(actor, ban.case)
    _require(may_edit_police_work(case_access))
    with transaction.atomic():
        ensure_open(ban.case, lock=True)
        breach = ContactBanBreach.objects.create(
            ban=ban,
            occurred_on=occurred_on,
            reported_on=reported_on,
            description=description,
            created_by=actor,
        )
        _journal(
            case_access,
            _("Överträdelse av kontaktförbud registrerad (%(date)s).")
            % {"date": occurred_on.isoformat()},
        )
    return breach


def case_ids_with_contact_ban(qs: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase, Any]:
    """The cases of ``qs`` that have a kontaktförbud (or a kontaktförbud measure), as a
    ``values("pk")`` queryset for ``filter(pk__in=...)``. Used by the case search so that
    "kontaktförbud" and "besöksförbud" both find them; see ``is_contact_ban_term``."""
    return (
        qs.filter(Q(contact_bans__isnull=False) | Q(measures__kind__code__in=MEASURE_KIND_FOR_BAN))
        .values("pk")
        .distinct()
    )


def is_contact_ban_term(term: str) -> bool:
    """Does a search term ask for contact bans? "besöksförbud", "Kontaktförbud" and a
    shortened "kontaktförb" all do."""
    needle = term.strip().lower()
    return len(needle) >= 6 and any(needle in word or word in needle for word in CONTACT_BAN_TERMS)


# --- follow-ups --------------------------------------------------------------------------------


def assignee_choices(case: ProtectionCase) -> dict[str, list[User]]:
    """Who may be assigned a follow-up, per responsible party: for the police the case's
    responsible handlers and the unit's heads; for social services the handlers assigned to
    an active disclosure of the case and the heads of the receiving organisations — exactly
    the people who can open the case, so the follow-up reaches their "Att göra"."""
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


def _check_assignee(case: ProtectionCase, party: str, assignee: User | None) -> None:
    if assignee is not None and assignee.pk not in {
        user.pk for user in assignee_choices(case)[party]
    }:
        raise ValueError("assignee must be able to open the case for this party")


def add_follow_up(
    actor: User,
    case: ProtectionCase,
    *,
    kind: str,
    due_date: date,
    responsible_party: str = Party.POLICE,
    assignee: User | None = None,
    note: str = "",
) -> FollowUp:
    """Plan a follow-up. A new follow-up is never due in the past."""
    case_access = _access(actor, case)
    _require(may_edit_party(case_access, responsible_party))
    if due_date < timezone.localdate():
        raise ValueError("due_date in the past")
    _check_assignee(case, responsible_party, assignee)
    with transaction.atomic():
        ensure_open(case, lock=True)
        follow_up = FollowUp.objects.create(
            case=case,
            kind=kind,
            due_date=due_date,
            responsible_party=responsible_party,
            assignee=assignee,
            note=note,
            created_by=actor,
        )
        _journal(
            case_access,
            _("Uppföljning planerad: %(kind)s senast %(date)s.")
            % {"kind": follow_up.get_kind_display(), "date": due_date.isoformat()},
        )
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
    note: str,
) -> FollowUp:
    """Reschedule or reassign an open follow-up (a moved date may not be in the past)."""
    case_access = _access(actor, follow_up.case)
    _require(
        may_edit_party(case_access, follow_up.responsible_party)
        and may_edit_party(case_access, responsible_party)
    )
    if follow_up.done_on is not None:
        raise ValueError("follow-up already done")
    if due_date != follow_up.due_date and due_date < timezone.localdate():
        raise ValueError("due_date in the past")
    _check_assignee(follow_up.case, responsible_party, assignee)
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
        )
        follow_up.refresh_from_db()
        _journal(
            case_access,
            _("Uppföljning ändrad: %(kind)s senast %(date)s.")
            % {"kind": follow_up.get_kind_display(), "date": due_date.isoformat()},
        )
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
    _require(may_edit_party(case_access, follow_up.responsible_party))
    if done_on > timezone.localdate():
        raise ValueError("done_on in the future")
    if next_due_date is not None and next_due_date < timezone.localdate():
        raise ValueError("next_due_date in the past")
    with transaction.atomic():
        ensure_open(follow_up.case, lock=True)
        if FollowUp.objects.filter(pk=follow_up.pk, done_on__isnull=False).exists():
            raise ConflictError
        _bump(FollowUp, follow_up.pk, expected_version, done_on=done_on, outcome=outcome)
        follow_up.refresh_from_db()
        _journal(
            case_access,
            _("Uppföljning utförd %(date)s: %(kind)s.")
            % {"date": done_on.isoformat(), "kind": follow_up.get_kind_display()},
        )
        next_follow_up = None
        if next_due_date is not None:
            next_follow_up = FollowUp.objects.create(
                case=follow_up.case,
                kind=next_kind or follow_up.kind,
                due_date=next_due_date,
                responsible_party=follow_up.responsible_party,
                assignee=follow_up.assignee,
                created_by=actor,
            )
            _journal(
                case_access,
                _("Uppföljning planerad: %(kind)s senast %(date)s.")
                % {
                    "kind": next_follow_up.get_kind_display(),
                    "date": next_due_date.isoformat(),
                },
            )
    return next_follow_up


def without_next_follow_up(qs: QuerySet[ProtectionCase]) -> QuerySet[ProtectionCase]:
    """The open cases of ``qs`` that have no planned follow-up (for a warning in lists)."""
    planned = FollowUp.objects.filter(done_on__isnull=True).values("case_id")
    return qs.filter(status=ProtectionCase.Status.OPEN).exclude(pk__in=planned)


def open_follow_ups(case: ProtectionCase) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case=case, done_on__isnull=True).order_by("due_date", "pk")


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


# --- support information -----------------------------------------------------------------------


def local_municipalities(case: ProtectionCase) -> tuple[set[str], set[str]]:
    """Where the person is likely to seek support: the municipality codes of the social
    services the case is (or was) disclosed to, and the city of the protected person.

    Kept simple on purpose: the disclosure says which municipality already works with the
    person; the protected person's registered city is a fallback when there is none. The
    city is used only to order the list, never shown or stored here.
    """
    codes = set(
        Disclosure.objects.filter(case=case, direction=Disclosure.Direction.TO_SOCIAL)
        .exclude(recipient__municipality_code="")
        .values_list("recipient__municipality_code", flat=True)
    )
    cities = {
        city.strip().lower()
        for city in Participant.objects.filter(
            case=case, role=Participant.Role.PROTECTED
        ).values_list("person__city", flat=True)
        if city and city.strip()
    }
    return codes, cities


def offered_organisations(
    case: ProtectionCase, *, referral: bool
) -> list[tuple[str, list[SupportOrganisation], bool]]:
    """Active directory entries in groups, the most relevant first, as
    ``(label, organisations, secondary)``; secondary groups may be shown folded.

    Information (duty to inform the injured party): the municipality's organisations, then the
    national lines, then everything else. Referral of a threat actor: support for those who
    use violence first (local before national), then the same groups.
    """
    codes, cities = local_municipalities(case)
    organisations = list(
        SupportOrganisation.objects.filter(active=True).order_by(
            "municipality_name", "kind", "name"
        )
    )

    def is_local(org: SupportOrganisation) -> bool:
        return bool(org.municipality_code and org.municipality_code in codes) or bool(
            org.municipality_name and org.municipality_name.strip().lower() in cities
        )

    groups: list[tuple[str, list[SupportOrganisation], bool]] = []
    taken: set[int] = set()

    def group(label: str, members: Iterable[SupportOrganisation], secondary: bool) -> None:
        chosen = [org for org in members if org.pk not in taken]
        taken.update(org.pk for org in chosen)
        if chosen:
            groups.append((label, chosen, secondary))

    if referral:
        group(
            _("Stöd för den som utövar våld"),
            sorted(
                (o for o in organisations if o.kind == SupportOrganisation.Kind.VIOLENCE_USERS),
                key=lambda org: (not is_local(org), org.national, org.name),
            ),
            False,
        )
    # Support for those who use violence is not what a victim is told about: it goes last.
    relevant = [
        org
        for org in organisations
        if referral or org.kind != SupportOrganisation.Kind.VIOLENCE_USERS
    ]
    local_names = sorted(
        {org.municipality_name for org in relevant if is_local(org) and org.municipality_name}
    )
    group(
        _("I kommunen (%(names)s)") % {"names": ", ".join(local_names)}
        if local_names
        else _("I kommunen"),
        (org for org in relevant if is_local(org)),
        False,
    )
    group(_("Nationella stödlinjer"), (org for org in relevant if org.national), False)
    group(_("Övriga stödverksamheter"), organisations, True)
    return groups


def record_support_information(
    actor: User,
    case: ProtectionCase,
    *,
    participant: Participant,
    organisations: Iterable[SupportOrganisation],
    informed_on: date,
    note: str = "",
    is_referral: bool = False,
) -> list[SupportInformation]:
    """Record that a person was told about these organisations (or, ``is_referral``, that a
    threat actor was referred to them), when, and by the acting user."""
    case_access = _access(actor, case)
    _require(may_edit_police_work(case_access))
    if participant.case_id != case.pk:
        raise ValueError("participant must belong to the case")
    if informed_on > timezone.localdate():
        raise ValueError("informed_on in the future")
    chosen = list(organisations)
    if not chosen:
        raise ValueError("no organisation chosen")
    with transaction.atomic():
        ensure_open(case, lock=True)
        rows = SupportInformation.objects.bulk_create(
            SupportInformation(
                case=case,
                participant=participant,
                organisation=org,
                is_referral=is_referral,
                informed_on=informed_on,
                informed_by=actor,
                note=note,
            )
            for org in chosen
        )
        text = (
            _("Hänvisning till stöd registrerad (%(count)s verksamheter, %(role)s).")
            if is_referral
            else _("Information om stöd registrerad (%(count)s verksamheter, %(role)s).")
        )
        _journal(
            case_access,
            text % {"count": len(chosen), "role": participant.get_role_display().lower()},
        )
    return rows


# --- closing, reopening, legal hold ------------------------------------------------------------

ClosingBlocker = Callable[[ProtectionCase], list[str]]


def open_follow_ups_block_closing(case: ProtectionCase) -> list[str]:
    return [
        _("Uppföljningen ”%(kind)s” (senast %(date)s) är inte utförd.")
        % {"kind": follow_up.get_kind_display(), "date": follow_up.due_date.isoformat()}
        for follow_up in open_follow_ups(case)
    ]


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
        raise ValueError("reason_text required for reason 'other'")
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
        _journal(
            case_access,
            _("Ärendet avslutades: %(reason)s.") % {"reason": closure.get_reason_display()},
        )
        if current:
            _journal(
                case_access,
                _("%(count)s planerade eller pågående åtgärder avslutades med ärendet.")
                % {"count": len(current)},
            )
    return closure


def measures_ending_on_close(case: ProtectionCase) -> QuerySet[ProtectiveMeasure]:
    """Planned and active measures: closing the case ends them (shown on the closing form)."""
    return ProtectiveMeasure.objects.filter(
        case=case,
        status__in=(ProtectiveMeasure.Status.PLANNED, ProtectiveMeasure.Status.ACTIVE),
    ).select_related("kind")


def reopen_case(actor: User, case: ProtectionCase, *, reason: str) -> CaseClosure | None:
    """The head of the unit reopens a closed case, with a reason."""
    case_access = _access(actor, case)
    _require(may_reopen(case_access))
    if not reason.strip():
        raise ValueError("a reason is required")
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
        _journal(case_access, _("Ärendet återöppnades av enhetschefen."))
    return closure


def set_legal_hold(actor: User, case: ProtectionCase, *, reason: str) -> LegalHold:
    """Stop the retention purge of the case (head of the unit). Replaces an earlier reason."""
    case_access = _access(actor, case)
    _require(may_manage_legal_hold(case_access))
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        hold, _created = LegalHold.objects.update_or_create(
            case=case, defaults={"reason": reason, "set_by": actor}
        )
        _journal(case_access, _("Bevarandebeslut: ärendet gallras inte."))
    return hold


def remove_legal_hold(actor: User, case: ProtectionCase) -> bool:
    case_access = _access(actor, case)
    _require(may_manage_legal_hold(case_access))
    with transaction.atomic():
        deleted, _counts = LegalHold.objects.filter(case=case).delete()
        if deleted:
            _journal(
                case_access,
                _("Bevarandebeslutet hävdes: ärendet gallras enligt gallringsfristen."),
            )
    return bool(deleted)


# --- read helpers for pages and the case panel -------------------------------------------------


def measures_for(case: ProtectionCase) -> QuerySet[ProtectiveMeasure]:
    return case.measures.select_related("kind").order_by(
        "kind__category", "kind__order", "start_date", "pk"
    )


def contact_bans_for(case: ProtectionCase) -> QuerySet[ContactBan]:
    return (
        case.contact_bans.select_related(
            "protected_participant__person", "restricted_participant__person"
        )
        .annotate(breach_count=Count("breaches"))
        .order_by("-valid_from", "-pk")
    )


def follow_ups_for(case: ProtectionCase) -> QuerySet[FollowUp]:
    """Open follow-ups first (by due date), then done ones (latest first)."""
    qs = case.follow_ups.select_related("assignee").order_by(
        F("done_on").desc(nulls_first=True), "due_date", "pk"
    )
    return _with_overdue(qs, timezone.localdate())


def support_information_for(case: ProtectionCase) -> QuerySet[SupportInformation]:
    return case.support_information.select_related(
        "participant__person", "organisation", "informed_by"
    ).order_by("-informed_on", "-pk")


def participant_label(participant: Participant, case_access: CaseAccess) -> str:
    """Role, and the name only for readers whose scope includes persons."""
    role = participant.get_role_display()
    if case_access.shows("scope_persons"):
        return f"{role}: {participant.person.full_name}"
    return role
