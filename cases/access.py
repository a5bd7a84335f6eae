"""The ONE place that answers "which cases may this user see, and how much".

Every list, detail view, search, PDF, export and nightly report goes through here. Nothing
else decides access. A user without access gets 404 – never 403 – so that a case's existence
does not leak, and every read (granted or denied) is written to the access log.

Who sees what (domain brief §7):
- a responsible (assigned) police handler: everything, may edit;
- the head of the owning unit: everything, may edit and assign, restricted cases included;
- a unit colleague: the unit's case list (no names); opens a case only by breaking the glass
  with a reason, read-only, for BREAK_GLASS_HOURS; never a restricted case;
- a social-services handler: a case only while a disclosure to their organisation is active
  and they are assigned to it by their head (a head of that organisation sees all of its
  disclosures), and only within the disclosed scope;
- administrators and everyone else: nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from accounts.models import Membership, Organisation, User, active_memberships
from cases import caserows, errors
from cases.breakglass import reason_problem
from cases.lookups import AnyOf
from cases.models import (
    AccessLogEntry,
    BreakGlassAccess,
    Disclosure,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
    SecretDwelling,
)
from cases.models.disclosure import SCOPE_FIELDS
from cases.reached import rows as reached_rows
from cases.readlog import read_recently

BREAK_GLASS_HOURS = 24
VIEW_PERM = "cases.view_protectioncase"
CHANGE_PERM = "cases.change_protectioncase"

# Scope names used by templates and services. Police readers get every scope plus "internal"
# (police-internal notes, device details, the access log, intelligence material).
ALL_SCOPES = frozenset(SCOPE_FIELDS)
POLICE_SCOPES = ALL_SCOPES | {"internal"}

Via = Literal["assigned", "head", "break_glass", "disclosure"]
Need = Literal["view", "edit"]
Channel = AccessLogEntry.Channel


class BreakGlassRequired(Exception):
    """The user may list the case but must state a reason before opening it."""

    def __init__(self, case: ProtectionCase) -> None:
        super().__init__(case.reference)
        self.case = case


# Only this module holds the token a CaseAccess is made with: any other code that tries to
# make one (to hand a service an access nobody decided) gets a TypeError.
_MADE_HERE = object()


@dataclass(frozen=True)
class CaseAccess:
    """What one user may see and do in one case, as decided by ``_resolve`` below. Made by
    this module only (``get_case_for_user``); everything else receives one."""

    case: ProtectionCase
    user: User
    via: Via
    organisation: Organisation
    scopes: frozenset[str]
    may_edit: bool
    disclosures: tuple[Disclosure, ...] = field(default=())
    break_glass: BreakGlassAccess | None = None
    token: object = field(default=None, repr=False, compare=False)
    # Rows several sections of one page read (cases.caserows); a CaseAccess lives one request.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _MADE_HERE:
            raise TypeError(
                "A CaseAccess is made by cases.access only: call access.get_case_for_user()."
            )

    @property
    def is_police(self) -> bool:
        return self.via != "disclosure"

    @property
    def is_assigned(self) -> bool:
        return self.via == "assigned"

    @property
    def may_manage(self) -> bool:
        """Assign handlers, read the case's access log (responsible handler and head)."""
        return self.via in ("assigned", "head")

    def shows(self, scope: str) -> bool:
        return scope in self.scopes

    def remember[T](self, key: str, load: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = load()
        return self.memo[key]  # type: ignore[no-any-return]

    def sees_dwelling(self, dwelling: SecretDwelling) -> bool:
        """A police-only dwelling is known only to the assigned police staff; a dwelling
        registered in another case is never shown through this one."""
        if dwelling.case_id != self.case.pk:
            return False
        if dwelling.police_only:
            return self.via == "assigned"
        return self.shows("scope_secret_dwelling")


def received_scopes(case_access: CaseAccess) -> frozenset[str]:
    """Scopes the reader's organisation has received from the OTHER party for this case.

    A social-services reader has received what police disclosed (its access scopes). A police
    reader has received what social services disclosed back: active TO_POLICE disclosures of
    this case to the case's unit. Used for material the other party owns (for example a
    social-services risk assessment); police material is governed by ``scopes`` alone.
    """
    if not case_access.is_police:
        return case_access.scopes
    scopes: set[str] = set()
    for disclosure in caserows.disclosures(case_access):  # the sharing section's rows
        if (
            disclosure.direction == Disclosure.Direction.TO_POLICE
            and disclosure.recipient_id == case_access.case.unit_id
            and disclosure.state == "active"
        ):
            scopes |= disclosure.scope()
    return frozenset(scopes)


def memberships(user: User) -> list[Membership]:
    """The user's active memberships of active organisations that count for access."""
    # Administrators manage the system but read no case, even if they gave themselves a
    # membership in a unit: staff and superuser accounts never count as members here.
    if not user.is_authenticated or not user.is_active or user.is_staff or user.is_superuser:
        return []
    cached: list[Membership] | None = getattr(user, "_skydd_memberships", None)
    if cached is None:
        cached = [m for m in active_memberships(user) if m.organisation.is_active]
        user._skydd_memberships = cached  # type: ignore[attr-defined]
    return cached


def _org_ids(user: User, kind: str, roles: tuple[str, ...]) -> list[int]:
    return [
        m.organisation_id
        for m in memberships(user)
        if m.organisation.kind == kind and m.role in roles
    ]


def police_unit_ids(user: User) -> list[int]:
    return _org_ids(
        user, Organisation.Kind.POLICE_UNIT, (Membership.Role.HANDLER, Membership.Role.HEAD)
    )


def headed_unit_ids(user: User) -> list[int]:
    return _org_ids(user, Organisation.Kind.POLICE_UNIT, (Membership.Role.HEAD,))


def social_org_ids(user: User) -> list[int]:
    return _org_ids(
        user, Organisation.Kind.SOCIAL_SERVICES, (Membership.Role.HANDLER, Membership.Role.HEAD)
    )


def headed_social_org_ids(user: User) -> list[int]:
    return _org_ids(user, Organisation.Kind.SOCIAL_SERVICES, (Membership.Role.HEAD,))


def assigned_cases(user: User) -> QuerySet[ProtectionCase]:
    """Cases the user is a responsible handler of (guardian object permissions only)."""
    if not police_unit_ids(user):
        return ProtectionCase.objects.none()
    return get_objects_for_user(
        user,
        VIEW_PERM,
        klass=ProtectionCase,
        accept_global_perms=False,
        with_superuser=False,
        use_groups=False,
    ).filter(unit_id__in=police_unit_ids(user))


def active_disclosures_for(user: User) -> QuerySet[Disclosure]:
    """Active police→social disclosures that give this social-services user access: the
    user is one of its handlers (a subquery: a join with DISTINCT read all 47,000 handler
    rows of the country for a head, issue 16), or heads the recipient."""
    orgs = social_org_ids(user)
    if not orgs:
        return Disclosure.objects.none()
    mine = Disclosure.handlers.through.objects.filter(user=user).values("disclosure_id")
    return (
        Disclosure.objects.active()
        .filter(direction=Disclosure.Direction.TO_SOCIAL, recipient_id__in=orgs)
        .filter(Q(pk__in=mine) | Q(recipient_id__in=headed_social_org_ids(user)))
    )


# Case id → (unit id, restricted, the scopes disclosed) of a user's active disclosures.
Disclosed = dict[int, tuple[int | None, bool | None, frozenset[str]]]


def _reached(user: User) -> tuple[list[tuple[int, int, bool]], Disclosed]:
    """(case id, unit id, restricted) of the few cases the user reaches one by one, in one
    statement (cases.reached): assigned (guardian's view permission) in the user's units,
    an active break-the-glass grant on an unrestricted case of those units, an active
    disclosure (``active_disclosures_for``; its scopes come along, several add up). The lists
    filter flat by unit and by these ids (issue 16: an OR of subqueries walked every case).
    Nothing for a head of all their units without social services: all would lie in them."""
    units, social = police_unit_ids(user), social_org_ids(user)
    if not social and set(units) <= set(headed_unit_ids(user)):
        return [], {}
    names = sorted(SCOPE_FIELDS)
    found = reached_rows(
        user_id=user.pk,
        units=units,
        social=social,
        social_heads=headed_social_org_ids(user),
        names=names,
        now=timezone.now(),
        today=timezone.localdate(),
    )
    reached: list[tuple[int, int, bool]] = []
    disclosed: Disclosed = {}
    # A few combinations of scopes among thousands of disclosures (a social-services head):
    # one set each, not one per row.
    combinations: dict[tuple[bool, ...], frozenset[str]] = {}
    for pk, unit, restricted, *flags, by_disclosure in found:
        reached.append((pk, unit, restricted))
        if by_disclosure:
            key = tuple(flags)
            if (scopes := combinations.get(key)) is None:
                scopes = frozenset(n for n, yes in zip(names, flags, strict=True) if yes)
                combinations[key] = scopes
            if pk in disclosed:  # several disclosures of one case: their scopes add up
                scopes |= disclosed[pk][2]
            disclosed[pk] = (unit, restricted, scopes)
    return reached, disclosed


def openable_cases(user: User) -> QuerySet[ProtectionCase]:
    """Cases the user may open now (fully or within a disclosed scope): every case of the
    units the user heads, and the few reached one by one (``_reached``)."""
    return openable_access(user)[0]


def openable_access(user: User, *, needs: str = "") -> tuple[QuerySet[ProtectionCase], Disclosed]:
    """``openable_cases`` and the user's disclosures, read once (the person search). With
    ``needs`` (a scope), the cases outside the user's police units that the disclosures
    reach without that scope are left out: they open, but never show it."""
    if not (police_unit_ids(user) or social_org_ids(user)):
        return ProtectionCase.objects.none(), {}
    units, heads = set(police_unit_ids(user)), set(headed_unit_ids(user))
    reached, disclosed = _reached(user)
    lacking = {
        pk
        for pk, (unit_id, _r, scopes) in disclosed.items()
        if needs and needs not in scopes and unit_id not in units
    }
    ids = sorted({pk for pk, unit_id, _r in reached if unit_id not in heads} - lacking)
    # One array parameter, not 1,795 (a social-services head): cases.lookups.AnyOf.
    found = ProtectionCase.objects.filter(Q(unit_id__in=heads) | Q(AnyOf(F("pk"), ids)))
    return found, disclosed


def openable_case_ids_for(users: Iterable[User], case_ids: Iterable[int]) -> dict[int, set[int]]:
    """``openable_cases`` for many readers at once (the nightly e-mails): user id → the ids
    among ``case_ids`` each may open now (cases.accessbulk: the same rules, kept there
    because this module is at its size limit)."""
    from cases.accessbulk import openable_case_ids_for as bulk

    return bulk(users, case_ids)


def listable_cases(user: User) -> QuerySet[ProtectionCase]:
    """Cases that appear in the user's case list: the unit's cases (no names shown) for
    police, restricted cases only when openable; disclosed cases for social services."""
    return list_access(user)[0]


def list_access(user: User) -> tuple[QuerySet[ProtectionCase], dict[int, frozenset[str]]]:
    """``listable_cases`` and, for social services, the scopes disclosed per case (what the
    rows may show, cases.listing): one reading of the disclosures for both.

    One flat condition the planner can serve from the (unit, opened_on, number) index: the
    units the user heads; the other units' unrestricted cases, or the few restricted ones
    the user is assigned to; the other cases reached one by one (disclosures)."""
    units, heads = set(police_unit_ids(user)), set(headed_unit_ids(user))
    if not (units or social_org_ids(user)):
        return ProtectionCase.objects.none(), {}
    reached, disclosed = _reached(user)
    inside, outside = set(), set()
    for pk, unit_id, restricted in reached:
        if unit_id not in units:
            outside.add(pk)
        elif restricted and unit_id not in heads:
            inside.add(pk)
    q = Q(AnyOf(F("pk"), sorted(outside)))
    if heads:
        q |= Q(unit_id__in=sorted(heads))
    if others := sorted(units - heads):
        q |= Q(unit_id__in=others) & (Q(restricted=False) | Q(AnyOf(F("pk"), sorted(inside))))
    scopes = {pk: found[2] for pk, found in disclosed.items()}
    return ProtectionCase.objects.filter(q), scopes


def record_access(
    user: User,
    *,
    case: ProtectionCase | None,
    channel: str,
    granted: bool,
    what: str = "",
    via: str = "",
    organisation: Organisation | None = None,
    reason: str = "",
) -> AccessLogEntry:
    if organisation is None:
        mine = memberships(user)
        organisation = mine[0].organisation if mine else None
    return AccessLogEntry.objects.create(
        user=user,
        organisation=organisation,
        case=case,
        case_reference=case.reference if case else "",
        channel=channel,
        what=what[:100],
        granted=granted,
        via=via,
        break_glass_reason=reason,
    )


def _assigned(user: User, case: ProtectionCase) -> bool:
    """``assigned_cases(user)`` holds ``case`` of one of the user's units: guardian's direct
    view permission (no groups, no global permission), written out – guardian's queryset
    cost 2 ms of Python on every case page (issue 16); tests/cases/test_access_assigned.py
    holds it to ``assigned_cases``."""
    grant = ProtectionCaseUserObjectPermission._meta
    permission = grant.get_field("permission").related_model._meta.db_table
    sql = (
        f"SELECT 1 FROM {grant.db_table} g JOIN {permission} p ON p.id = g.permission_id "  # noqa: S608 - names and placeholders
        "WHERE g.user_id = %s AND g.content_object_id = %s AND p.content_type_id = %s "
        "AND p.codename = %s LIMIT 1"
    )
    content_type = ContentType.objects.get_for_model(ProtectionCase)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, case.pk, content_type.pk, VIEW_PERM.split(".")[1]])
        return cursor.fetchone() is not None


