"""The journal events of risk assessments, registered in ``cases.extensions.journal_events``
from ``RiskassessmentConfig.ready()`` and rendered in the reader's language when read."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from cases.journal import Event

EVENTS: dict[str, Event] = {
    "assessment_started": Event(gettext_noop("Riskbedömning påbörjad (%(instrument)s).")),
    "reassessment_started": Event(
        gettext_noop("Omprövning av riskbedömning påbörjad (%(instrument)s, föregående %(date)s).")
    ),
    "assessment_finalised": Event(
        gettext_noop("Riskbedömning slutförd (%(instrument)s, %(date)s, %(org)s).")
    ),
    "assessment_measures": Event(gettext_noop("Planerade åtgärder: %(names)s.")),
    "assessment_next": Event(gettext_noop("Nästa omprövning: %(date)s.")),
    "assessment_discarded": Event(
        gettext_noop("Utkast till riskbedömning borttaget (%(instrument)s).")
    ),
}
