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
    phone = "070-000 00 00"
    street_address = factory.Sequence(lambda n: f"Testgatan {n}")
    postal_code = "731 30"
    city = "Köping"


def make_case(
    handler: User,
    *,
    unit: Organisation | None = None,
    restricted: bool = False,
    category: str = ProtectionCase.Category.CLOSE_RELATIONSHIP,
    threat_picture: str = "Hotbild (test)",
    protected: Person | None = None,
) -> ProtectionCase:
    """A case opened through the service, with ``handler`` responsible and a protected
    person and a threat actor."""
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
        case=case, person=protected or PersonFactory(), role=Participant.Role.PROTECTED
    )
    Participant.objects.create(
        case=case, person=PersonFactory(), role=Participant.Role.THREAT_ACTOR
    )
    return case


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
