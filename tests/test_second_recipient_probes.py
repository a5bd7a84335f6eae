# ruff: noqa: F811
"""The probes of issue 10 run again, with the case of the permission matrix disclosed to a
second municipality (Sala) beside Köping, each with rows, notes and a plan part of its own.

- Forced browsing: Köping crawls every page of the matrix and GETs/POSTs every URL of
  Sala's rows by their real ids; outsiders (a unit colleague without break-the-glass,
  another unit's handler, an administrator, a Sala handler not assigned) request every URL
  of the case. Each gets 404 (the colleague: the break-the-glass page) and no response
  contains a sentinel of the other organisation or of the case.
- Tampering: forged POSTs to every mutating URL, by the second recipient on rows it does not
  own, and by Köping on Sala's, change no row; on rows neither recipient owns, Sala has
  exactly the rights Köping has.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Organisation
from cases.casework import services as casework
from cases.models import Disclosure, FollowUp, JournalEntry, Party, ProtectiveMeasure
from cases.models.disclosure import SCOPE_FIELDS
from cases.plan import services as plan_services
from cases.services.journal import add_journal_entry
from tests.conftest import verified_login
from tests.factories import UserFactory
from tests.matrix import World
from tests.test_permission_matrix import _routes, _rows, world  # noqa: F401
from tests.test_sentinels import _all_sentinels, _start_paths, crawl

pytestmark = pytest.mark.django_db

SALA_SENTINELS = (
    "SNTLSALAUSER",
    "SNTLSALAMEASURENOTE",
    "SNTLSALAFOLLOWUPNOTE",
    "SNTLSALAPLANPART",
    "SNTLSALAJOURNAL",
    "Socialtjänsten Sala",
    "SNTLSALABASIS",
)
# The URLs of one row of case work, by the row's id.
ROW_ROUTES = {
    "cases:measure_edit": "measure",
    "cases:measure_end": "measure",
    "cases:measure_decline": "measure",
    "cases:followup_edit": "follow_up",
    "cases:followup_complete": "follow_up",
}


def _rows_of(world: World, user: Any, tag: str) -> dict[str, Any]:
    """A measure, a follow-up, a journal note and a plan part written by ``user``."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import MeasureKind

    case = world.case
    kind = MeasureKind.objects.get(code="ekonomiskt-bistand")
    rows = {
        "measure": casework.add_measure(
            user, case, kind=kind, responsible_party=Party.SOCIAL, note=f"SNTL{tag}MEASURENOTE"
        ),
        "follow_up": casework.add_follow_up(
            user,
            case,
            kind=FollowUp.Kind.CONVERSATION,
            due_date=timezone.localdate() + timedelta(days=5),
            responsible_party=Party.SOCIAL,
            assignee=user,
            note=f"SNTL{tag}FOLLOWUPNOTE",
        ),
    }
    add_journal_entry(
        user,
        case,
        occurred_on=timezone.localdate(),
        text=f"SNTL{tag}JOURNAL",
        visibility=JournalEntry.Visibility.SHARED,
    )
    plan = plan_services.current_plan(case)
    assert plan is not None
    plan_services.update_texts(
        user,
        plan,
        expected_version=plan.version,
        changes={"social_commitments": f"SNTL{tag}PLANPART"},
    )
    plan.refresh_from_db()
    plan_services.confirm(user, plan, expected_version=plan.version)
    return rows


@pytest.fixture
def two(world: World) -> dict[str, Any]:
    """world.case disclosed to Sala too (the disclosure test_sentinels plants), with an
    assigned Sala handler; both recipients have written rows of their own."""
    sentinels = _all_sentinels(world)
    sala = Organisation.objects.get(name="Socialtjänsten Sala")
    sala_user = UserFactory(email="second@sala.test", full_name="SNTLSALAUSER Handläggare")
    Membership.objects.create(user=sala_user, organisation=sala, role=Membership.Role.HANDLER)
    disclosure = Disclosure.objects.get(case=world.case, recipient=sala)
    Disclosure.objects.filter(pk=disclosure.pk).update(
        **{name: name != "scope_secret_dwelling" for name in SCOPE_FIELDS}
    )
    disclosure.handlers.set([sala_user])
    world.users["sala"] = sala_user
    return {
        "sentinels": sentinels,
        "sala": sala_user,
        "sala_rows": _rows_of(world, sala_user, "SALA"),
        "koping_rows": _rows_of(world, world.users["social"], "KOPING"),
    }


def _row_kwargs(world: World, row: Any) -> dict[str, Any]:
    return {"key": world.case.key, "pk": row.pk}


def test_koping_reads_nothing_of_sala_anywhere(world: World, two) -> None:
    client = verified_login(Client(), world.users["social"])
    start = _start_paths(world) + [
        reverse(name, kwargs=_row_kwargs(world, two["sala_rows"][kind]))
        for name, kind in ROW_ROUTES.items()
    ]
    leaks, statuses = [], {}
    for path, status, body, _urls in crawl(client, start):
        statuses[path] = status
        leaks += [f"{path}: {s}" for s in SALA_SENTINELS if s in body]
    assert not leaks, "\n".join(leaks)
    # The crawl read the case and Köping's own texts (it is not blind).
    assert statuses[reverse("cases:detail", kwargs={"key": world.case.key})] == 200
    for name, kind in ROW_ROUTES.items():
        path = reverse(name, kwargs=_row_kwargs(world, two["sala_rows"][kind]))
        assert statuses[path] in (404, 405), path


