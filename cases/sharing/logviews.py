"""The access-log pages (police: head and responsible handlers) and the head's review of
break-the-glass openings.

Reading the log is itself logged (channel "Åtkomstlogg"): who looked at whose reads, once
per page visit. The report filters by person, period and channel and sums up per user.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import user_for_request
from accounts.models import Membership, User
from cases import access, breakglass
from cases.access import CaseAccess
from cases.models import AccessLogEntry, ProtectionCase
from cases.sharing import policy
from cases.sharing.forms import AccessReportForm, BreakGlassReviewForm

LOG_PAGE_SIZE = 50
BREAK_GLASS_RECENT_DAYS = 30
ACCESS_LOG_WHAT = "åtkomstlogg"


def _log_page_read(
    user: User, what: str, *, case: ProtectionCase | None = None, units: Sequence[int] = ()
) -> None:
    """A read of a log page: one row, in the head's (first headed) unit, taken from the
    memberships the request has read already (``units`` are some of them)."""
    first = min(units, default=None)
    organisation = next(
        (m.organisation for m in access.memberships(user) if m.organisation_id == first), None
    )
    access.record_access(
        user,
        case=case,
        channel=access.Channel.LOG,
        granted=True,
        what=what,
        organisation=organisation,
    )


def _log_manager_access(user: User, key: str) -> CaseAccess:
    """The case if the user may read its access log (head, responsible handler), else 404.

    Not logged as a read of the case; a refusal is recorded as a denied attempt."""
    case_access: CaseAccess | None
    try:
        case_access = access.get_case_for_user(user, key, what=ACCESS_LOG_WHAT, log=False)
    except (Http404, access.BreakGlassRequired):
        case_access = None
    if case_access is None or not policy.may_read_access_log(case_access):
        access.record_access(
            user,
            case=ProtectionCase.objects.filter(key=key).first(),
            channel=access.Channel.LOG,
            granted=False,
            what=ACCESS_LOG_WHAT,
        )
        raise Http404
    return case_access


def _via_labels() -> dict[str, str]:
    return {
        "assigned": _("ansvarig handläggare"),
        "head": _("enhetschef"),
        "break_glass": _("nödåtkomst"),
        "disclosure": _("utlämnande"),
    }


def _page(request: HttpRequest, queryset: Any, count: int | None = None) -> Any:
    """The requested page; ``count``: the number of rows when the caller has it already
    (the report sums its summary), so that the log is not counted a second time."""
    paginator = Paginator(queryset, LOG_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: this value is used as the count
    return paginator.get_page(request.GET.get("sida"))


@login_required
@require_GET
def case_access_log(request: HttpRequest, key: str) -> HttpResponse:
    """ "Vem har sett ärendet": every read and denied attempt on one case."""
    user = user_for_request(request)
    case_access = _log_manager_access(user, key)
    access.record_access(
        user,
        case=case_access.case,
        channel=access.Channel.LOG,
        granted=True,
        what=ACCESS_LOG_WHAT,
        via=case_access.via,
        organisation=case_access.organisation,
    )
    entries = AccessLogEntry.objects.filter(case=case_access.case).select_related(
        "user", "organisation"
    )
    context = {
        "case": case_access.case,
        "page": _page(request, entries.order_by("-at", "-pk")),
        "via_labels": _via_labels(),
    }
    return render(request, "cases/sharing/case_access_log.html", context)


def _headed_units_or_404(user: User) -> list[int]:
    units = access.headed_unit_ids(user)
    if not units:
        raise Http404
    return units


def _before_the_unit_was_stored(units: list[int]) -> Q:
    """Rows written before the log stored the case's unit (migration 0029): found through
    the case, as all rows were before (a purged case's such rows are not found). The
    partial index accesslog_no_unit_at holds only these, so the branch costs nothing once
    they are gone or out of the period."""
    # Chained, not keywords (which Q sorts): the cheap tests first, so that PostgreSQL
    # builds the set of the units' case ids only if such a row turns up.
    return (
        Q(case_unit__isnull=True)
        & Q(case__isnull=False)
        & Q(case_id__in=ProtectionCase.objects.filter(unit_id__in=units).values("pk"))
    )


def report_candidates(units: list[int]) -> QuerySet[User]:
    """Users of the units, and anyone else who has touched the units' cases: one probe per
    user into the (unit, user) index, never a pass over the units' log. The rows from before
    the unit was stored are one set of readers (the partial index holds only them); as a
    correlated EXISTS the planner costed them per user, over the JIT threshold (~30 ms of
    compiling for a 10 ms query)."""
    members = Membership.objects.filter(organisation_id__in=units, is_active=True)
    readers = AccessLogEntry.objects.filter(case_unit_id__in=units, user_id=OuterRef("pk"))
    earlier = AccessLogEntry.objects.filter(_before_the_unit_was_stored(units))
    return User.objects.filter(
        Q(pk__in=members.values("user_id")) | Exists(readers) | Q(pk__in=earlier.values("user_id"))
    ).order_by("full_name", "pk")


def _unit_branches(units: list[int]) -> list[Q]:
    """The unit's rows as three conditions that no row meets twice, each answered by an index
    of its own: reads of the units' cases by the unit stored on the row (accesslog_unit_at),
    such reads from before the unit was stored (accesslog_no_unit_at), and the units' own
    reads of the log pages (accesslog_log_reads_at). OR-ed, PostgreSQL answers them together
    only by walking the whole log's period; the summary counts them as three index scans."""
    return [
        Q(case_unit_id__in=units),
        _before_the_unit_was_stored(units),
        # ~Q(...) on the nullable column: "not stored as one of the units, or not stored".
        Q(case__isnull=True, channel=AccessLogEntry.Channel.LOG, organisation_id__in=units)
        & ~Q(case_unit_id__in=units),
    ]


def _unit_entries(units: list[int]) -> QuerySet[AccessLogEntry]:
    """Reads of the units' cases (by the unit stored on the row), and the units' own reads
    of the log pages."""
    return AccessLogEntry.objects.filter(reduce(operator.or_, _unit_branches(units)))


def _period(first: date, last: date) -> Q:
    """Rows of the local days ``first`` to ``last``, as a range of ``at`` the (unit, -at)
    index answers (``at__date`` would convert every row's time before comparing)."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return Q(at__gte=start, at__lt=end)


# The summary's page of people in one statement over the rows of the union (the columns of
# the covering index accesslog_unit_at): reads, break-the-glass and denials per user for
# everyone, named and numbered by name (so the counts of people and of rows are exact), and
# the distinct cases only for the people of the requested page, from their few index ranges
# in accesslog_unit_user_at.
# Counting the distinct cases of everyone, a second aggregate by (user, case) over the
# month's 58,000 rows of a big unit, was most of the report's cost (issue 16). A page past
# the end is the last one, as Paginator.get_page has it.
_SUMMARY_SQL = """
WITH entries AS NOT MATERIALIZED ({rows}),
counts AS (
    SELECT entries.user_id AS user_id,
           COUNT(*) FILTER (WHERE entries.granted) AS reads,
           COUNT(*) FILTER (WHERE entries.via = %s) AS break_glass,
           COUNT(*) FILTER (WHERE NOT entries.granted) AS denied
    FROM entries
    GROUP BY entries.user_id
),
named AS (
    SELECT counts.*, u.full_name,
           ROW_NUMBER() OVER (ORDER BY u.full_name, u.id) AS n,
           COUNT(*) OVER () AS people,
           SUM(counts.reads + counts.denied) OVER () AS total
    FROM counts JOIN {users} u ON u.id = counts.user_id
),
paged AS (
    SELECT named.*, CASE WHEN %s < (named.people + %s - 1) / %s THEN %s
                ELSE (named.people + %s - 1) / %s END AS number
    FROM named
),
shown AS MATERIALIZED (
    SELECT * FROM paged WHERE paged.n > (paged.number - 1) * %s AND paged.n <= paged.number * %s
),
read AS (
    SELECT entries.user_id AS user_id, COUNT(DISTINCT entries.case_id) AS cases
    FROM entries
    WHERE entries.granted AND entries.case_id IS NOT NULL
      AND entries.user_id {among} (SELECT shown.user_id FROM shown){close}
    GROUP BY entries.user_id
)
SELECT shown.user_id, shown.reads, COALESCE(read.cases, 0), shown.break_glass, shown.denied,
       shown.full_name, shown.people, shown.total, shown.number
FROM shown LEFT JOIN read ON read.user_id = shown.user_id
ORDER BY shown.n
"""
_SUMMARY_KEYS = ("user_id", "reads", "cases", "break_glass", "denied", "user__full_name")
SUMMARY_PAGE_SIZE = 50


def _summary_page(parts: list[QuerySet[AccessLogEntry]], wanted: str | None) -> tuple[Any, int]:
    """The summary's page ``wanted`` of people (SUMMARY_PAGE_SIZE by name; not a number:
    the first, past the end or below 1: the last), each with reads, cases read,
    break-the-glass and denials, as a Paginator page; and the number of rows of all people.
    ``parts``: the filtered rows as querysets no row is in twice (``_unit_branches``),
    counted as one UNION ALL, so that each part is an index-only scan of its own index
    (issue 16: the OR of the three walked all 290,000 rows of a month's log)."""
    try:
        number = int(wanted or 1)
    except ValueError:
        number = 1
    if number < 1:
        number = 2**31  # as Paginator: the last page
    columns = [qs.order_by().values_list("user_id", "case_id", "granted", "via") for qs in parts]
    rows = columns[0].union(*columns[1:], all=True).order_by()
    using = rows.db
    rows_sql, params = rows.query.get_compiler(using).as_sql()
    connection = connections[using]
    users = connection.ops.quote_name(User._meta.db_table)
    # On PostgreSQL the page's ids as one array: as IN (subquery) the planner joined them to
    # the whole period's rows instead of probing the index with them.
    among, close = ("= ANY(ARRAY", ")") if connection.vendor == "postgresql" else ("IN", "")
    sql = _SUMMARY_SQL.format(rows=rows_sql, users=users, among=among, close=close)
    size = SUMMARY_PAGE_SIZE
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*params, "break_glass", *(number, size, size, number, size, size), size, size]
        )
        found = cursor.fetchall()
    people, total, number = (found[0][-3:]) if found else (0, 0, 1)
    # A pager over the people's numbers (the counts it shows), holding the page's rows.
    everyone: Sequence[Any] = range(people)
    page = Paginator(everyone, size).page(int(number))
    page.object_list = [dict(zip(_SUMMARY_KEYS, row[:-3], strict=True)) for row in found]
    return page, int(total)


