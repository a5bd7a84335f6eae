"""The access module's core rules, persona by persona (views are tested elsewhere)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone

from cases import access, errors, services
from cases.models import AccessLogEntry, BreakGlassAccess
from tests.factories import make_case, make_disclosure

pytestmark = pytest.mark.django_db


def test_responsible_handler_sees_everything(handler) -> None:
    case = make_case(handler)
    got = access.get_case_for_user(handler, case.key)
    assert got.via == "assigned" and got.may_edit and got.shows("internal")
    assert list(access.openable_cases(handler)) == [case]


def test_colleague_lists_but_must_break_the_glass(handler, colleague) -> None:
    case = make_case(handler)
    assert case in access.listable_cases(colleague)
    assert case not in access.openable_cases(colleague)
    with pytest.raises(access.BreakGlassRequired):
        access.get_case_for_user(colleague, case.key)
    access.break_the_glass(
        colleague, case, reason="Skyddspersonen ringde, ansvarig handläggare ledig"
    )
    got = access.get_case_for_user(colleague, case.key)
    assert got.via == "break_glass" and not got.may_edit
    assert case in access.openable_cases(colleague)


def test_break_the_glass_lasts_24_hours(handler, colleague) -> None:
    case = make_case(handler)
    grant = access.break_the_glass(colleague, case, reason="Akut larm, ansvarig ledig")
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    with pytest.raises(access.BreakGlassRequired):
        access.get_case_for_user(colleague, case.key)


def test_break_the_glass_refuses_with_domain_errors_and_writes_nothing(
    handler, colleague, other_police
) -> None:
    case = make_case(handler)
    restricted = make_case(handler, restricted=True)
    before = (BreakGlassAccess.objects.count(), AccessLogEntry.objects.count())
    with pytest.raises(errors.Invalid) as blank:
        access.break_the_glass(colleague, case, reason="    ")
    assert blank.value.field == "reason"
    assert blank.value.message == "Ange varför du behöver öppna ärendet."
    with pytest.raises(errors.NotAllowed):
        access.break_the_glass(other_police, case, reason="Akut – skyddspersonen ringde jourtid")
    with pytest.raises(errors.NotAllowed):
        access.break_the_glass(colleague, restricted, reason="Akut – skyddspersonen ringde jourtid")
    assert (BreakGlassAccess.objects.count(), AccessLogEntry.objects.count()) == before


def test_restricted_case_is_invisible_to_colleagues_even_in_the_list(handler, colleague, head):
    case = make_case(handler, restricted=True)
    assert case not in access.listable_cases(colleague)
    with pytest.raises(Http404):
        access.get_case_for_user(colleague, case.key)
    assert access.get_case_for_user(head, case.key).via == "head"


def test_other_unit_and_admin_get_404(handler, other_police, admin) -> None:
    case = make_case(handler)
    for user in (other_police, admin):
        assert case not in access.listable_cases(user)
        with pytest.raises(Http404):
            access.get_case_for_user(user, case.key)


def test_social_services_only_while_disclosure_active_and_assigned(
    handler, social, social_head, social_other, koping
) -> None:
    case = make_case(handler)
    with pytest.raises(Http404):
        access.get_case_for_user(social, case.key)
    disclosure = make_disclosure(case, koping, handlers=[social], scope_risk_full=False)
    got = access.get_case_for_user(social, case.key)
    assert got.via == "disclosure" and not got.may_edit
    assert got.shows("scope_persons") and not got.shows("scope_risk_full")
    assert not got.shows("internal")
    assert access.get_case_for_user(social_head, case.key).via == "disclosure"
    with pytest.raises(Http404):
        access.get_case_for_user(social_other, case.key)

    disclosure.withdrawn_at = timezone.now()
    disclosure.save()
    with pytest.raises(Http404):
        access.get_case_for_user(social, case.key)


def test_expired_disclosure_ends_access(handler, social, koping) -> None:
    case = make_case(handler)
    make_disclosure(
        case,
        koping,
        handlers=[social],
        valid_from=date.today() - timedelta(days=30),
        valid_until=date.today() - timedelta(days=1),
    )
    with pytest.raises(Http404):
        access.get_case_for_user(social, case.key)


def test_unassigned_social_handler_sees_nothing(handler, social, koping) -> None:
    case = make_case(handler)
    make_disclosure(case, koping, handlers=[])
    with pytest.raises(Http404):
        access.get_case_for_user(social, case.key)


def test_every_read_and_denial_is_logged(handler, other_police) -> None:
    case = make_case(handler)
    access.get_case_for_user(handler, case.key)
    with pytest.raises(Http404):
        access.get_case_for_user(other_police, case.key)
    rows = list(AccessLogEntry.objects.filter(case=case).order_by("at"))
    assert [(r.user_id, r.granted) for r in rows] == [(handler.pk, True), (other_police.pk, False)]
    assert rows[0].case_reference == case.reference


def test_access_log_refuses_update_and_delete_in_the_database(handler) -> None:
    case = make_case(handler)
    access.get_case_for_user(handler, case.key)
    entry = AccessLogEntry.objects.get(case=case)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(granted=False)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_accesslogentry")
    assert AccessLogEntry.objects.filter(pk=entry.pk, granted=True).exists()


def test_reference_numbers_count_per_unit_and_year(handler, head) -> None:
    first = make_case(handler)
    second = make_case(head)
    year = timezone.localdate().year
    assert first.reference == f"PSS-U-{year}-00001"
    assert second.reference == f"PSS-U-{year}-00002"
    assert services.responsible_handlers(first) == [handler]


def test_a_dwelling_is_shown_only_through_the_case_that_registered_it(
    handler, other_police, head
) -> None:
    from cases.models import Participant, SecretDwelling
    from tests.factories import PersonFactory

    person = PersonFactory()
    first = make_case(handler, protected=person)
    second = make_case(head)
    Participant.objects.create(case=second, person=person, role=Participant.Role.RELATIVE)
    dwelling = SecretDwelling.objects.create(
        case=first, person=person, description="Skyddat boende", address="x", police_only=True
    )
    shared = SecretDwelling.objects.create(
        case=first, person=person, description="Jour", address="y"
    )
    assert access.get_case_for_user(handler, first.key).sees_dwelling(dwelling)
    through_second = access.get_case_for_user(head, second.key)
    assert not through_second.sees_dwelling(dwelling)
    assert not through_second.sees_dwelling(shared)


def test_an_administrator_who_gives_themselves_a_membership_still_reads_no_case(
    handler, admin, unit_a
) -> None:
    from accounts.models import Membership

    case = make_case(handler, restricted=True)
    Membership.objects.create(user=admin, organisation=unit_a, role=Membership.Role.HEAD)
    admin.refresh_from_db()
    assert not access.listable_cases(admin).exists()
    with pytest.raises(Http404):
        access.get_case_for_user(admin, case.key)