def test_the_police_read_both_recipients(world: World, two) -> None:
    client = verified_login(Client(), world.users["handler"])
    casework_page = client.get(reverse("cases:casework", kwargs={"key": world.case.key}))
    plan_page = client.get(reverse("cases:plan", kwargs={"key": world.case.key}))
    text = casework_page.content.decode() + plan_page.content.decode()
    for tag in ("SALA", "KOPING"):
        assert f"SNTL{tag}MEASURENOTE" in text and f"SNTL{tag}PLANPART" in text


def _outsiders(world: World) -> dict[str, Any]:
    unit = world.case.unit
    fresh_colleague = UserFactory(email="probe-colleague@polis.test")
    Membership.objects.create(user=fresh_colleague, organisation=unit, role="handler")
    return {
        "colleague_without_break_glass": fresh_colleague,
        "other_police": world.users["other_police"],
        "admin": world.users["admin"],
        "social_other": world.users["social_other"],  # Sala, not assigned to the case
    }


def test_outsiders_get_404_and_no_sentinel_on_every_url_of_the_case(world: World, two) -> None:
    forbidden = [*two["sentinels"], *SALA_SENTINELS, "SNTLKOPINGMEASURENOTE"]
    cases = {str(world.case.key), str(world.restricted_case.key)}
    routes = [r for r in _routes() if str(r.kwargs(world).get("key", "")) in cases]
    extra = [
        (name, _row_kwargs(world, rows[kind]), False)
        for rows in (two["sala_rows"], two["koping_rows"])
        for name, kind in ROW_ROUTES.items()
    ]
    failures = []
    for persona, user in _outsiders(world).items():
        client = verified_login(Client(), user)
        # Every page names the reader's own organisation (Sala for its unassigned handler).
        own_names = set(user.memberships.values_list("organisation__name", flat=True))
        for name, kwargs, post_only in [
            *((r.name, r.kwargs(world), r.post_only) for r in routes),
            *extra,
        ]:
            path = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                with transaction.atomic():
                    response = getattr(client, method)(path, {})
                    transaction.set_rollback(True)
                # 405: a page of another method, refused before any lookup.
                allowed = {404, 405}
                if persona == "colleague_without_break_glass":
                    # To the case page, to state a reason; that page shows the form only.
                    page = name in ("cases:detail", "cases:break_glass")
                    allowed |= {302, 200} if page else {302}
                if response.status_code not in allowed:
                    failures.append(f"{persona} {method} {name}: {response.status_code}")
                body = response.content.decode(errors="replace") + str(response.headers)
                failures += [
                    f"{persona} {method} {name}: {s}"
                    for s in forbidden
                    if s in body and s not in own_names
                ]
    assert not failures, "\n".join(failures)


def _post_changes(client: Client, path: str, data: dict[str, Any]) -> bool:
    with transaction.atomic():
        before = _rows()
        client.post(path, data)
        changed = _rows() != before
        transaction.set_rollback(True)
    return changed


def test_forged_posts_on_the_other_recipients_rows_change_nothing(world: World, two) -> None:
    from tests.matrix.writes import WRITES

    failures = []
    for persona, others in (("social", "sala_rows"), ("sala", "koping_rows")):
        client = verified_login(Client(), world.users[persona])
        for name, kind in ROW_ROUTES.items():
            kwargs = _row_kwargs(world, two[others][kind])
            data = WRITES[name](world, "social", kwargs)
            path = reverse(name, kwargs=kwargs)
            if _post_changes(client, path, data):
                failures.append(f"{persona} changed {name} of {others}")
    assert not failures, "\n".join(failures)
    # The rows are as written.
    for tag, rows in (("SALA", two["sala_rows"]), ("KOPING", two["koping_rows"])):
        assert ProtectiveMeasure.objects.get(pk=rows["measure"].pk).note == f"SNTL{tag}MEASURENOTE"
        assert FollowUp.objects.get(pk=rows["follow_up"].pk).done_on is None


def test_on_rows_neither_recipient_owns_the_second_has_the_rights_of_the_first(
    world: World, two
) -> None:
    """Every mutating URL of the matrix, POSTed with valid data by Köping and by Sala: the
    same outcome (a change, or none) for both."""
    from tests.matrix.writes import WRITES

    clients = {p: verified_login(Client(), world.users[p]) for p in ("social", "sala")}
    differences = []
    for route in _routes():
        if route.name not in WRITES:
            continue
        kwargs = route.kwargs(world)
        path = reverse(route.name, kwargs=kwargs)
        outcome = {}
        for persona, client in clients.items():
            with transaction.atomic():
                data = WRITES[route.name](world, "social", kwargs)
                # A recipient assigns its own staff only (the other's it cannot even see).
                if data.get("assignee") == world.users["social"].pk:
                    data["assignee"] = world.users[persona].pk
                before = _rows()
                client.post(path, data)
                outcome[persona] = _rows() != before
                transaction.set_rollback(True)
        if outcome["social"] != outcome["sala"]:
            differences.append(f"{route.name} {kwargs}: {outcome}")
    assert not differences, "\n".join(differences)