def _resolve(user: User, case: ProtectionCase) -> CaseAccess | None:
    units = police_unit_ids(user)
    if case.unit_id in units:
        unit = next(m.organisation for m in memberships(user) if m.organisation_id == case.unit_id)
        if _assigned(user, case):
            return CaseAccess(
                case, user, "assigned", unit, POLICE_SCOPES, may_edit=True, token=_MADE_HERE
            )
        if case.unit_id in headed_unit_ids(user):
            return CaseAccess(
                case, user, "head", unit, POLICE_SCOPES, may_edit=True, token=_MADE_HERE
            )
        if case.restricted:
            return None
        grant = (
            BreakGlassAccess.objects.filter(case=case, user=user, expires_at__gt=timezone.now())
            .order_by("-expires_at")
            .first()
        )
        if grant is None:
            raise BreakGlassRequired(case)
        return CaseAccess(
            case,
            user,
            "break_glass",
            unit,
            POLICE_SCOPES,
            may_edit=False,
            break_glass=grant,
            token=_MADE_HERE,
        )
    disclosures = tuple(active_disclosures_for(user).filter(case=case).select_related("recipient"))
    if disclosures:
        scopes: set[str] = set()
        for disclosure in disclosures:
            scopes |= disclosure.scope()
        return CaseAccess(
            case,
            user,
            "disclosure",
            disclosures[0].recipient,
            frozenset(scopes),
            may_edit=False,
            disclosures=disclosures,
            token=_MADE_HERE,
        )
    return None


