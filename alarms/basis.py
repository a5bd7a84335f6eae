"""The basis of a lending decision: a final risk assessment of the case, chosen with its
summary judgement shown (at most ALARM_ASSESSMENT_MAX_AGE_DAYS old), or – when there is
none – a written reason, which marks the loan "utan strukturerad bedömning"; and who may be
recorded as the decision maker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from cases.access import CaseAccess
from cases.errors import Invalid
from cases.models import ProtectionCase
from riskassessment import services as ra
from riskassessment.models import Assessment


def unit_staff(case: ProtectionCase) -> list[User]:
    """Who may be recorded as decision maker: the unit's active handlers and heads."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=case.unit_id,
            memberships__is_active=True,
            memberships__role__in=(Membership.Role.HANDLER, Membership.Role.HEAD),
        )
        .distinct()
        .order_by("full_name")
    )


@dataclass(frozen=True)
class BasisChoice:
    """A final risk assessment that may be the basis of a decision, with its summary."""

    assessment_id: int
    label: str  # instrument and date
    summary: str  # the summary judgements (levels), as the reader may see them


def basis_choices(case_access: CaseAccess, *, on: date | None = None) -> list[BasisChoice]:
    """The case's final assessments the reader sees, at most ALARM_ASSESSMENT_MAX_AGE_DAYS
    old, newest first."""
    on = on or timezone.localdate()
    oldest = on - timedelta(days=settings.ALARM_ASSESSMENT_MAX_AGE_DAYS)
    choices = []
    for row in ra.assessment_rows(case_access):
        a = row.assessment
        if not a.is_final or a.assessed_on < oldest:
            continue
        levels = [f"{j.label}: {j.display}" for j in row.judgements if j.is_level and j.level]
        summary = "; ".join(levels) or _("Ingen nivå angiven")
        label = f"{a.instrument.name}, {a.assessed_on.isoformat()}"
        choices.append(BasisChoice(a.pk, label, summary))
    return choices


@dataclass(frozen=True)
class Basis:
    assessment: Assessment | None
    summary: str
    reason: str

    @property
    def without_assessment(self) -> bool:
        return self.assessment is None


def build(case_access: CaseAccess, assessment_id: int | None, reason: str, on: date) -> Basis:
    reason = reason.strip()
    if assessment_id:
        choice = next(
            (c for c in basis_choices(case_access, on=on) if c.assessment_id == assessment_id), None
        )
        if choice is None:
            raise Invalid(
                _(
                    "Bedömningen kan inte användas som underlag: den ska vara slutförd, höra "
                    "till ärendet och vara högst %(days)s dagar gammal."
                )
                % {"days": settings.ALARM_ASSESSMENT_MAX_AGE_DAYS},
                field="assessment",
            )
        assessment = Assessment.objects.get(pk=assessment_id)
        return Basis(assessment, f"{choice.label} – {choice.summary}"[:300], reason)
    if not reason:
        raise Invalid(
            _(
                "Ingen slutförd hot- och riskbedömning är vald. Skriv skälet till beslutet: "
                "lånet markeras då ”utan strukturerad bedömning”."
            ),
            field="reason",
        )
    return Basis(None, "", reason)


def check_decision_maker(case: ProtectionCase, user: User | None) -> User:
    if user is None or user.pk not in {u.pk for u in unit_staff(case)}:
        raise Invalid(
            _("Beslutsfattaren ska vara handläggare eller chef vid ärendets polisenhet."),
            field="decision_maker",
        )
    return user


def check_review(started_on: date, review_on: date, return_by: date | None) -> None:
    today = timezone.localdate()
    if review_on < today:
        raise Invalid(_("Översynsdatumet kan inte ligga i det förflutna."), field="review_on")
    if review_on < started_on:
        raise Invalid(_("Översynen kan inte vara före utlåningen."), field="review_on")
    if return_by is not None and return_by < started_on:
        raise Invalid(_("Återlämnandet kan inte vara före utlåningen."), field="return_by")
