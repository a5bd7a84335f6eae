"""The person search at scale (issue 16): access for all hits is decided at once by the
same rules as ``access.get_case_for_user`` (``cases.searchaccess``), every hit is logged once
in one insert, and the number of queries does not grow with the hits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cases import access, searchaccess
from cases.accesschain import verify_chain
from cases.models import (
    AccessLogEntry,
    Participant,
    Person,
    ProtectionCase,
)
from tests.cases.helpers import bulk_cases
from tests.cases.test_access_bulk import _fresh, world  # noqa: F401 – the fixture
from tests.factories import PersonFactory, make_case, make_disclosure

pytestmark = pytest.mark.django_db
SEARCH = reverse("cases:search")


def _one_by_one(user: User, case: ProtectionCase) -> searchaccess.Grounds | None:
    try:
        got = access.get_case_for_user(user, case.key, log=False)
    except (Http404, access.BreakGlassRequired):
        return None
    reason = got.break_glass.reason if got.break_glass else ""
    return searchaccess.Grounds(got.via, got.organisation.pk, got.scopes, reason)


def test_grounds_equal_get_case_for_user_for_every_reader_and_case(
    world,  # noqa: F811
    handler,
    koping,
    social,
) -> None:
    users, _other_unit = world
    # Two disclosures of one case: the scopes add up; one without persons.
    both = make_case(handler)
    make_disclosure(both, koping, handlers=[social], scope_persons=False)
    make_disclosure(both, koping, handlers=[social], scope_secret_dwelling=False)
    make_disclosure(make_case(handler), koping, handlers=[social], scope_persons=False)
    cases = list(ProtectionCase.objects.order_by("pk"))
    seen: set[str] = set()
    for user in _fresh(users):
        expected = {
            case.pk: grounds for case in cases if (grounds := _one_by_one(user, case)) is not None
        }
        assert searchaccess.grounds_for(_fresh([user])[0], cases) == expected, user.email
        # The same with the disclosures the search has already read (one organisation: no
        # second reading; several: read again, as without them).
        fresh = _fresh([user])[0]
        _openable, disclosed = access.openable_access(fresh)
        assert searchaccess.grounds_for(fresh, cases, disclosed) == expected, user.email
        seen |= {g.via for g in expected.values()}
    assert seen == {"assigned", "head", "break_glass", "disclosure"}


def _matching_cases(handler: User, count: int, name: str, start: int) -> None:
    """``count`` cases the handler is responsible for, each with a person called ``name``."""
    unit = handler.memberships.get().organisation
    cases = bulk_cases(unit, handler, count, start=start, prefix="SÖK")
    persons = Person.objects.bulk_create(
        Person(first_name="Alva", last_name=f"{name}{i}") for i in range(count)
    )
    Participant.objects.bulk_create(
        Participant(case=c, person=p, role=Participant.Role.PROTECTED)
        for c, p in zip(cases, persons, strict=True)
    )


def _search_queries(client, name: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(SEARCH, {"kind": "name", "namn-name": name})
    assert response.status_code == 200
    return len(queries), response


def test_name_search_runs_the_same_queries_for_10_and_1000_matching_cases(login, handler) -> None:
    _matching_cases(handler, 10, "Fåtalsson", 1)
    _matching_cases(handler, 1000, "Mångfaldsson", 100)
    client = login(handler)
    client.post(SEARCH, {"kind": "name", "namn-name": "Alva"})  # warm the session
    few, small = _search_queries(client, "Fåtalsson")
    many, large = _search_queries(client, "Mångfaldsson")
    assert len(small.context["hits"]) == 10 and len(large.context["hits"]) == 50
    assert few == many
    # At the limit the page says that only the newest cases are shown.
    notice = "Visar de 50 senaste ärendena. Förfina sökningen"
    assert notice in large.text and notice not in small.text


def test_a_search_logs_every_hit_once_in_one_chain(login, handler, head) -> None:
    cases = [make_case(handler, protected=PersonFactory(last_name="Loggdotter")) for _ in range(3)]
    restricted = make_case(
        handler, restricted=True, protected=PersonFactory(last_name="Loggdotter")
    )
    response = login(head).post(SEARCH, {"kind": "name", "namn-name": "loggdotter"})
    assert {h.case for h in response.context["hits"]} == {*cases, restricted}
    rows = AccessLogEntry.objects.filter(channel=AccessLogEntry.Channel.SEARCH, user=head)
    assert sorted(rows.values_list("case_id", flat=True)) == sorted(
        c.pk for c in [*cases, restricted]
    )
    unit = handler.memberships.get().organisation_id
    assert {(r.via, r.organisation_id, r.case_unit_id, r.granted) for r in rows} == {
        ("head", unit, unit, True)
    }
    assert verify_chain().intact


def test_no_one_without_the_right_to_open_finds_a_name(
    login, handler, colleague, other_police, social_other, admin, koping, social
) -> None:
    case = make_case(handler, protected=PersonFactory(last_name="Gömdsson"))
    make_disclosure(case, koping, handlers=[social])
    make_case(handler, restricted=True, protected=PersonFactory(last_name="Gömdsson"))
    for reader in (colleague, other_police, social_other, admin):
        response = login(reader).post(SEARCH, {"kind": "name", "namn-name": "gömds"})
        assert not response.context["hits"] and "Gömdsson" not in response.text, reader.email
    assert not AccessLogEntry.objects.filter(channel=AccessLogEntry.Channel.SEARCH).exists()
    response = login(social).post(SEARCH, {"kind": "name", "namn-name": "gömds"})
    assert [h.case for h in response.context["hits"]] == [case]
    entry = AccessLogEntry.objects.get(channel=AccessLogEntry.Channel.SEARCH)
    assert (entry.via, entry.organisation_id, entry.case_unit_id) == (
        "disclosure",
        koping.pk,
        case.unit_id,
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_label_filter_shows_what_get_display_shows(language) -> None:
    from django.utils import translation

    from cases.templatetags.label_tags import label

    with translation.override(language):
        for value, _text in Participant.Role.choices:
            participant = Participant(role=value)
            assert label(participant, "role") == participant.get_role_display()
        for value, _text in ProtectionCase.Category.choices:
            case = ProtectionCase(category=value)
            assert label(case, "category") == case.get_category_display()
        assert label(Person(protection="fingerade"), "protection") == str(
            Person(protection="fingerade").get_protection_display()
        )


def test_a_hit_row_links_the_case_and_escapes_every_name(login, handler) -> None:
    person = PersonFactory(first_name="<b>Ada</b>", last_name="Radsson", protection="fingerade")
    case = make_case(handler, protected=person)
    response = login(handler).post(SEARCH, {"kind": "name", "namn-name": "radsson"})
    url = reverse("cases:detail", args=[case.key])
    assert (
        "\n      <tr>\n"
        f'        <td><a href="{url}">{case.reference}</a></td>\n'
        f"        <td>{case.get_category_display()}</td>\n"
        f"        <td>{case.get_status_display()}</td>\n"
        "        <td><div>&lt;b&gt;Ada&lt;/b&gt; Radsson (skyddsperson)"
        ' <span class="badge badge--high">Fingerade personuppgifter</span></div></td>\n'
        "      </tr>\n"
    ) in response.text
    assert "<b>Ada" not in response.text


def test_cases_disclosed_without_persons_do_not_take_places_among_the_50(
    login, handler, koping, social
) -> None:
    """The newest cases disclosed without persons would be cut after the limit, leaving
    fewer than 50 hits while older ones with persons match: they are left out before it."""
    unit = handler.memberships.get().organisation
    cases = bulk_cases(unit, handler, 60, start=500, prefix="SÖK")
    persons = Person.objects.bulk_create(
        Person(first_name="Alva", last_name="Omfångsdotter") for _ in cases
    )
    Participant.objects.bulk_create(
        Participant(case=c, person=p, role=Participant.Role.PROTECTED)
        for c, p in zip(cases, persons, strict=True)
    )
    newest = sorted(cases, key=lambda c: (c.opened_on, c.number), reverse=True)
    for index, case in enumerate(newest):
        make_disclosure(case, koping, handlers=[social], scope_persons=index >= 5)
    response = login(social).post(SEARCH, {"kind": "name", "namn-name": "omfångsdotter"})
    shown = [hit.case for hit in response.context["hits"]]
    assert shown == newest[5:55]
    assert "Omfångsdotter" in response.text
    logged = AccessLogEntry.objects.filter(channel=AccessLogEntry.Channel.SEARCH, user=social)
    assert set(logged.values_list("case_id", flat=True)) == {c.pk for c in shown}


def test_a_reader_of_two_organisations_is_logged_with_each_disclosures_recipient(
    login, handler, koping, sala, social
) -> None:
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    other = sala
    MembershipFactory(user=social, organisation=other, role=Membership.Role.HANDLER)
    first = make_case(handler, protected=PersonFactory(last_name="Tvåorgsson"))
    second = make_case(handler, protected=PersonFactory(last_name="Tvåorgsson"))
    make_disclosure(first, koping, handlers=[social])
    make_disclosure(second, other, handlers=[social])
    response = login(social).post(SEARCH, {"kind": "name", "namn-name": "tvåorgsson"})
    assert {hit.case for hit in response.context["hits"]} == {first, second}
    logged = AccessLogEntry.objects.filter(channel=AccessLogEntry.Channel.SEARCH, user=social)
    assert set(logged.values_list("case_id", "organisation_id")) == {
        (first.pk, koping.pk),
        (second.pk, other.pk),
    }
