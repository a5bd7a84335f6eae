"""What a digest or notice says: items grouped by rule, after access is checked again.

Used for the e-mails and for the start page's preview ("what the digest would say"). An
item whose case the reader can no longer open (``cases.access.openable_cases``) is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from cases import access
from cases.lookups import AnyOf
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
    found: dict[str, list[tuple[str, str, Item]]] = {}
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
        found.setdefault(item.rule, []).append((reference, key, item))
    groups: list[Group] = []
    for name, rows in found.items():
        rule = by_name[name]
        group = Group(rule.name, str(rule.label), rule.urgent)
        rows.sort(key=lambda row: row[0])  # by reference; stable for equal ones
        if limit is not None and len(rows) > limit:
            group.total = len(rows)
            del rows[limit:]
        # Lines and links only for the entries listed: a head's preview counts thousands.
        for reference, key, item in rows:
            url = rule.link(key, item.params)
            group.entries.append(
                Entry(reference, rule.line(item.params), absolute(url) if absolute_links else url)
            )
        groups.append(group)
    return sorted(groups, key=lambda group: order.get(group.rule, 999))


# The start page lists this many entries of each group and counts the rest: a head of a
# unit of 40,000 cases had 5,536 entries, a 650 kB start page (issue 16).
PREVIEW_LIMIT = 20


def preview_for(user: User, now: datetime | None = None) -> list[Group]:
    """What the user's digest would say now (muted rules left out; urgent ones included),
    each group's first ``PREVIEW_LIMIT`` entries listed."""
    now = now or timezone.now()
    muted = set(preference(user).muted_rules)
    items: dict[tuple[str, str], Item] = {}
    # The id read once: ``user`` may be the request's lazy object, and every attribute
    # read through it costs a lookup per item (thousands for a head).
    uid = user.pk
    for rule in rules_module.registered():
        if rule.name in muted and not rule.urgent:
            continue
        for due in rule.due(now, user_ids=[uid]):
            if due.recipient_id == uid and due.actor_id != uid:
                items[(rule.name, due.subject)] = Item(rule.name, due.case_id, due.params)
    # Access and the references in one query (a head's preview names thousands of cases).
    wanted = {item.case_id for item in items.values() if item.case_id is not None}
    cases = (
        {
            pk: (reference, str(key))
            for pk, reference, key in access.openable_cases(user)
            .filter(AnyOf(F("pk"), sorted(wanted)))  # one array, not 5,000 parameters
            .values_list("pk", "reference", "key")
        }
        if wanted
        else {}
    )
    allowed = set(cases)  # once: per item it was 5,536 copies of 5,000 ids (issue 16)
    items = {k: item for k, item in items.items() if _visible(user, item, allowed)}
    return groups_for(items.values(), cases, absolute_links=False, limit=PREVIEW_LIMIT)
