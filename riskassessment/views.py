"""Risk assessments on a case. Thin views: resolve the case (cases.access via with_case),
validate a form, call riskassessment.services, redirect. Works without JavaScript; the
optional autosave script posts the same form and gets JSON back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import user_for_request
from cases.access import CaseAccess
from cases.formfields import parse_id
from cases.models import Participant
from cases.services import ConflictError
from cases.viewutils import with_case
from riskassessment import services
from riskassessment.forms import AssessmentForm, StartForm
from riskassessment.models import Assessment

AUTOSAVE_HEADER = "HTTP_X_SKYDD_AUTOSAVE"


def _version(request: HttpRequest) -> int:
    """The version the form was loaded with. Missing or junk never matches: a POST that
    does not say which version it changes is a conflict, never a silent overwrite."""
    raw = request.POST.get("version", "")
    if not raw:
        return -1
    try:
        return int(raw)
    except ValueError:
        return -1  # never matches: a conflict rather than a silent overwrite


def _detail_url(case_access: CaseAccess, pk: int) -> str:
    return reverse("riskassessment:detail", kwargs={"key": case_access.case.key, "pk": pk})


def _edit_url(case_access: CaseAccess, pk: int) -> str:
    return reverse("riskassessment:edit", kwargs={"key": case_access.case.key, "pk": pk})


@login_required
@require_GET
@with_case(what="riskbedömningar")
def assessment_list(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    rows = services.assessment_rows(case_access)
    comparable = [r for r in rows if r.is_full]
    return render(
        request,
        "riskassessment/assessment_list.html",
        {
            "access": case_access,
            "case": case_access.case,
            "rows": rows,
            "comparable": comparable,
            "may_assess": services.may_assess(case_access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_case(what="ny riskbedömning")
def assessment_start(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    if not services.may_assess(case_access):
        raise Http404
    form = StartForm(
        request.POST if request.method == "POST" else None,
        threat_actors=_threat_actor_choices(case_access),
    )
    if request.method == "POST" and form.is_valid():
        user = user_for_request(request)
        try:
            assessment, created = services.start_assessment(
                user,
                case_access.case,
                instrument=form.cleaned_data["instrument"],
                threat_actors=form.chosen_threat_actors(),
            )
        except services.NotAllowed as exc:
            raise Http404 from exc
        except services.AssessmentError as exc:
            form.add_error("instrument", exc.message)
        else:
            if not created:
                messages.info(request, _("Det fanns redan ett utkast med det här instrumentet."))
            return redirect(_edit_url(case_access, assessment.pk))
    drafts = [
        r
        for r in services.assessment_rows(case_access)
        if not r.assessment.is_final and services.owns(case_access, r.assessment)
    ]
    return render(
        request,
        "riskassessment/assessment_start.html",
        {"access": case_access, "case": case_access.case, "form": form, "drafts": drafts},
    )


def _threat_actor_choices(case_access: CaseAccess) -> list[tuple[Participant, str]]:
    """The case's threat actors: by name where the reader sees persons, else numbered."""
    actors = case_access.case.participants.filter(role=Participant.Role.THREAT_ACTOR)
    ordered = list(actors.select_related("person").order_by("created_at", "pk"))
    return [
        (
            participant,
            participant.person.full_name
            if case_access.shows("scope_persons")
            else services.threat_actor_label(number),
        )
        for number, participant in enumerate(ordered, start=1)
    ]