def get_case_for_user(
    user: User,
    key: UUID | str,
    *,
    channel: str = Channel.DETAIL,
    what: str = "",
    need: Need = "view",
    log: bool = True,
) -> CaseAccess:
    """The case with this key as this user may see it, or Http404.

    The read is logged (granted or denied). Call it outside ``transaction.atomic`` (see
    cases.viewutils.with_case): the log row then commits before anything is read, and a
    denial is not rolled back with the 404. Raises
    BreakGlassRequired for a unit colleague who has not stated a reason yet.
    """
    case = ProtectionCase.objects.filter(key=key).select_related("unit").first()
    if case is None:
        if log and user.is_authenticated:
            record_access(user, case=None, channel=channel, granted=False, what="okänt ärende")
        raise Http404
    try:
        resolved = _resolve(user, case)
    except BreakGlassRequired:
        if log:
            record_access(user, case=case, channel=channel, granted=False, what="kräver nödåtkomst")
        raise
    if resolved is None or (need == "edit" and not resolved.may_edit):
        # Written outside any transaction the caller rolls back on the 404.
        if log:
            record_access(user, case=case, channel=channel, granted=False, what=what)
        raise Http404
    if log and not read_recently(user, case, channel, resolved.via):
        record_access(
            user,
            case=case,
            channel=channel,
            granted=True,
            what=what,
            via=resolved.via,
            organisation=resolved.organisation,
            reason=resolved.break_glass.reason if resolved.break_glass else "",
        )
    return resolved


def break_the_glass(actor: User, case: ProtectionCase, *, reason: str) -> BreakGlassAccess:
    """Grant a unit colleague read access for BREAK_GLASS_HOURS with a stated reason.

    Raises ``errors.Invalid`` (field ``reason``) for a reason without substance (breakglass
    .reason_problem) and ``errors.NotAllowed`` outside the unit or on a restricted case."""
    reason = reason.strip()
    if problem := reason_problem(reason):
        raise errors.Invalid(problem, field="reason")
    if case.unit_id not in police_unit_ids(actor) or case.restricted:
        raise errors.NotAllowed()
    with transaction.atomic():
        grant = BreakGlassAccess.objects.create(
            case=case,
            user=actor,
            reason=reason,
            expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
        )
        record_access(
            actor,
            case=case,
            channel=Channel.DETAIL,
            granted=True,
            what="nödåtkomst beviljad",
            via="break_glass",
            reason=reason,
        )
    return grant