# What the report's rows show (not the case's other columns, such as its threat picture,
# nor the user's password hash: fewer columns read and decoded per row).
_REPORT_ROW_FIELDS = (
    "at",
    "case_reference",
    "channel",
    "what",
    "granted",
    "via",
    "break_glass_reason",
    "user__full_name",
    "case__key",
    "organisation__name",
)


@login_required
@require_GET
def access_report(request: HttpRequest) -> HttpResponse:
    """The unit's access log for heads: filter by person, period and channel; a summary per
    user over the same filter, then the rows."""
    user = user_for_request(request)
    units = _headed_units_or_404(user)
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("date_from", (today - timedelta(days=30)).isoformat())
    data.setdefault("date_to", today.isoformat())
    form = AccessReportForm(data, candidates=report_candidates(units))
    page = summary = summary_page = None
    if form.is_valid():
        filters = form.cleaned_data
        wanted = _period(filters["date_from"], filters["date_to"])
        if filters.get("user"):
            wanted &= Q(user=filters["user"])
        if filters.get("channel"):
            wanted &= Q(channel=filters["channel"])
        parts = [AccessLogEntry.objects.filter(part, wanted) for part in _unit_branches(units)]
        summary_page, rows = _summary_page(parts, request.GET.get("personer"))
        summary = summary_page.object_list
        entries = _unit_entries(units).filter(wanted)
        page = _page(
            request,
            entries.select_related("organisation", "case", "user")
            .only(*_REPORT_ROW_FIELDS)
            .order_by("-at", "-pk"),
            # Every row is granted or denied: the summary has counted them all.
            count=rows,
        )
        # Read now, as the summary was: the row of this very visit (written next) would
        # otherwise push the last counted row off the page.
        page.object_list = list(page.object_list)
    _log_page_read(user, "åtkomstrapport", units=units)
    query, people_query = data.copy(), data.copy()
    query.pop("sida", None)
    people_query.pop("personer", None)
    context = {
        "form": form,
        "page": page,
        "summary": summary,
        "summary_page": summary_page,
        "query": query.urlencode(),
        "people_query": people_query.urlencode(),
        "via_labels": _via_labels(),
    }
    return render(request, "cases/sharing/access_report.html", context)


