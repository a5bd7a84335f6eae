"""``openable_cases`` for many readers at once (the nightly e-mails), by the rules of
cases.access – called through ``access.openable_case_ids_for``; nothing else imports it.
A test (tests/cases/test_access_bulk.py) holds it equal to ``openable_cases``."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Membership, User
from cases.access import (
    VIEW_PERM,
    headed_social_org_ids,
    headed_unit_ids,
    police_unit_ids,
    social_org_ids,
)
from cases.models import (
    BreakGlassAccess,
    Disclosure,
    ProtectionCase,
    ProtectionCaseUserObjectPermission,
)


def openable_case_ids_for(users: Iterable[User], case_ids: Iterable[int]) -> dict[int, set[int]]:
    """``openable_cases`` for many readers at once (the nightly e-mails): user id → the ids
    among ``case_ids`` each may open now, by the same rules in at most seven queries however
    many users and cases (a test holds it equal to ``openable_cases``)."""
    users, ids = list(users), {pk for pk in case_ids if pk is not None}
    todo = {u.pk: u for u in users if not hasattr(u, "_skydd_memberships")}
    found: dict[int, list[Membership]] = {pk: [] for pk in todo}
    for m in Membership.objects.filter(
        user_id__in=todo, is_active=True, organisation__is_active=True
    ).select_related("organisation"):
        found[m.user_id].append(m)
    for pk, user in todo.items():  # the cache ``_memberships`` fills for one user
        user._skydd_memberships = found[pk]  # type: ignore[attr-defined]
    police = {u.pk: u for u in users if police_unit_ids(u)}
    social = {u.pk: u for u in users if social_org_ids(u)}
    result: dict[int, set[int]] = {u.pk: set() for u in users}
    if not ids or not (police or social):
        return result
    rows = ProtectionCase.objects.filter(pk__in=ids).values_list("pk", "unit_id", "restricted")
    cases = {pk: (unit_id, restricted) for pk, unit_id, restricted in rows}
    pairs: set[tuple[int, int]] = set()
    if police:  # guardian's direct object permissions, as ``assigned_cases`` reads them
        perms = ProtectionCaseUserObjectPermission.objects.filter(
            user_id__in=police,
            content_object_id__in=cases,
            permission__content_type=ContentType.objects.get_for_model(ProtectionCase),
            permission__codename=VIEW_PERM.split(".")[1],
        ).values_list("user_id", "content_object_id")
        grants = BreakGlassAccess.objects.filter(
            user_id__in=police, case_id__in=cases, expires_at__gt=timezone.now()
        ).values_list("user_id", "case_id")
        mine = {u: police_unit_ids(user) for u, user in police.items()}
        pairs |= {(u, c) for u, c in perms if cases[c][0] in mine[u]}
        pairs |= {(u, c) for u, c in grants if cases[c][0] in mine[u] and not cases[c][1]}
        for user in police.values():
            heads = headed_unit_ids(user)
            pairs |= {(user.pk, c) for c, (unit_id, _r) in cases.items() if unit_id in heads}
    if social:
        orgs = {org for u in social.values() for org in social_org_ids(u)}
        active = Disclosure.objects.active().filter(
            direction=Disclosure.Direction.TO_SOCIAL, recipient_id__in=orgs, case_id__in=cases
        )
        disclosures = list(active.values_list("pk", "case_id", "recipient_id"))
        assigned = set(
            Disclosure.handlers.through.objects.filter(
                disclosure_id__in=[d[0] for d in disclosures], user_id__in=social
            ).values_list("disclosure_id", "user_id")
        )
        for user in social.values():
            member, headed = set(social_org_ids(user)), set(headed_social_org_ids(user))
            for pk, case_id, org in disclosures:
                if org in member and ((pk, user.pk) in assigned or org in headed):
                    pairs.add((user.pk, case_id))
    for user_id, case_id in pairs:
        result[user_id].add(case_id)
    return result
