"""The head's break-the-glass list (issue 16): however the page finds its openings, they must
be what a plain filter of every opening gives – the units' openings that are unreviewed,
active or recent, newest first – with the same count, the same unreviewed count as the start
page, the same rows on every page, and a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from cases import access, breakglass
from cases.models import AccessLogEntry, BreakGlassAccess, BreakGlassReview
from cases.sharing import logviews
from tests.factories import MembershipFactory, SocialServicesFactory, make_case

pytestmark = pytest.mark.django_db
LIST = reverse("cases:break_glass_list")
REASON = "Skyddspersonen ringde jourtid, ansvarig handläggare nås inte"


def _plain_list(head: User, now: datetime) -> list[tuple[int, bool]]:
    """The list the straightforward way: every opening, tested in Python."""
    units = {
        m.organisation_id
        for m in Membership.objects.filter(user=head, is_active=True, role="head")
        if m.organisation.kind == "police" and m.organisation.is_active
    }
    since = now - timedelta(days=logviews.BREAK_GLASS_RECENT_DAYS)
    reviewed = set(BreakGlassReview.objects.values_list("grant_id", flat=True))
    shown = [
        grant
        for grant in BreakGlassAccess.objects.select_related("case")
        if grant.case.unit_id in units
        and (grant.pk not in reviewed or grant.expires_at > now or grant.granted_at >= since)
    ]
    shown.sort(key=lambda grant: (grant.granted_at, grant.pk), reverse=True)
    return [(grant.pk, grant.pk not in reviewed) for grant in shown]


def _open(actor: User, case, days_ago: float, *, reviewed_by: User | None = None, **kw):
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        grant = access.break_the_glass(actor, case, reason=REASON)
    if kw:
        BreakGlassAccess.objects.filter(pk=grant.pk).update(**kw)
    if reviewed_by is not None:
        breakglass.review(reviewed_by, grant, comment="Stämmer med jourrapporten.")
    return grant


@pytest.fixture
def openings(head, handler, colleague, other_police, unit_b) -> None:
    """Openings in every state, in the head's unit and in another one."""
    ours, theirs = make_case(handler), make_case(other_police, unit=unit_b)
    now = timezone.now()
    _open(colleague, ours, 0)  # active, unreviewed
    _open(colleague, ours, 0.5, reviewed_by=head)  # recent (expired), reviewed
    _open(colleague, ours, 29)  # recent, unreviewed
    _open(colleague, ours, 31, reviewed_by=head)  # old and reviewed: not shown
    _open(colleague, ours, 45)  # old, unreviewed
    _open(colleague, ours, 60, reviewed_by=head, expires_at=now + timedelta(days=1))  # active
    _open(colleague, ours, 90)  # old, unreviewed
    # The same instant twice: the newer id first.
    with time_machine.travel(now - timedelta(days=10), tick=False):
        access.break_the_glass(colleague, ours, reason=REASON)
        access.break_the_glass(colleague, ours, reason=REASON)
    _open(other_police, theirs, 1)  # another unit's: never shown
    _open(other_police, theirs, 50)


def test_the_list_is_the_plain_filter_of_every_opening(openings, head, login) -> None:
    now = timezone.now()
    since = now - timedelta(days=logviews.BREAK_GLASS_RECENT_DAYS)
    expected = _plain_list(head, now)
    assert len(expected) == 8 and sum(unreviewed for _pk, unreviewed in expected) == 6
    assert breakglass.head_list(head, now=now, since=since) == expected
    with time_machine.travel(now, tick=False):
        response = login(head).get(LIST)
    assert [row["pk"] for row in response.context["page"]] == [pk for pk, _u in expected]
    assert response.context["page"].paginator.count == 8
    assert response.context["unreviewed"] == breakglass.unreviewed_count(head) == 6
    html = response.content.decode()
    assert "Nödåtkomster (8)" in html and "6 öppningar väntar på granskning." in html
    assert html.count("Stämmer med jourrapporten.") == 2  # the two reviewed ones shown


def test_every_page_holds_the_next_rows_of_the_list(openings, head, login, monkeypatch) -> None:
    monkeypatch.setattr(logviews, "LOG_PAGE_SIZE", 3)
    expected = [pk for pk, _u in _plain_list(head, timezone.now())]
    client = login(head)
    pages = [client.get(LIST, {"sida": n}).context["page"] for n in (1, 2, 3, 4, "x")]
    shown = [[row["pk"] for row in page] for page in pages]
    # Past the end: the last page; not a number: the first.
    assert shown == [expected[0:3], expected[3:6], expected[6:8], expected[6:8], expected[0:3]]
    assert pages[2].paginator.num_pages == 3


def test_a_head_of_two_units_sees_both(openings, head, unit_b, login) -> None:
    MembershipFactory(user=head, organisation=unit_b, role=Membership.Role.HEAD)
    page = login(head).get(LIST).context["page"]
    assert page.paginator.count == 10 == len(_plain_list(head, timezone.now()))


def test_openings_for_head_counts_active_headships_of_active_police_units(
    openings, head, unit_a, unit_b
) -> None:
    assert breakglass.openings_for_head(head).count() == 9
    social = SocialServicesFactory()
    for org, role, active in (
        (unit_b, Membership.Role.HANDLER, True),  # not head there
        (social, Membership.Role.HEAD, True),  # not a police unit
    ):
        MembershipFactory(user=head, organisation=org, role=role, is_active=active)
    head = User.objects.get(pk=head.pk)  # memberships are read once per user object
    assert breakglass.openings_for_head(head).count() == 9
    Organisation.objects.filter(pk=unit_a.pk).update(is_active=False)
    assert breakglass.openings_for_head(User.objects.get(pk=head.pk)).count() == 0
    Organisation.objects.filter(pk=unit_a.pk).update(is_active=True)
    Membership.objects.filter(user=head, organisation=unit_a).update(is_active=False)
    assert breakglass.openings_for_head(User.objects.get(pk=head.pk)).count() == 0
    Membership.objects.filter(user=head, organisation=unit_a).update(is_active=True)
    User.objects.filter(pk=head.pk).update(is_staff=True)
    assert breakglass.openings_for_head(User.objects.get(pk=head.pk)).count() == 0


def test_the_list_takes_a_fixed_number_of_queries(openings, head, login) -> None:
    client = login(head)
    client.get(LIST)  # the first page after the login writes the session's idle stamp
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    # Session, user, second factor, memberships (with the units); a serial plan for the list's
    # openings (with both counts); the page's rows; the log row of this read.
    assert len(queries) == 8, [q["sql"][:80] for q in queries.captured_queries]


def test_a_log_page_read_is_logged_in_the_first_headed_unit(login, unit_a, unit_b) -> None:
    # A handler in unit_a (the lower id) and the head of unit_b: the read is unit_b's.
    user = MembershipFactory(organisation=unit_a, role=Membership.Role.HANDLER).user
    MembershipFactory(user=user, organisation=unit_b, role=Membership.Role.HEAD)
    client = login(user)
    for url in (LIST, reverse("cases:access_report")):
        client.get(url)
    reads = AccessLogEntry.objects.filter(user=user, channel=AccessLogEntry.Channel.LOG)
    assert sorted(reads.values_list("what", "organisation_id")) == [
        ("nödåtkomster", unit_b.pk),
        ("åtkomstrapport", unit_b.pk),
    ]
    # The head of both: the first of them.
    Membership.objects.filter(user=user, organisation=unit_a).update(role=Membership.Role.HEAD)
    login(user).get(LIST)
    assert reads.order_by("-pk").values_list("organisation_id", flat=True).first() == unit_a.pk
