"""Acceptance of issue 10, item 1: one case disclosed to two municipalities. Neither
recipient sees a name or unit of the other (pages, print, PDF, forms), neither can change
the other's measures or follow-ups, and the police see everything in full.

The organisations and their staff carry sentinel names; each recipient's responses are
searched for the other's sentinels."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Membership
from cases import errors
from cases.casework import services as casework
from cases.models import FollowUp, MeasureKind, ProtectiveMeasure
from cases.plan import services as plan_services
from tests.factories import (
    ALL_SCOPES,
    SocialServicesFactory,
    UserFactory,
    make_case,
    make_disclosure,
)

pytestmark = pytest.mark.django_db


def _recipient(tag: str) -> tuple[object, object]:
    org = SocialServicesFactory(
        name=f"Socialtjänsten SNTLORG{tag}", municipality_name=f"SNTLKOMMUN{tag}"
    )
    user = UserFactory(full_name=f"SNTLUSER{tag} Handläggare", email=f"{tag}@kommun.test")
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.HANDLER)
    return org, user


@pytest.fixture
def world(handler):
    case = make_case(handler)
    org_a, user_a = _recipient("A")
    org_b, user_b = _recipient("B")
    make_disclosure(case, org_a, handlers=[user_a], **ALL_SCOPES)
    make_disclosure(case, org_b, handlers=[user_b], **ALL_SCOPES)
    kind = MeasureKind.objects.filter(default_party="social").first() or MeasureKind.objects.first()
    soon = timezone.localdate() + timedelta(days=7)
    rows = {}
    for tag, user in (("A", user_a), ("B", user_b)):
        rows[f"measure_{tag}"] = casework.add_measure(
            user, case, kind=kind, responsible_party="social", note=f"Insats {tag}"
        )
        rows[f"follow_up_{tag}"] = casework.add_follow_up(
            user,
            case,
            kind="conversation",
            due_date=soon,
            responsible_party="social",
            assignee=user,
        )
    plan = plan_services.start_version(handler, case)
    plan_services.confirm(user_b, plan, expected_version=plan.version)
    return {
        "case": case,
        "users": {"A": user_a, "B": user_b},
        "rows": rows,
        "plan": plan,
        "handler": handler,
    }


def _pages(case, plan) -> list[str]:
    key = case.key
    return [
        reverse("cases:detail", kwargs={"key": key}),
        reverse("cases:casework", kwargs={"key": key}),
        reverse("cases:followup_add", kwargs={"key": key}),
        reverse("cases:measure_add", kwargs={"key": key}),
        reverse("cases:plan", kwargs={"key": key}),
        reverse("cases:plan_version", kwargs={"key": key, "number": plan.number}),
        reverse("cases:plan_print", kwargs={"key": key, "number": plan.number}),
        reverse("riskassessment:list", kwargs={"key": key}),
    ]


def _pdf_text(client, case, plan) -> str:
    url = reverse("cases:plan_pdf", kwargs={"key": case.key, "number": plan.number})
    response = client.get(url)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


SENTINELS = {tag: (f"SNTLORG{tag}", f"SNTLKOMMUN{tag}", f"SNTLUSER{tag}") for tag in ("A", "B")}


@pytest.mark.parametrize(("me", "other"), [("A", "B"), ("B", "A")])
def test_a_recipient_sees_no_name_or_unit_of_the_other(world, login, me, other) -> None:
    case, plan = world["case"], world["plan"]
    client = login(world["users"][me])
    seen = []
    for url in _pages(case, plan):
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
    seen.append(_pdf_text(client, case, plan))
    everything = "\n".join(seen)
    for sentinel in SENTINELS[other]:
        assert sentinel not in everything, sentinel
    # The own organisation and staff are there (the test would see a leak).
    assert f"SNTLUSER{me}" in everything
    # The other recipient's confirmation and follow-up are there, without a name.
    if me == "A":
        assert "annan mottagare" in everything


def test_the_police_see_both_recipients_in_full(world, login) -> None:
    case, plan = world["case"], world["plan"]
    client = login(world["handler"])
    pages = "\n".join(client.get(url).content.decode() for url in _pages(case, plan))
    pages += _pdf_text(client, case, plan)
    for tag in ("A", "B"):
        assert f"SNTLUSER{tag}" in pages and f"SNTLORG{tag}" in pages
    assert "annan mottagare" not in pages


def _snapshot(world) -> list[tuple]:
    return [
        tuple(ProtectiveMeasure.objects.filter(pk=row.pk).values_list("status", "note", "version"))
        if isinstance(row, ProtectiveMeasure)
        else tuple(FollowUp.objects.filter(pk=row.pk).values_list("done_on", "note", "version"))
        for row in world["rows"].values()
    ]


def test_a_recipient_cannot_change_the_others_rows(world, login) -> None:
    case = world["case"]
    measure_b, follow_up_b = world["rows"]["measure_B"], world["rows"]["follow_up_B"]
    key = case.key
    client = login(world["users"]["A"])
    before = _snapshot(world)
    today = timezone.localdate().isoformat()
    attempts = [
        (
            reverse("cases:measure_edit", kwargs={"key": key, "pk": measure_b.pk}),
            {
                "version": measure_b.version,
                "kind": measure_b.kind_id,
                "responsible_party": "social",
                "status": "active",
                "note": "Ändrad av A",
            },
        ),
        (reverse("cases:measure_end", kwargs={"key": key, "pk": measure_b.pk}), {"version": 1}),
        (
            reverse("cases:measure_decline", kwargs={"key": key, "pk": measure_b.pk}),
            {"version": 1},
        ),
        (
            reverse("cases:followup_edit", kwargs={"key": key, "pk": follow_up_b.pk}),
            {
                "version": follow_up_b.version,
                "kind": "other",
                "due_date": today,
                "responsible_party": "social",
                "assignee": world["users"]["A"].pk,
                "note": "Ändrad av A",
            },
        ),
        (
            reverse("cases:followup_complete", kwargs={"key": key, "pk": follow_up_b.pk}),
            {"version": follow_up_b.version, "done_on": today, "outcome": "Klart"},
        ),
    ]
    for url, data in attempts:
        assert client.get(url).status_code in (404, 405), url  # end/decline: POST only
        assert client.post(url, data).status_code == 404, url
    assert _snapshot(world) == before
    # Their own rows they change as before.
    measure_a = world["rows"]["measure_A"]
    url = reverse("cases:measure_end", kwargs={"key": key, "pk": measure_a.pk})
    assert client.post(url, {"version": measure_a.version}).status_code == 302
    measure_a.refresh_from_db()
    assert measure_a.status == "ended"


def test_a_recipient_cannot_assign_the_others_staff(world, login) -> None:
    case = world["case"]
    user_b = world["users"]["B"]
    client = login(world["users"]["A"])
    url = reverse("cases:followup_add", kwargs={"key": case.key})
    form_page = client.get(url).content.decode()
    assert f'value="{user_b.pk}"' not in form_page
    before = FollowUp.objects.count()
    response = client.post(
        url,
        {
            "kind": "conversation",
            "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "responsible_party": "social",
            "assignee": user_b.pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert FollowUp.objects.count() == before
    with pytest.raises(errors.Invalid):
        casework.add_follow_up(
            world["users"]["A"],
            case,
            kind="conversation",
            due_date=timezone.localdate(),
            responsible_party="social",
            assignee=user_b,
        )
    assert FollowUp.objects.count() == before


def test_the_police_assign_either_recipients_staff(world, login) -> None:
    case = world["case"]
    page = login(world["handler"]).get(reverse("cases:followup_add", kwargs={"key": case.key}))
    html = page.content.decode()
    for user in world["users"].values():
        assert f'value="{user.pk}"' in html


def test_each_recipient_confirms_for_itself_and_the_plan_waits_for_both(world, login) -> None:
    """B confirmed first (the fixture): A may still confirm; police and B are not enough."""
    case, plan = world["case"], world["plan"]
    page = login(world["users"]["A"]).get(reverse("cases:plan", kwargs={"key": case.key}))
    assert page.context["may_confirm"] is True
    assert "Socialtjänsten: har inte bekräftat" in page.content.decode()
    plan.refresh_from_db()
    plan_services.confirm(world["handler"], plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.is_draft  # A has not confirmed
    police_page = login(world["handler"]).get(reverse("cases:plan", kwargs={"key": case.key}))
    assert "Socialtjänsten SNTLORGA: har inte bekräftat" in police_page.content.decode()
    b_page = login(world["users"]["B"]).get(reverse("cases:plan", kwargs={"key": case.key}))
    assert b_page.context["may_confirm"] is False
    assert "annan mottagare: har inte bekräftat" in b_page.content.decode()
    with pytest.raises(plan_services.PlanError):
        plan_services.confirm(world["users"]["B"], plan, expected_version=plan.version)
    plan_services.confirm(world["users"]["A"], plan, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.is_agreed
    assert {c.organisation.name for c in plan_services.standing_confirmations(plan)} >= {
        "Socialtjänsten SNTLORGA",
        "Socialtjänsten SNTLORGB",
    }
