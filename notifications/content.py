"""What a digest or notice says: items grouped by rule, after access is checked again.

Used for the e-mails and for the start page's preview ("what the digest would say"). An
item whose case the reader can no longer open (``cases.access.openable_cases``) is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from cases import access
from notifications import rules as rules_module
from notifications.models import Preference
from skydd.emails import absolute


@dataclass
class Entry:
    reference: str
    line: str
    url: str


@dataclass
class Group:
    rule: str
    label: str
    urgent: bool
    entries: list[Entry] = field(default_factory=list)
    total: int | None = None  # set when ``entries`` holds only the first of them

    @property
    def count(self) -> int:
        return len(self.entries) if self.total is None else self.total

    @property
    def more(self) -> int:
        """How many entries are counted but not listed."""
        return self.count - len(self.entries)


@dataclass(frozen=True)
class Item:
    rule: str
    case_id: int | None
    params: dict[str, Any]


def openable_ids(user: User, case_ids: Iterable[int]) -> set[int]:
    ids = {pk for pk in case_ids if pk is not None}
    if not ids:
        return set()
    return set(access.openable_cases(user).filter(pk__in=ids).values_list("pk", flat=True))


def _visible(user: User, item: Item, allowed: set[int]) -> bool:
    if item.case_id is not None:
        return item.case_id in allowed
    rule = rules_module.by_name().get(item.rule)
    return rule is not None and rule.allows(user, item.params)


def preference(user: User) -> Preference:
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user)


def groups_for(
    items: Iterable[Item],
    cases: dict[int, tuple[str, str]],
    *,
    absolute_links: bool,
    limit: int | None = None,
) -> list[Group]:
    """Group items by rule, in registration order; ``cases``: id → (reference, key) of the
    cases the reader may open (items of other cases are left out). ``limit``: list only
    the first entries of each group (by reference); the group still counts them all."""
    registered = rules_module.registered()
    order = {rule.name: index for index, rule in enumerate(registered)}
    by_name = {rule.name: rule for rule in registered}
    groups: dict[str, Group] = {}
    for item in items:
        rule = by_name.get(item.rule)
        if rule is None:
            continue
        if item.case_id is None:  # the caller kept it only if ``rule.allows`` the reader
            reference, key = rule.reference(item.params), ""
        elif item.case_id in cases:
            reference, key = cases[item.case_id]
        else:
            continue
        group = groups.setdefault(item.rule, Group(rule.name, str(rule.label), rule.urgent))
        url = rule.link(key, item.params)
        group.entries.append(
            Entry(reference, rule.line(item.params), absolute(url) if absolute_links else url)
        )
    for group in groups.values():
        group.entries.sort(key=lambda entry: entry.reference)
        if limit is not None and len(group.entries) > limit:
            group.total = len(group.entries)
            del group.entries[limit:]
    return sorted(groups.values(), key=lambda group: order.get(group.rule, 999))


# The start page lists this many entries of each group and counts the rest: a head of a
# unit of 40,000 cases had 5,536 entries, a 650 kB start page (issue 16).
PREVIEW_LIMIT = 20


def preview_for(user: User, now: datetime | None = None) -> list[Group]:
    """What the user's digest would say now (muted rules left out; urgent ones included),
    each group's first ``PREVIEW_LIMIT`` entries listed."""
    now = now or timezone.now()
    muted = set(preference(user).muted_rules)
    items: dict[tuple[str, str], Item] = {}
    for rule in rules_module.registered():
        if rule.name in muted and not rule.urgent:
            continue
        for due in rule.due(now, user_ids=[user.pk]):
            if due.recipient_id == user.pk and due.actor_id != user.pk:
                items[(rule.name, due.subject)] = Item(rule.name, due.case_id, due.params)
    # Access and the references in one query (a head's preview names thousands of cases).
    wanted = {item.case_id for item in items.values() if item.case_id is not None}
    cases = (
        {
            pk: (reference, str(key))
            for pk, reference, key in access.openable_cases(user)
            .filter(pk__in=wanted)
            .values_list("pk", "reference", "key")
        }
        if wanted
        else {}
    )
    items = {k: item for k, item in items.items() if _visible(user, item, set(cases))}
    return groups_for(items.values(), cases, absolute_links=False, limit=PREVIEW_LIMIT)
