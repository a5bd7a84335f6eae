"""``cases.access`` for many cases at once, for the person search (issue 16).

The search shows persons of up to SEARCH_LIMIT cases; deciding each hit through
``access.get_case_for_user`` cost three to five queries per hit. ``grounds_for`` decides
them all by the same rules as ``access._resolve`` – assigned, head of the unit, an active
break-the-glass grant, active disclosures and their scopes – in at most three queries
however many cases (tests/cases/test_search_at_scale.py holds it equal to ``get_case_for_user``
for every persona). It only reads: the caller logs what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from cases import access
from cases.models import BreakGlassAccess, ProtectionCase


@dataclass(frozen=True)
class Grounds:
    """Why and how far one user may open one case now, as ``access.CaseAccess`` says it."""

    via: access.Via
    organisation_id: int
    scopes: frozenset[str]
    break_glass_reason: str = ""

    def shows(self, scope: str) -> bool:
        return scope in self.scopes


def grounds_for(
    user: User, cases: Sequence[ProtectionCase], disclosed: access.Disclosed | None = None
) -> dict[int, Grounds]:
    """Case id → grounds, for those of ``cases`` the user may open now. A case the user
    may only list (a colleague without a grant, a restricted case) or not see is absent.
    ``disclosed``: the user's disclosures as ``access.openable_access`` read them, if the
    caller has them (no second reading for a user of one organisation)."""
    units = set(access.police_unit_ids(user))
    headed = set(access.headed_unit_ids(user))
    police = [case for case in cases if case.unit_id in units]
    others = [case.pk for case in cases if case.unit_id not in units]
    result: dict[int, Grounds] = {}
    if police:
        assigned = set(
            access.assigned_cases(user)
            .filter(pk__in=[case.pk for case in police])
            .values_list("pk", flat=True)
        )
        glass = [
            case.pk
            for case in police
            if case.pk not in assigned and case.unit_id not in headed and not case.restricted
        ]
        reasons: dict[int, str] = {}
        if glass:
            # The grant that lasts longest, as ``_resolve`` takes it.
            for case_id, reason in (
                BreakGlassAccess.objects.filter(
                    case_id__in=glass, user=user, expires_at__gt=timezone.now()
                )
                .order_by("case_id", "-expires_at")
                .values_list("case_id", "reason")
            ):
                reasons.setdefault(case_id, reason)
        for case in police:
            if case.pk in assigned:
                via: access.Via = "assigned"
            elif case.unit_id in headed:
                via = "head"
            elif case.pk in reasons:
                via = "break_glass"
            else:
                continue  # restricted, or the glass is not broken: listed, never opened
            result[case.pk] = Grounds(
                via, case.unit_id, access.POLICE_SCOPES, reasons.get(case.pk, "")
            )
    orgs = access.social_org_ids(user)
    if others and disclosed is not None and len(orgs) == 1:
        # Every disclosure to this user names the one organisation as recipient.
        for pk in others:
            if pk in disclosed:
                result[pk] = Grounds("disclosure", orgs[0], disclosed[pk][2])
    elif others and orgs:
        found: dict[int, tuple[int, set[str]]] = {}
        # ``_resolve`` names the first disclosure in the model's order as the organisation.
        for disclosure in access.active_disclosures_for(user).filter(case_id__in=others):
            organisation_id, scopes = found.setdefault(
                disclosure.case_id, (disclosure.recipient_id, set())
            )
            scopes |= disclosure.scope()
        for case_id, (organisation_id, scopes) in found.items():
            result[case_id] = Grounds("disclosure", organisation_id, frozenset(scopes))
    return result
