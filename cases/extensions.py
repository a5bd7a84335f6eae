"""Extension points: what the apps built on ``cases`` add to a case.

``cases`` imports none of the apps built on it (riskassessment, alarms, notifications,
statistics). Instead each app registers its contributions here from its
``AppConfig.ready()``::

    from cases import extensions
    extensions.case_panels.register(case_panel, order=40)
    extensions.closing_blockers.register(loans_block_closing)

The points:

- ``case_panels``: ``(CaseAccess) -> dict`` – a section of the case page; ``{}`` when it has
  nothing for this reader; the dict names its ``template``; ``top=True`` puts it above.
- ``closing_blockers``: ``(ProtectionCase) -> list[str]`` – why the case cannot be closed
  yet, one Swedish sentence each (e.g. "a device is on loan").
- ``closing_notices``: ``(ProtectionCase) -> list[str]`` – what is still running and will be
  ended or stays in force when the case is closed (shown on the closing page).
- ``case_flags``: ``(list[int] case ids) -> cases.roundtrip.Pending[dict[int, list[str]]]``
  – short flags for case lists and the case header (e.g. "Larm utlånat"); one statement for
  the whole page of cases, given as a ``Pending`` so that the list reads it in the same
  round trip as its other rows (``roundtrip.settle``).
- ``case_risk_levels``: ``(list[int] case ids, cases.listing.ListReader) ->
  cases.roundtrip.Pending[Mapping[int, list[cases.listing.RiskLevel]]]`` – the latest risk
  level(s) of each case as this reader may see them (one entry per threat actor once
  assessments name one); a fixed number of statements whatever the number of cases, read
  with the list's others. Shown by case lists and the case header.
- ``notification_rules``: rule objects read by ``notifications`` (see that app).
- ``purge_hooks``: ``(ProtectionCase) -> dict[str, int]`` – called by the retention purge
  (cases/casework/retention.py) inside its transaction, just before the case is deleted:
  cut this app's links to the case and its persons (keeping what must outlive the case with
  the reference only); returns counts for the purge protocol.
- ``plan_sources``: objects with ``collect(case) -> dict`` (keys merged into the plan's data,
  e.g. ``assessments``) and ``labels() -> dict`` (display labels of their codes).
- ``journal_events``: ``{code: cases.journal.Event}`` – the app's journal events, rendered in
  the reader's language when the journal is read.
- ``case_user_columns``: ``("app.Model", field name)`` – a user foreign key of a model with a
  ``case`` foreign key, whose user a case page names (journal authors, follow-up assignees,
  assessors): ``cases.recipients`` decides in one statement which of them a recipient sees
  as "annan mottagare". A user named elsewhere is decided alone when shown (a query more,
  never a name too many).
- ``case_page_rows``: models with a ``case`` foreign key whose rows a case-page section reads
  only when the case has any (``cases.caserows.has``: one statement asks for all of them).

Order: lower ``order`` first; equal orders keep registration order. ``override()`` replaces
a point's items for the duration of a test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from cases.roundtrip import Pending


class ExtensionPoint[T]:
    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[tuple[int, int, T]] = []

    def register(self, item: T, *, order: int = 100) -> T:
        """Register ``item`` (idempotent: registering the same item twice keeps one)."""
        if any(existing is item for _o, _n, existing in self._items):
            return item
        self._items.append((order, len(self._items), item))
        self._items.sort(key=lambda entry: (entry[0], entry[1]))
        return item

    def __iter__(self) -> Iterator[T]:
        return iter([item for _o, _n, item in self._items])

    def __len__(self) -> int:
        return len(self._items)

    @contextmanager
    def override(self, items: list[T]) -> Iterator[None]:
        saved = self._items
        self._items = [(index, index, item) for index, item in enumerate(items)]
        try:
            yield
        finally:
            self._items = saved

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._items)} items>"


case_panels: ExtensionPoint[Callable[[Any], dict[str, Any]]] = ExtensionPoint("case_panels")
closing_blockers: ExtensionPoint[Callable[[Any], list[str]]] = ExtensionPoint("closing_blockers")
closing_notices: ExtensionPoint[Callable[[Any], list[str]]] = ExtensionPoint("closing_notices")
case_flags: ExtensionPoint[Callable[[list[int]], Pending[dict[int, list[str]]]]] = ExtensionPoint(
    "case_flags"
)
case_risk_levels: ExtensionPoint[Callable[[list[int], Any], Pending[Mapping[int, list[Any]]]]] = (
    ExtensionPoint("case_risk_levels")
)
notification_rules: ExtensionPoint[Any] = ExtensionPoint("notification_rules")
purge_hooks: ExtensionPoint[Callable[[Any], dict[str, int]]] = ExtensionPoint("purge_hooks")
journal_events: ExtensionPoint[Mapping[str, Any]] = ExtensionPoint("journal_events")
plan_sources: ExtensionPoint[Any] = ExtensionPoint("plan_sources")
case_page_rows: ExtensionPoint[Any] = ExtensionPoint("case_page_rows")
case_user_columns: ExtensionPoint[tuple[str, str]] = ExtensionPoint("case_user_columns")
# Why a participant cannot be removed yet (e.g. an alarm loan names them): sentences.
participant_blockers: ExtensionPoint[Callable[[Any], list[str]]] = ExtensionPoint(
    "participant_blockers"
)
