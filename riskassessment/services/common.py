"""Risk assessments: the errors and the visibility levels shared by the services (the rating
scales are data: ``RatingScale``, read with the instrument in ``instruments.load_structure``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext as _

from cases import errors
from riskassessment.models import SummaryJudgementDefinition

if TYPE_CHECKING:  # dev-only package: never imported at run time
    pass


Visibility = Literal["full", "summary"]
FULL: Visibility = "full"
SUMMARY: Visibility = "summary"
# The "uppgift saknas" code of the shipped scales; a scale of its own names its own step
# (``ScaleStep.omitted``). The options of every scale are data (``RatingScale``).
OMITTED = "-"


# --- errors --------------------------------------------------------------------------------


class AssessmentError(errors.DomainError):
    """A refused change of a risk assessment (one of the ``cases.errors`` family);
    ``message`` is Swedish and meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NotAllowed(AssessmentError, errors.NotAllowed):
    """The reader may not do this; answered 404 so that nothing leaks."""


class InvalidAssessment(AssessmentError, errors.Invalid):
    """The input or the instrument breaks a rule (shown beside the form)."""


class AssessmentLocked(AssessmentError, errors.Invalid):
    """A final assessment is immutable; a change is a reassessment (a new assessment)."""


class MissingJudgements(AssessmentError, errors.Invalid):
    """Finalising needs every required summary judgement."""

    def __init__(self, definitions: list[SummaryJudgementDefinition]) -> None:
        self.definitions = definitions
        names = ", ".join(f"”{d.label}”" for d in definitions)
        super().__init__(
            _("Bedömningen kan inte slutföras. Det saknas: %(names)s.") % {"names": names}
        )
