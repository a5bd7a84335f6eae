"""The rule protocol: what is due, for whom.

A rule names its recipients for ALL users at once: ``due(now)`` returns one ``Due`` per
recipient and subject, in a fixed number of queries however many cases there are (the
nightly run covers every user). The sweep (``notifications/sweep.py``) turns these into
rows of the outbox; the rows' unique key (recipient, rule, subject, period) means a
reminder is never sent twice.

Registering a rule from another app is one line in its ``AppConfig.ready()``::

    from cases import extensions
    from notifications.rules import Rule, Due

    class LoanReviewDue(Rule):
        name = "alarms.loan_review"          # stable: stored in the outbox rows
        label = _("Lån att se över")          # heading of the group in the digest
        def due(self, now, *, user_ids=None):
            ...                               # yield Due(recipient_id, subject, case_id, params)

    extensions.notification_rules.register(LoanReviewDue(), order=60)

An urgent rule (``urgent = True``, e.g. an alarm activation) also gets an immediate
notice, once per (recipient, subject, ``Due.period``); it cannot be turned off. Every other
rule only appears in the daily digest and each user may turn it off. ``params`` holds
dates (ISO strings), counts, ids and codes – never names, personnummer, addresses or free
text: they end up in e-mails. ``actor_id`` is who caused the event: never notified of it.
``user_ids`` restricts the answer to these recipients (the start page's preview); a rule
should apply it inside its queries.

An item without a case (``case_id=None``, e.g. a unit's devices needing a check) is only
sent if its rule's ``allows(user, params)`` says the reader may still see it (checked again
at sending, like a case's access) and is headed by ``reference(params)`` instead of a case
reference; by default such items are dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from cases import extensions


@dataclass(frozen=True)
class Due:
    recipient_id: int
    subject: str  # stable key of what the item is about, e.g. "followup:42"
    case_id: int | None
    params: dict[str, Any] = field(default_factory=dict)
    period: str = ""  # urgent rules: a new period is a new notice ("" = once)
    actor_id: int | None = None


class Rule:
    name: ClassVar[str] = ""
    label: ClassVar[str | Promise] = ""
    urgent: ClassVar[bool] = False

    def due(self, now: datetime, *, user_ids: Collection[int] | None = None) -> Iterable[Due]:
        raise NotImplementedError

    def line(self, params: dict[str, Any]) -> str:
        """One short line for an item (no personal data); by default its date."""
        when = params.get("date")
        return _("Datum %(date)s") % {"date": when} if when else ""

    def allows(self, user: Any, params: dict[str, Any]) -> bool:
        """Whether ``user`` may still see an item without a case (no query per item)."""
        return False

    def reference(self, params: dict[str, Any]) -> str:
        """The heading of an item without a case (no personal data)."""
        return ""

    def link(self, case_key: str, params: dict[str, Any]) -> str:
        """Path of the page to act on the item (made absolute in e-mails)."""
        return case_path("cases:detail", case_key)

    def __repr__(self) -> str:
        return f"<Rule {self.name}>"


_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


@functools.lru_cache(maxsize=128)
def _reversed(viewname: str, with_key: bool, prefix: str, urlconf: str | None) -> str:
    kwargs = {"key": _PLACEHOLDER} if with_key else None
    return reverse(viewname, urlconf=urlconf, kwargs=kwargs)


def case_path(viewname: str, case_key: str) -> str:
    """``reverse(viewname, kwargs={"key": case_key})`` for a URL whose only argument is a
    case key, reversed once per view (a nightly run builds tens of thousands of links)."""
    path = _reversed(viewname, True, get_script_prefix(), get_urlconf())
    return path.replace(_PLACEHOLDER, str(case_key))


def static_path(viewname: str) -> str:
    """``reverse(viewname)`` for a URL without arguments, reversed once per view."""
    return _reversed(viewname, False, get_script_prefix(), get_urlconf())


def registered() -> list[Rule]:
    return list(extensions.notification_rules)


def by_name() -> dict[str, Rule]:
    return {rule.name: rule for rule in registered()}


def iso(day: date) -> str:
    return day.isoformat()