# The columns of the list's rows (no model instances: a missing review is a None, not an
# exception that the template engine inspects with dir() on every unreviewed row).
_BREAK_GLASS_COLUMNS = (
    "pk",
    "granted_at",
    "expires_at",
    "reason",
    "user__full_name",
    "case__key",
    "case__reference",
    "review__pk",
    "review__reviewed_at",
    "review__reviewed_by__full_name",
    "review__comment",
)


@login_required
@require_GET
def break_glass_list(request: HttpRequest) -> HttpResponse:
    """Unreviewed, active and recent break-the-glass openings of the unit's cases, for the
    head, each with its review or a link to review it. One query gives the list's openings
    in order (and so its count and the unreviewed count), a second the page's rows."""
    user = user_for_request(request)
    units = _headed_units_or_404(user)
    now = timezone.now()
    listed = breakglass.head_list(
        user, now=now, since=now - timedelta(days=BREAK_GLASS_RECENT_DAYS)
    )
    page = Paginator([pk for pk, _unreviewed in listed], LOG_PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    rows = {
        row["pk"]: row
        for row in breakglass.openings_for_head(user)
        .filter(pk__in=page.object_list)
        .values(*_BREAK_GLASS_COLUMNS)
    }
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    _log_page_read(user, "nödåtkomster", units=units)
    context = {
        "page": page,
        "now": now,
        "days": BREAK_GLASS_RECENT_DAYS,
        "unreviewed": sum(1 for _pk, unreviewed in listed if unreviewed),
    }
    return render(request, "cases/sharing/break_glass_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The head marks one opening reviewed, with a comment (kept; never edited)."""
    user = user_for_request(request)
    units = _headed_units_or_404(user)
    grant = get_object_or_404(
        breakglass.openings_for_head(user).select_related("user", "case"), pk=pk
    )
    if hasattr(grant, "review"):
        messages.info(request, _("Nödåtkomsten är redan granskad."))
        return redirect("cases:break_glass_list")
    form = BreakGlassReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        breakglass.review(user, grant, comment=form.cleaned_data["comment"])
        messages.success(
            request,
            _("Nödåtkomsten i %(ref)s är markerad som granskad.") % {"ref": grant.case.reference},
        )
        return redirect("cases:break_glass_list")
    if request.method == "GET":
        _log_page_read(user, "granska nödåtkomst", case=grant.case, units=units)
    context = {"grant": grant, "form": form}
    return render(request, "cases/sharing/break_glass_review.html", context)
