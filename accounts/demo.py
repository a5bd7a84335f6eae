"""Fictional demo users and organisations (never real people)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, User

DEMO_PASSWORD = "demo-Skydd-2026!"

ORGANISATIONS = [
    # name, kind, municipality code, municipality name, reference prefix
    ("PSS Västmanland", Organisation.Kind.POLICE_UNIT, "", "", "PSS-U"),
    ("Brottsofferstöd Södertörn", Organisation.Kind.POLICE_UNIT, "", "", "BOS-AB"),
    ("Socialtjänsten Köping", Organisation.Kind.SOCIAL_SERVICES, "1983", "Köping", ""),
    ("Socialtjänsten Sala", Organisation.Kind.SOCIAL_SERVICES, "1981", "Sala", ""),
    ("Socialtjänsten Arboga", Organisation.Kind.SOCIAL_SERVICES, "1984", "Arboga", ""),
    ("Systemförvaltning Skydd", Organisation.Kind.ADMINISTRATION, "", "", ""),
]

USERS = [
    # e-mail, name, organisation, role
    ("handlaggare@polis.example", "Anna Andersson (demo)", "PSS Västmanland", "handler"),
    ("kollega@polis.example", "Bengt Berg (demo)", "PSS Västmanland", "handler"),
    ("chef@polis.example", "Cecilia Carlsson (demo)", "PSS Västmanland", "head"),
    ("sodertorn@polis.example", "David Dahl (demo)", "Brottsofferstöd Södertörn", "handler"),
    ("soc.koping@kommun.example", "Eva Ek (demo)", "Socialtjänsten Köping", "handler"),
    ("chef.koping@kommun.example", "Fredrik Falk (demo)", "Socialtjänsten Köping", "head"),
    ("soc.sala@kommun.example", "Gun Gran (demo)", "Socialtjänsten Sala", "handler"),
    ("soc.arboga@kommun.example", "Hanna Holm (demo)", "Socialtjänsten Arboga", "handler"),
    ("admin@skydd.example", "Ivar Isaksson (demo)", "Systemförvaltning Skydd", "admin"),
]


@dataclass(frozen=True)
class Credential:
    email: str
    password: str
    totp_secret: str
    role: str
    organisation: str


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app (or a test) needs."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def seed() -> bool:
    """Create the demo organisations and users once. Returns False if they already exist."""
    if User.objects.filter(email=USERS[0][0]).exists():
        return False
    orgs = {}
    for name, kind, code, municipality, prefix in ORGANISATIONS:
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "municipality_code": code,
                "municipality_name": municipality,
                "reference_prefix": prefix,
            },
        )
    for email, name, org_name, role in USERS:
        is_admin = role == "admin"
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name, is_staff=is_admin, is_superuser=is_admin
        )
        Membership.objects.create(user=user, organisation=orgs[org_name], role=role)
        TOTPDevice.objects.create(user=user, name="Demo-app", confirmed=True)
    return True


def credentials() -> list[Credential]:
    roles = {email: (org, role) for email, _name, org, role in USERS}
    result = []
    for device in TOTPDevice.objects.filter(user__email__in=roles, confirmed=True).select_related(
        "user"
    ):
        org, role = roles[device.user.email]
        result.append(Credential(device.user.email, DEMO_PASSWORD, totp_secret(device), role, org))
    order = list(roles)
    return sorted(result, key=lambda c: order.index(c.email))
