"""The statistics page and its CSV exports. Thin: scope from cases.statsaccess, figures from the
indicator modules, rendering in templates/statistics/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import user_for_request
from cases import statsaccess
from stats.forms import StatisticsForm
from stats.presentation import build_sections, scope_label, show, table_csv


def _form(request: HttpRequest) -> tuple[StatisticsForm, statsaccess.StatisticsScope]:
    scope = statsaccess.statistics_scope(user_for_request(request))
    if scope is None:
        raise Http404
    return StatisticsForm(request.GET or None, scope=scope), scope


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    form, scope = _form(request)
    context: dict[str, object] = {"form": form, "scope": scope}
    if not form.is_bound or form.is_valid():
        today = timezone.localdate()
        pair, ids = form.chosen(today)
        ctx, sections = build_sections(scope, ids, pair, today)
        context |= {
            "ctx": ctx,
            "scope_label": scope_label(ctx),
            "sections": [(section, [show(t, ctx) for t in section.tables]) for section in sections],
            "query": request.GET.urlencode(),
        }
    return render(request, "statistics/page.html", context)


@require_GET
def statistics_csv(request: HttpRequest, table: str) -> HttpResponse:
    form, scope = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "Ogiltig period eller enhet.", status=400, content_type="text/plain; charset=utf-8"
        )
    today = timezone.localdate()
    pair, ids = form.chosen(today)
    ctx, sections = build_sections(scope, ids, pair, today)
    found = next((t for s in sections for t in s.tables if t.key == table), None)
    if found is None:
        raise Http404
    response = HttpResponse(table_csv(found, ctx), content_type="text/csv; charset=utf-8")
    filename = (
        f"skydd-statistik-{found.key}-{ctx.current.start:%Y%m%d}-{ctx.current.end:%Y%m%d}.csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
