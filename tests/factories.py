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
