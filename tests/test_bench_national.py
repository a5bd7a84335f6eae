"""The national benchmark's generator (bench/national_rows.py) at a tiny scale (~200 cases),
so that it cannot rot while the models change: the rows load, the access log's chain holds,
the personas reach exactly what they are meant to, and the benchmark's hand-written SQL of
the access rule gives the same cases as cases.access."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from bench import national_sql as raw
from bench.national_rows import Personas, generate
from cases import access
from cases.accesschain import verify_chain
from cases.models import AccessLogEntry, Participant, ProtectionCase
from cases.services import search_persons

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas() -> Personas:
    return generate(scale=0.001, log=lambda line: None)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_the_tiny_national_data_set_has_its_shape(personas: Personas) -> None:
    assert 150 <= ProtectionCase.objects.count() <= 250
    assert personas.counts["protectioncase"] == ProtectionCase.objects.count()
    assert personas.counts["guardian"] >= 2 * ProtectionCase.objects.count()  # view + change
    assert ProtectionCase.objects.values("unit").distinct().count() == 21
    assert Participant.objects.filter(role="threat_actor").exists()
    assert personas.counts["access_log"] == AccessLogEntry.objects.count() > 500


def test_the_generated_access_log_verifies_and_the_app_appends_to_it(
    personas: Personas,
) -> None:
    report = verify_chain()
    assert report.intact, report
    assert report.rows == personas.counts["access_log"]
    head = _user(personas.head)
    case = access.openable_cases(head).first()
    assert case is not None
    access.get_case_for_user(head, case.key)  # a real read, chained after the generated rows
    assert verify_chain().intact


def test_the_personas_reach_what_they_are_meant_to(personas: Personas) -> None:
    head, handler = _user(personas.head), _user(personas.handler)
    colleague, social = _user(personas.colleague), _user(personas.social)
    social_head = _user(personas.social_head)
    assert access.openable_cases(head).count() == personas.unit_cases > 0
    assert access.assigned_cases(handler).count() == personas.handler_cases >= 3
    assert access.openable_cases(colleague).count() == 0
    assert access.listable_cases(colleague).count() == personas.unit_listable > 0
    assert access.openable_cases(social).count() == personas.social_cases >= 1
    assert access.openable_cases(social_head).count() == personas.social_head_cases
    assert personas.social_head_cases >= personas.social_cases


def test_the_personnummer_hashes_are_the_apps(personas: Personas) -> None:
    handler = _user(personas.handler)
    pnr = (
        Participant.objects.filter(case__in=access.assigned_cases(handler))
        .exclude(person__personnummer="")
        .values_list("person__personnummer", flat=True)
        .first()
    )
    assert pnr
    assert search_persons(handler, personnummer=pnr)


def test_the_raw_sql_access_rule_is_cases_access(personas: Personas) -> None:
    today = timezone.localdate()
    emails = [personas.head, personas.handler, personas.colleague, personas.social]
    with connection.cursor() as cursor:
        for email in [*emails, personas.social_head]:
            user = _user(email)
            reader = raw.reader(cursor, user.pk, today)
            openable = set(access.openable_cases(user).values_list("pk", flat=True))
            listable = set(access.listable_cases(user).values_list("pk", flat=True))
            assert raw.ids(cursor, reader, raw.openable_where()) == openable, email
            assert raw.ids(cursor, reader, raw.listable_where()) == listable, email


def test_the_log_write_is_measured_beside_a_bare_insert_and_the_chain_holds(
    personas: Personas,
) -> None:
    """Both rows of every run are links of the chain: the bare INSERT carries the hash
    save() would have given it, so the measurement leaves the copy's log verifiable."""
    from bench.national_extra import WARMUP, measure_log_write

    head = _user(personas.head)
    case = access.openable_cases(head).first()
    before = AccessLogEntry.objects.count()
    with connection.cursor() as cursor:
        result = measure_log_write(head, case, 3, cursor)
    assert result["p50"] > 0 and result["p95"] >= result["p50"]
    assert result["raw_p50"] > 0 and result["raw_p95"] >= result["raw_p50"]
    written = AccessLogEntry.objects.filter(pk__gt=0).order_by("-pk")[: 2 * (WARMUP + 3)]
    assert AccessLogEntry.objects.count() == before + 2 * (WARMUP + 3)
    assert {e.what for e in written} == {"bench: chained write", "bench: bare insert"}
    assert {e.case_unit_id for e in written} == {case.unit_id}
    assert verify_chain().intact


def test_the_statistics_load_requests_the_statistics_pages(personas: Personas) -> None:
    from bench.bench_national import _client
    from bench.national_extra import STATISTICS_PERIODS, hammer

    head = _client(_user(personas.head))
    paths: list[str] = []

    def get(path: str) -> int:
        paths.append(path)
        return int(head.get(path).status_code)

    assert hammer(get, stop=lambda: len(paths) >= 3) == 3
    assert [p.split("period=")[1] for p in paths] == [*STATISTICS_PERIODS, STATISTICS_PERIODS[0]]
    with pytest.raises(SystemExit):  # a page that fails stops the load, not silently
        hammer(lambda path: 500, stop=lambda: False)


def test_the_loaded_list_is_timed_idle_first_then_inside_the_load() -> None:
    from bench.national_extra import WARMUP, measure_under_statistics

    events: list[str] = []

    class Load:
        served = 0

        def __enter__(self) -> Load:
            events.append("load starts")
            return self

        def __exit__(self, *exc: object) -> None:
            events.append("load ends")
            self.served = 7

    class Response:
        status_code = 200

    def request(n: int) -> Response:
        events.append("page")
        return Response()

    result = measure_under_statistics(request, 4, Load())  # type: ignore[arg-type]
    pages = ["page"] * (WARMUP + 4)
    assert events == [*pages, "load starts", *pages, "load ends"]
    assert result["statistics_pages"] == 7
    assert {"p50", "p95", "idle_p50", "idle_p95"} <= set(result)


def test_the_build2_check_names_what_results_json_lacks() -> None:
    from bench.results import BUILD2, missing_build2

    complete = [
        {"group": group, "name": name, "target": 1.0, "met": True}
        for group, pattern, least in BUILD2
        for name in [_example(pattern, n) for n in range(least)]
    ]
    assert missing_build2(complete) == []
    without_pdf = [f for f in complete if f["group"] != "pdf"]
    assert missing_build2(without_pdf) == ["pdf: plan PDF, warm median$ (0 of 1)"]
    untargeted = [*complete[1:], {**complete[0], "target": None}]
    assert missing_build2(untargeted) == [f"{complete[0]['name']}: no target or verdict"]


def _example(pattern: str, n: int) -> str:
    """A figure name the pattern matches (the n-th persona's)."""
    import re

    names = (
        f"case list, page 1 (p{n})",
        f"name search, common surname (p{n})",
        f"personnummer search (p{n})",
        f"case detail (with the log write) (p{n})",
        f"access log of a case (p{n})",
        f"access log: break-the-glass openings (p{n})",
        f"per-user access report, 30 days (p{n})",
        "plan PDF, warm median",
        "nightly digest run, 5,000 users",
        f"statistics page, view {n}",
    )
    return next(name for name in names if re.match(pattern, name))
