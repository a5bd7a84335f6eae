"""factory-boy factories for the whole suite."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User

PASSWORD = "test-Password-123"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.POLICE_UNIT
    name = factory.Sequence(lambda n: f"Enhet {n}")
    reference_prefix = factory.Sequence(lambda n: f"PSS-T{n}")


class SocialServicesFactory(OrganisationFactory):
    kind = Organisation.Kind.SOCIAL_SERVICES
    name = factory.Sequence(lambda n: f"Socialtjänsten Testkommun {n}")
    reference_prefix = ""
    municipality_code = factory.Sequence(lambda n: f"{1900 + n % 99:04d}")
    municipality_name = factory.Sequence(lambda n: f"Testkommun {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Testanvändare {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            TOTPDevice.objects.create(user=self, name="test", confirmed=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.HANDLER


# --- cases ---------------------------------------------------------------------------------
from datetime import date  # noqa: E402

from cases.models import Disclosure, Participant, Person, ProtectionCase  # noqa: E402


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = factory.Sequence(lambda n: f"Efternamn{n}")


_contact_numbers = iter(range(1, 10**9))


def contact(**values: str) -> dict[str, str]:
    """Contact details for a participant row (they are the case's, not the person's)."""
    return {
        "phone": "070-000 00 00",
        "street_address": f"Testgatan {next(_contact_numbers)}",
        "postal_code": "731 30",
        "city": "Köping",
        **values,
    }


def set_contact(case: ProtectionCase, person: Person, **values: str) -> None:
    """Change the person's contact details in ``case`` (every role of theirs there)."""
    Participant.objects.filter(case=case, person=person).update(**values)


def make_case(
    handler: User,
    *,
    unit: Organisation | None = None,
    restricted: bool = False,
    category: str = ProtectionCase.Category.CLOSE_RELATIONSHIP,
    threat_picture: str = "Hotbild (test)",
    protected: Person | None = None,
    protected_contact: dict[str, str] | None = None,
) -> ProtectionCase:
    """A case opened through the service, with ``handler`` responsible and a protected
    person and a threat actor (each with this case's contact details: ``contact()``,
    ``protected_contact`` overriding the protected person's)."""
    from cases import services

    unit = unit or handler.memberships.get().organisation
    case = services.create_case(
        handler,
        unit=unit,
        category=category,
        threat_picture=threat_picture,
        restricted=restricted,
    )
    Participant.objects.create(
        case=case,
        person=protected or PersonFactory(),
        role=Participant.Role.PROTECTED,
        **contact(**(protected_contact or {})),
    )
    Participant.objects.create(
        case=case, person=PersonFactory(), role=Participant.Role.THREAT_ACTOR, **contact()
    )
    return case


# Every scope a disclosure can give (the tests of what a recipient sees of the others).
ALL_SCOPES = {
    "scope_persons": True,
    "scope_risk_summary": True,
    "scope_risk_full": True,
    "scope_measures": True,
    "scope_plan": True,
}


def make_disclosure(
    case: ProtectionCase,
    recipient: Organisation,
    *,
    handlers: list[User] = (),  # type: ignore[assignment]
    valid_from: date | None = None,
    valid_until: date | None = None,
    **scope: bool,
) -> Disclosure:
    disclosure = Disclosure.objects.create(
        case=case,
        recipient=recipient,
        legal_basis=Disclosure.LegalBasis.CONSENT,
        consent_given_by="Skyddspersonen",
        consent_form=Disclosure.ConsentForm.WRITTEN,
        consent_date=date.today(),
        valid_from=valid_from or date.today(),
        valid_until=valid_until,
        **scope,
    )
    disclosure.handlers.set(handlers)
    return disclosure


# --- case work, assessments and plans: made through the services ---------------------------
# Each factory calls the service a user would (so the rules, the journal and the side effects
# – a planned follow-up, an activated measure – are those of the real thing). ``actor``
# defaults to the case's first responsible handler; ``case`` is required.


def _actor(case: ProtectionCase) -> User:
    from cases.services import responsible_handlers

    handlers = responsible_handlers(case)
    if not handlers:
        raise ValueError("the case has no responsible handler to act for it")
    return handlers[0]


def _role(case: ProtectionCase, role: str) -> Participant:
    return case.participants.filter(role=role).order_by("pk").first()  # type: ignore[return-value]


