"""The journal events of alarm loans, registered in ``cases.extensions.journal_events``
from ``AlarmsConfig.ready()`` and rendered in the reader's language when read (the stored
parameters are codes, dates and catalogue names, never a sentence in the actor's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alarms.models import AlarmEvent
from cases.journal import ROLE_LOWER, Event, choice


def _basis(without_assessment: Any) -> str:
    return _(" (utan strukturerad bedömning)") if without_assessment else ""


EVENTS: dict[str, Event] = {
    "alarm_lent": Event(
        gettext_noop("Larm utlånat: %(kind)s till %(role)s, översyn senast %(date)s%(basis)s."),
        {"role": ROLE_LOWER, "basis": _basis},
    ),
    "alarm_reviewed": Event(
        gettext_noop("Översyn av larmlån: fortsatt lån, nästa översyn senast %(date)s%(basis)s."),
        {"basis": _basis},
    ),
    "alarm_returned": Event(gettext_noop("Larmet återlämnades: %(kind)s.")),
    "alarm_lost": Event(gettext_noop("Larmet rapporterades förlorat: %(kind)s.")),
    "alarm_acknowledged": Event(gettext_noop("Kvittens av larminstruktioner registrerad.")),
    "alarm_event": Event(
        gettext_noop("Larmhändelse registrerad: %(kind)s, %(outcome)s."),
        {"kind": choice(AlarmEvent.Kind), "outcome": choice(AlarmEvent.Outcome, lower=True)},
    ),
}
