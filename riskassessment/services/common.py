"""Risk assessments: the errors, the rating scales and the visibility levels shared by the
services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import errors
from riskassessment.models import (
    Factor,
    FactorRating,
    SummaryJudgementDefinition,
)

if TYPE_CHECKING:  # dev-only package: never imported at run time
    from django_stubs_ext import StrOrPromise


Visibility = Literal["full", "summary"]
FULL: Visibility = "full"
SUMMARY: Visibility = "summary"
OMITTED = FactorRating.Rating.OMITTED.value

# Rating options per factor scale, in the order shown on the form.
SCALE_CHOICES: dict[str, list[tuple[str, StrOrPromise]]] = {
    Factor.Scale.NDJ: [
        ("N", gettext_lazy("Nej")),
        ("D", gettext_lazy("Delvis")),
        ("J", gettext_lazy("Ja")),
        (OMITTED, gettext_lazy("Uppgift saknas")),
    ],
    Factor.Scale.YES_NO: [
        ("J", gettext_lazy("Ja")),
        ("N", gettext_lazy("Nej")),
        (OMITTED, gettext_lazy("Uppgift saknas")),
    ],
}
RATING_LABELS = dict(FactorRating.Rating.choices)


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
