"""Whose figures a user may follow on the statistics pages (issue 14): the scope is derived
from the memberships cases.access counts, and grants counts only, never a case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from accounts.models import Membership, Organisation, User
from cases.access import memberships


@dataclass(frozen=True)
class StatisticsScope:
    """Whose figures a user may follow (issue 14). Counts only, never a case.

    - ``police``: the police units the user heads (several: chosen one by one or together);
    - ``social``: the social-services organisations the user heads – their received
      disclosures, their own assessments and their own plan commitments, nothing police-only;
    - ``national``: administrators, every organisation; figures leave any one unit, so small
      counts are suppressed (``suppress``).
    """

    kind: Literal["police", "social", "national"]
    organisations: tuple[Organisation, ...] = ()

    @property
    def suppress(self) -> bool:
        return self.kind == "national"

    @property
    def organisation_ids(self) -> list[int]:
        return [org.pk for org in self.organisations]


def statistics_scope(user: User) -> StatisticsScope | None:
    """The statistics this user may see, or None (the pages then answer 404).

    Administrators (staff) see national figures and nothing else: they read no case, and the
    national figures carry no case. A head of police units sees those units; otherwise a head
    of social services sees that organisation. Handlers and everyone else: None.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff or user.is_superuser:
        return StatisticsScope("national")
    headed = [
        m.organisation
        for m in memberships(user)
        if m.role == Membership.Role.HEAD
        and m.organisation.kind != Organisation.Kind.ADMINISTRATION
    ]
    police = tuple(sorted((o for o in headed if o.is_police), key=lambda o: o.name))
    if police:
        return StatisticsScope("police", police)
    social = tuple(sorted((o for o in headed if o.is_social_services), key=lambda o: o.name))
    if social:
        return StatisticsScope("social", social)
    return None
