"""Shared by the disclosure tests: URLs, a valid disclosure form and a member of an
organisation."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from accounts.models import Membership, Organisation, User
from cases.models import Disclosure
from tests.factories import MembershipFactory

TODAY = date.today


def member(org: Organisation, role: str = Membership.Role.HANDLER) -> User:
    return MembershipFactory(organisation=org, role=role).user


def create_url(case) -> str:
    return reverse("cases:disclosure_create", kwargs={"key": case.key})


def withdraw_url(disclosure: Disclosure) -> str:
    return reverse(
        "cases:disclosure_withdraw", kwargs={"key": disclosure.case.key, "pk": disclosure.pk}
    )


def handlers_url(disclosure: Disclosure) -> str:
    return reverse(
        "cases:disclosure_handlers", kwargs={"key": disclosure.case.key, "pk": disclosure.pk}
    )


def detail(case) -> str:
    return reverse("cases:detail", kwargs={"key": case.key})


def valid_post(recipient: Organisation, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "recipient": recipient.pk,
        "legal_basis": "consent",
        "legal_basis_text": "",
        "scope": ["scope_persons", "scope_measures"],
        "consent_given_by": "Skyddspersonen själv",
        "consent_form": "written",
        "consent_date": TODAY().isoformat(),
        "valid_from": TODAY().isoformat(),
        "valid_until": (TODAY() + timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data