class ServiceFactory(factory.Factory):
    """``_create`` hands ``actor``, ``case`` and the declared values to ``service``."""

    class Meta:
        abstract = True

    @classmethod
    def service(cls, actor: User, case: ProtectionCase, **values: object) -> object:
        raise NotImplementedError

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        case = kwargs.pop("case")
        actor = kwargs.pop("actor", None) or _actor(case)  # type: ignore[arg-type]
        return cls.service(actor, case, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: object) -> object:
        raise TypeError("made through the services only: use create()")


class MeasureFactory(ServiceFactory):
    """A protective measure (``cases.casework.services.add_measure``)."""

    class Meta:
        model = "cases.ProtectiveMeasure"

    kind = factory.LazyFunction(lambda: _measure_kind("skyddslarm"))
    status = "planned"

    @classmethod
    def service(cls, actor: User, case: ProtectionCase, **values: object) -> object:
        from cases.casework import services

        if isinstance(values.get("kind"), str):
            values["kind"] = _measure_kind(values["kind"])  # type: ignore[arg-type]
        return services.add_measure(actor, case, **values)  # type: ignore[arg-type]


def _measure_kind(code: str) -> object:
    from cases.models import MeasureKind

    return MeasureKind.objects.get(code=code)


class FollowUpFactory(ServiceFactory):
    """A planned follow-up (``add_follow_up``), due in a week unless told."""

    class Meta:
        model = "cases.FollowUp"

    kind = "conversation"
    due_date = factory.LazyFunction(lambda: _today() + _days(7))

    @classmethod
    def service(cls, actor: User, case: ProtectionCase, **values: object) -> object:
        from cases.casework import services

        return services.add_follow_up(actor, case, **values)  # type: ignore[arg-type]


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _days(n: int) -> object:
    from datetime import timedelta

    return timedelta(days=n)


class ContactBanFactory(ServiceFactory):
    """A kontaktförbud (``add_contact_ban``) protecting the case's protected person from its
    threat actor unless told otherwise."""

    class Meta:
        model = "cases.ContactBan"

    ban_type = "ordinary"

    @classmethod
    def service(cls, actor: User, case: ProtectionCase, **values: object) -> object:
        from cases.casework import services

        values.setdefault("protected_participant", _role(case, Participant.Role.PROTECTED))
        values.setdefault("restricted_participant", _role(case, Participant.Role.THREAT_ACTOR))
        return services.add_contact_ban(actor, case, **values)  # type: ignore[arg-type]


class AssessmentFactory(ServiceFactory):
    """A risk assessment started, filled in (every factor ``rating``, every level
    ``level``) and – unless ``final=False`` – finalised, through riskassessment.services."""

    class Meta:
        model = "riskassessment.Assessment"

    instrument = "SARA_SV"
    rating = "J"
    level = "high"
    final = True

    @classmethod
    def service(cls, actor: User, case: ProtectionCase, **values: object) -> object:
        from riskassessment import services
        from riskassessment.models import Instrument
        from tests.riskassessment.helpers import complete_input

        instrument = values["instrument"]
        if isinstance(instrument, str):
            instrument = Instrument.objects.get(code=instrument, version="1")
        assessment, _ = services.start_assessment(actor, case, instrument=instrument)
        data = complete_input(
            services.load_structure(instrument),  # type: ignore[arg-type]
            rating=values["rating"],  # type: ignore[arg-type]
            level=values["level"],  # type: ignore[arg-type]
        )
        data.assessed_on = assessment.assessed_on
        assessment = services.save_draft(actor, assessment, data=data, expected_version=None)
        if not values["final"]:
            return assessment
        return services.finalise(actor, assessment, expected_version=None)


class PlanFactory(ServiceFactory):
    """A draft of the joint protection plan (``cases.plan.services.start_version``), with
    ``texts`` written by the actor's party if given."""

    class Meta:
        model = "cases.ProtectionPlan"

    texts = factory.LazyFunction(dict)

    @classmethod
    def service(cls, actor: User, case: ProtectionCase, **values: object) -> object:
        from cases.plan import services

        plan = services.start_version(actor, case)
        texts = values["texts"]
        if texts:
            services.update_texts(actor, plan, expected_version=plan.version, changes=texts)  # type: ignore[arg-type]
            plan.refresh_from_db()
        return plan