@login_required
@require_GET
@with_case(what="riskbedömning")
def assessment_detail(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    try:
        row = services.get_visible(case_access, pk)
    except services.NotAllowed as exc:
        raise Http404 from exc
    assessment = row.assessment
    previous = None
    if row.is_full and assessment.previous_id:
        try:
            previous = services.get_visible(case_access, assessment.previous_id, need="full")
        except services.NotAllowed:
            previous = None
    return render(
        request,
        "riskassessment/assessment_detail.html",
        {
            "access": case_access,
            "case": case_access.case,
            "row": row,
            "assessment": assessment,
            "table": services.factor_table(assessment) if row.is_full else None,
            "measures": list(assessment.recommended_measures.all()) if row.is_full else [],
            "previous": previous,
            "may_change": services.may_change(case_access, assessment),
            "may_reassess": services.may_reassess(case_access, assessment),
        },
    )


def _render_form(
    request: HttpRequest,
    case_access: CaseAccess,
    assessment: Assessment,
    form: AssessmentForm,
    *,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    if assessment.previous_id:
        try:
            previous = services.get_visible(case_access, assessment.previous_id, need="full")
        except services.NotAllowed:
            previous = None
        if previous is not None:
            form.previous_judgements = {j.label: j for j in previous.judgements}
    return render(
        request,
        "riskassessment/assessment_form.html",
        {
            "access": case_access,
            "case": case_access.case,
            "assessment": assessment,
            "form": form,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_case(what="redigera riskbedömning")
def assessment_edit(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    """The one-page form. Every POST saves the draft ("Spara utkast", the autosave script,
    and "Slutför" alike); "Slutför" then tries to finalise."""
    try:
        row = services.get_visible(case_access, pk, need="full")
    except services.NotAllowed as exc:
        raise Http404 from exc
    assessment = row.assessment
    if not services.owns(case_access, assessment) or not services.may_assess(case_access):
        raise Http404
    autosave = request.headers.get("X-Skydd-Autosave") == "1"
    if assessment.is_final:
        message = _("Bedömningen är slutförd och kan inte ändras. Gör en omprövning i stället.")
        if autosave:
            return JsonResponse({"error": message}, status=409)
        messages.error(request, message)
        return redirect(_detail_url(case_access, assessment.pk))

    structure = services.load_structure(assessment.instrument)
    if request.method == "GET":
        form = AssessmentForm(
            initial=AssessmentForm.initial_from(services.input_from(assessment, structure)),
            structure=structure,
        )
        return _render_form(request, case_access, assessment, form)

    user = user_for_request(request)
    form = AssessmentForm(request.POST, structure=structure)
    if not form.is_valid():
        if autosave:
            return JsonResponse(
                {"error": _("Kunde inte spara automatiskt: formuläret innehåller fel.")},
                status=422,
            )
        return _render_form(request, case_access, assessment, form)
    try:
        assessment = services.save_draft(
            user, assessment, data=form.to_input(), expected_version=_version(request)
        )
    except ConflictError as exc:
        assessment.refresh_from_db()
        if autosave:
            return JsonResponse({"error": str(exc)}, status=409)
        return _render_form(request, case_access, assessment, form, problem=str(exc))
    except services.AssessmentLocked as exc:
        if autosave:
            return JsonResponse({"error": exc.message}, status=409)
        messages.error(request, exc.message)
        return redirect(_detail_url(case_access, assessment.pk))
    except services.NotAllowed as exc:
        raise Http404 from exc

    if autosave:
        saved = timezone.localtime(assessment.updated_at).strftime("%H:%M")
        return JsonResponse({"version": assessment.version, "saved": saved})
    if "finalise" not in request.POST:
        messages.success(request, _("Utkastet är sparat."))
        return redirect(_edit_url(case_access, assessment.pk))
    missing = services.missing_judgements(assessment, structure)
    if missing:
        form.add_missing(missing)
        return _render_form(
            request,
            case_access,
            assessment,
            form,
            problem=services.MissingJudgements(missing).message
            + " "
            + _("Allt du skrivit är sparat som utkast."),
        )
    # Finalising cannot be undone: the draft is saved, the confirmation page asks first.
    return redirect("riskassessment:finalise", key=case_access.case.key, pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
@with_case(what="slutför riskbedömning")
def assessment_finalise(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    """The confirmation page of "Slutför bedömningen": what is final, and what follows."""
    try:
        row = services.get_visible(case_access, pk, need="full")
    except services.NotAllowed as exc:
        raise Http404 from exc
    assessment = row.assessment
    if not services.owns(case_access, assessment) or not services.may_assess(case_access):
        raise Http404
    if assessment.is_final:
        messages.info(request, _("Bedömningen är redan slutförd."))
        return redirect(_detail_url(case_access, assessment.pk))
    if request.method == "POST":
        try:
            services.finalise(
                user_for_request(request), assessment, expected_version=_version(request)
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
            return redirect(_edit_url(case_access, assessment.pk))
        except services.AssessmentError as exc:
            messages.error(request, exc.message)
            return redirect(_edit_url(case_access, assessment.pk))
        messages.success(request, _("Bedömningen är slutförd."))
        return redirect("cases:detail", key=case_access.case.key)
    structure = services.load_structure(assessment.instrument)
    data = services.input_from(assessment, structure)
    unrated = len(structure.factors) * len(structure.frames) - len(data.ratings)
    return render(
        request,
        "riskassessment/assessment_finalise.html",
        {
            "access": case_access,
            "case": case_access.case,
            "assessment": assessment,
            "row": row,
            "unrated": max(unrated, 0),
            "measures": list(assessment.recommended_measures.order_by("name")),
            "irreversible": [
                _(
                    "En slutförd bedömning kan aldrig ändras. Vill du ändra något efteråt gör "
                    "du en omprövning, som blir en ny bedömning."
                ),
                _(
                    "Bedömningen visas direkt i ärendet och, om riskbedömningen har lämnats "
                    "ut, för den andra parten."
                ),
            ],
        },
    )


@login_required
@require_POST
@with_case(what="omprövning av riskbedömning")
def assessment_reassess(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    try:
        row = services.get_visible(case_access, pk, need="full")
        assessment, created = services.start_reassessment(user_for_request(request), row.assessment)
    except services.NotAllowed as exc:
        raise Http404 from exc
    if not created:
        messages.info(request, _("Det fanns redan ett utkast med det här instrumentet."))
    return redirect(_edit_url(case_access, assessment.pk))


@login_required
@require_POST
@with_case(what="ta bort utkast till riskbedömning")
def assessment_discard(request: HttpRequest, case_access: CaseAccess, pk: int) -> HttpResponse:
    try:
        row = services.get_visible(case_access, pk, need="full")
        if not services.may_change(case_access, row.assessment):
            raise services.NotAllowed("")
        services.discard_draft(
            user_for_request(request),
            row.assessment,
            expected_version=_version(request),
        )
    except services.NotAllowed as exc:
        raise Http404 from exc
    except ConflictError:
        messages.error(
            request,
            _("Utkastet har ändrats sedan du öppnade det och togs inte bort. Försök igen."),
        )
        return redirect(_edit_url(case_access, pk))
    messages.success(request, _("Utkastet är borttaget."))
    return redirect("cases:detail", key=case_access.case.key)


@login_required
@require_GET
@with_case(what="jämförelse av riskbedömningar")
def assessment_compare(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    rows = [r for r in services.assessment_rows(case_access) if r.is_full]
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    # Preselect two different assessments (issue 11: never the same one twice): the two
    # newest of one instrument, else the two newest; a chosen first gets the newest other.
    by_code: dict[str, list[int]] = {}
    for r in rows:
        by_code.setdefault(r.assessment.instrument.code, []).append(r.assessment.pk)
    pair = next((pks[:2] for pks in by_code.values() if len(pks) >= 2), None)
    if pair is None and len(rows) >= 2:
        pair = [rows[0].assessment.pk, rows[1].assessment.pk]
    default_first = first or (str(pair[1]) if pair else "")
    others = [str(r.assessment.pk) for r in rows if str(r.assessment.pk) != default_first]
    default_second = second or (
        str(pair[0]) if pair and str(pair[0]) != default_first else (others[0] if others else "")
    )
    groups: dict[str, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.assessment.instrument.name, []).append(r)
    context: dict[str, Any] = {
        "access": case_access,
        "case": case_access.case,
        "rows": rows,
        "groups": list(groups.items()),
        "comparison": None,
        "problem": "",
        "selected": (default_first, default_second),
    }
    if first or second:
        first_id, second_id = parse_id(first), parse_id(second)
        if first_id is None or second_id is None or first_id == second_id:
            context["problem"] = _("Välj två olika bedömningar att jämföra.")
        else:
            try:
                context["comparison"] = services.compare(case_access, first_id, second_id)
            except services.NotAllowed as exc:
                raise Http404 from exc
            except services.AssessmentError as exc:
                context["problem"] = exc.message
    return render(request, "riskassessment/assessment_compare.html", context)
