"""The case's kontaktförbud flag (issue 16, cases 0036): ``has_contact_ban`` is exactly "the
case has a kontaktförbud row or a measure of a kontaktförbud kind, in any status" after
every writer – the ban and measure services, a measure's kind changed to or from such a
kind (also from a stale object), the assessment's planned measures, closing, the measure
catalogue's admin, the demo seed – and the list's filter finds, for both search words, what
its two subqueries over every ban and measure found (the flag's reason to exist)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import access
from cases.casework import demo as casework_demo
from cases.casework import services
from cases.models import ContactBan, MeasureKind, ProtectionCase, ProtectiveMeasure
from tests.cases.casework_support import participants
from tests.factories import make_case

pytestmark = pytest.mark.django_db
LIST = reverse("cases:list")
BAN_KINDS = ("kontaktforbud", "uppfoljning-kontaktforbud")
OTHER_KINDS = ("skyddslarm", "ekonomiskt-bistand")


def derived(cases: Any = None) -> set[int]:
    """The cases the filter found before the flag: the two ``IN`` subqueries, verbatim."""
    measures = ProtectiveMeasure.objects.filter(kind__code__in=BAN_KINDS)
    rows = (cases if cases is not None else ProtectionCase.objects.all()).filter(
        Q(pk__in=ContactBan.objects.values("case_id")) | Q(pk__in=measures.values("case_id"))
    )
    return set(rows.values_list("pk", flat=True))


def flagged() -> set[int]:
    return set(ProtectionCase.objects.filter(has_contact_ban=True).values_list("pk", flat=True))


def kind(code: str) -> MeasureKind:
    return MeasureKind.objects.get(code=code)


def flag(case: ProtectionCase) -> bool:
    return ProtectionCase.objects.values_list("has_contact_ban", flat=True).get(pk=case.pk)


def add_ban(handler, case, **values: Any) -> ContactBan:
    roles = participants(case)
    return services.add_contact_ban(
        handler,
        case,
        ban_type="ordinary",
        protected_participant=roles["protected"],
        restricted_participant=roles["threat_actor"],
        **values,
    )


def change_kind(handler, measure: ProtectiveMeasure, code: str, *, version: int | None = None):
    return services.update_measure(
        handler,
        measure,
        expected_version=measure.version if version is None else version,
        kind=kind(code),
        responsible_party=measure.responsible_party,
        status=measure.status,
        start_date=measure.start_date,
        end_date=measure.end_date,
    )


# --- each writer ----------------------------------------------------------------------------


def test_a_new_case_has_no_flag(handler) -> None:
    assert not flag(make_case(handler))


@pytest.mark.parametrize("status", ["requested", "granted", "refused", "revoked"])
def test_a_ban_in_any_status_sets_it(handler, status) -> None:
    case = make_case(handler)
    add_ban(handler, case, status=status)
    assert flag(case) and derived() == flagged() == {case.pk}


def test_changing_or_revoking_the_ban_keeps_it(handler) -> None:
    case = make_case(handler)
    ban = add_ban(handler, case, status="granted")
    services.update_contact_ban(
        handler,
        ban,
        expected_version=ban.version,
        ban_type=ban.ban_type,
        protected_participant=ban.protected_participant,
        restricted_participant=ban.restricted_participant,
        status="revoked",
        electronic_monitoring=False,
        decision_date=None,
        deciding_body="",
        valid_from=None,
        valid_until=None,
        note="",
    )
    assert flag(case)


@pytest.mark.parametrize("code", BAN_KINDS)
def test_a_measure_of_a_ban_kind_sets_it(handler, code) -> None:
    case = make_case(handler)
    services.add_measure(handler, case, kind=kind(code))
    assert flag(case)


def test_a_measure_of_another_kind_does_not(handler) -> None:
    case = make_case(handler)
    services.add_measure(handler, case, kind=kind("skyddslarm"))
    assert not flag(case)


def test_changing_the_kind_to_and_from_a_ban_kind(handler) -> None:
    case = make_case(handler)
    measure = services.add_measure(handler, case, kind=kind("skyddslarm"))
    measure = change_kind(handler, measure, "kontaktforbud")
    assert flag(case)
    measure = change_kind(handler, measure, "uppfoljning-kontaktforbud")
    assert flag(case)
    change_kind(handler, measure, "skyddslarm")
    assert not flag(case)


def test_changing_one_kind_away_keeps_it_when_something_else_counts(handler) -> None:
    case = make_case(handler)
    first = services.add_measure(handler, case, kind=kind("kontaktforbud"))
    services.add_measure(handler, case, kind=kind("uppfoljning-kontaktforbud"))
    change_kind(handler, first, "skyddslarm")
    assert flag(case)
    banned = make_case(handler)
    add_ban(handler, banned)
    measure = ProtectiveMeasure.objects.filter(case=banned, kind__code="kontaktforbud").get()
    change_kind(handler, measure, "skyddslarm")
    assert flag(banned)  # the ban itself still counts


def test_a_stale_measure_object_cannot_leave_the_flag_wrong(handler) -> None:
    """The caller's object says "skyddslarm" but someone made the row a kontaktförbud
    measure since; saving "skyddslarm" over that version must clear the flag."""
    case = make_case(handler)
    stale = services.add_measure(handler, case, kind=kind("skyddslarm"))
    fresh = ProtectiveMeasure.objects.get(pk=stale.pk)
    fresh = change_kind(handler, fresh, "kontaktforbud")
    assert flag(case)
    change_kind(handler, stale, "skyddslarm", version=fresh.version)
    assert not flag(case)


@pytest.mark.parametrize("status", ["ended", "declined"])
def test_an_ended_or_declined_measure_still_counts(handler, status) -> None:
    case = make_case(handler)
    measure = services.add_measure(handler, case, kind=kind("kontaktforbud"))
    services.set_measure_status(handler, measure, status, expected_version=measure.version)
    assert flag(case) and derived() == flagged()


def test_closing_the_case_keeps_it(handler) -> None:
    case = make_case(handler)
    add_ban(handler, case, status="granted")
    services.close_case(handler, case, reason="threat_gone", final_note="Klart.")
    assert flag(case) and derived() == flagged()


def test_the_measures_an_assessment_plans_set_it(handler) -> None:
    case = make_case(handler)
    services.plan_from_assessment(
        handler,
        case,
        kinds=[kind("skyddslarm"), kind("kontaktforbud")],
        instrument="SARA",
        assessed_on=timezone.localdate(),
        reassess_on=None,
        party="police",
    )
    assert flag(case)
    other = make_case(handler)
    services.plan_from_assessment(
        handler,
        other,
        kinds=[kind("skyddslarm")],
        instrument="SARA",
        assessed_on=timezone.localdate(),
        reassess_on=None,
        party="police",
    )
    assert not flag(other)


def _admin_post(client, measure_kind: MeasureKind, code: str):
    return client.post(
        reverse("admin:cases_measurekind_change", args=[measure_kind.pk]),
        {
            "code": code,
            "name": measure_kind.name,
            "category": measure_kind.category,
            "default_party": measure_kind.default_party,
            "records_statement": "on" if measure_kind.records_statement else "",
            "order": measure_kind.order,
            "active": "on",
        },
    )


def test_renaming_a_kinds_code_in_the_admin_follows(login, admin, handler) -> None:
    measure_only = make_case(handler)
    services.add_measure(handler, measure_only, kind=kind("kontaktforbud"))
    banned = make_case(handler)
    add_ban(handler, banned)
    alarm = make_case(handler)
    services.add_measure(handler, alarm, kind=kind("skyddslarm"))
    client = login(admin)
    assert _admin_post(client, kind("kontaktforbud"), "kontaktforbud-gammal").status_code == 302
    assert flagged() == derived() == {banned.pk}
    assert _admin_post(client, kind("skyddslarm"), "kontaktforbud").status_code == 302
    assert flagged() == derived() == {banned.pk, alarm.pk}


def test_the_demo_seed_sets_it(handler) -> None:
    for _ in range(4):
        make_case(handler)
    assert casework_demo.seed()
    assert flagged() == derived() != set()


# --- after any sequence of service calls ----------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["ban", "measure", "kind", "end", "decline", "revoke"]),
        st.sampled_from(BAN_KINDS + OTHER_KINDS),
        st.integers(min_value=0, max_value=5),
        st.booleans(),
    ),
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(OPERATIONS)
def test_the_flag_is_the_rows_after_any_sequence_of_service_calls(handler, operations) -> None:
    case = make_case(handler)
    loaded: list[ProtectiveMeasure] = []  # as first returned: stale once changed
    for operation, code, pick, use_stale in operations:
        measures = list(ProtectiveMeasure.objects.filter(case=case).order_by("pk"))
        if operation == "ban":
            add_ban(handler, case, status="granted" if use_stale else "requested")
        elif operation == "measure":
            loaded.append(services.add_measure(handler, case, kind=kind(code)))
        elif operation == "revoke" and (bans := list(case.contact_bans.order_by("pk"))):
            ban = bans[pick % len(bans)]
            services.update_contact_ban(
                handler,
                ban,
                expected_version=ban.version,
                ban_type=ban.ban_type,
                protected_participant=ban.protected_participant,
                restricted_participant=ban.restricted_participant,
                status="revoked",
                electronic_monitoring=False,
                decision_date=None,
                deciding_body="",
                valid_from=None,
                valid_until=None,
                note="",
            )
        elif operation == "kind" and measures:
            current = measures[pick % len(measures)]
            stale = next((m for m in loaded if m.pk == current.pk), None)
            change_kind(
                handler,
                stale if use_stale and stale else current,
                code,
                version=current.version,
            )
        elif operation in ("end", "decline") and measures:
            measure = measures[pick % len(measures)]
            if measure.status in ProtectiveMeasure.CURRENT_STATUSES:
                services.set_measure_status(
                    handler,
                    measure,
                    "ended" if operation == "end" else "declined",
                    expected_version=measure.version,
                )
        assert flag(case) == (case.pk in derived(ProtectionCase.objects.filter(pk=case.pk)))


# --- the list's filter ----------------------------------------------------------------------


def _listed(client, term: str) -> set[str]:
    response = client.post(LIST, {"reference": term})
    assert response.status_code == 200
    return {case.reference for case in response.context["cases"]}


def test_the_list_finds_the_same_cases_for_both_words(login, handler, head, other_police) -> None:
    refused = make_case(handler)
    add_ban(handler, refused, status="refused")
    follow_up_only = make_case(handler)
    ended = services.add_measure(handler, follow_up_only, kind=kind("uppfoljning-kontaktforbud"))
    services.set_measure_status(handler, ended, "ended", expected_version=ended.version)
    restricted = make_case(handler, restricted=True)
    add_ban(handler, restricted)
    services.add_measure(handler, make_case(handler), kind=kind("skyddslarm"))
    make_case(handler)
    elsewhere = make_case(other_police)
    add_ban(other_police, elsewhere)
    for user in (handler, head):
        client = login(user)
        expected = {c.reference for c in ProtectionCase.objects.filter(pk__in=derived())} & set(
            access.listable_cases(user).values_list("reference", flat=True)
        )
        assert elsewhere.reference not in expected
        assert {refused.reference, follow_up_only.reference, restricted.reference} <= expected
        for term in ("kontaktförbud", "besöksförbud", "Kontaktförb"):
            assert _listed(client, term) == expected
