"""Pages of the joint protection plan. Access: cases.access first, then the plan scope.

Every view resolves the case through ``access.get_case_for_user`` (which logs the read) and
then requires ``scope_plan`` (always true for police readers). Who may write is decided by
services.party_of from the same CaseAccess.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import user_for_request
from cases import access
from cases.access import CaseAccess
from cases.models import Party, ProtectionPlan
from cases.plan import services
from cases.plan.forms import TEXT_FIELDS, ConfirmForm, PlanTextForm
from cases.plan.pdf import build_document, render_plan_pdf
from cases.plan.services import EDITABLE_BY, ConflictError, FrozenPlanError, PlanError

PlanView = Callable[..., HttpResponse]


def plan_case(
    *, channel: str = access.Channel.PART, action: str = "", log: bool = True
) -> Callable[[PlanView], PlanView]:
    """Resolve the case (logged, as "skyddsplan v<n> <action>", unless ``log`` is False for a
    page that shows nothing of the case), then require scope_plan.

    A unit colleague who has not broken the glass is sent to the case page to state a
    reason, as everywhere else.
    """

    def decorator(view: PlanView) -> PlanView:
        @wraps(view)
        def wrapper(request: HttpRequest, key: str, **kwargs: Any) -> HttpResponse:
            number = kwargs.get("number")
            what = " ".join(
                part for part in ("skyddsplan", f"v{number}" if number else "", action) if part
            )
            try:
                case_access = access.get_case_for_user(
                    user_for_request(request), key, channel=channel, what=what, log=log
                )
            except access.BreakGlassRequired:
                return redirect("cases:detail", key=key)
            if not case_access.shows("scope_plan"):
                raise Http404
            return view(request, case_access, **kwargs)

        return wrapper

    return decorator


def form_texts(party: str) -> list[str]:
    return [name for name in TEXT_FIELDS if name in EDITABLE_BY[party]]


def _version(case_access: CaseAccess, number: int) -> ProtectionPlan:
    return get_object_or_404(ProtectionPlan, case=case_access.case, number=number)


def _page(
    request: HttpRequest, case_access: CaseAccess, plan: ProtectionPlan | None
) -> HttpResponse:
    case = case_access.case
    party = services.party_of(case_access)
    versions = list(
        ProtectionPlan.objects.filter(case=case)
        .order_by("-number")
        .only("number", "status", "agreed_at", "superseded_at", "case_id")
    )
    latest = versions[0] if versions else None
    may_act = party is not None and case.is_open
    context: dict[str, Any] = {
        "access": case_access,
        "case": case,
        "plan": plan,
        "party": party,
        "versions": versions,
        "is_latest": plan is not None and latest is not None and plan.number == latest.number,
        "may_start": may_act and (latest is None or not latest.is_draft),
    }
    if plan is not None:
        standing = services.standing_confirmations(plan)
        context.update(
            doc=build_document(case_access, plan),
            standing=standing,
            may_edit=may_act and plan.is_draft,
            may_confirm=may_act
            and plan.is_draft
            and not services.has_confirmed(standing, case_access),
            confirm_form=ConfirmForm(initial={"version": plan.version}),
            waiting_for=services.waiting_for(case_access, plan),
        )
    return render(request, "cases/plan/plan_detail.html", context)


@require_GET
@plan_case()
def plan_detail(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    return _page(request, case_access, services.current_plan(case_access.case))


@require_GET
@plan_case()
def plan_version(request: HttpRequest, case_access: CaseAccess, number: int) -> HttpResponse:
    return _page(request, case_access, _version(case_access, number))


@require_POST
@plan_case(action="ny version")
def plan_new(request: HttpRequest, case_access: CaseAccess) -> HttpResponse:
    if services.party_of(case_access) is None:
        raise Http404
    try:
        plan = services.start_version(user_for_request(request), case_access.case)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("cases:plan", key=case_access.case.key)
    messages.success(
        request,
        _("Version %(number)s är påbörjad som utkast.") % {"number": plan.number},
    )
    return redirect("cases:plan_edit", key=case_access.case.key, number=plan.number)


@require_http_methods(["GET", "POST"])
@plan_case(action="ändra")
def plan_edit(request: HttpRequest, case_access: CaseAccess, number: int) -> HttpResponse:
    party = services.party_of(case_access)
    if party is None:
        raise Http404
    plan = _version(case_access, number)
    key = case_access.case.key
    if not plan.is_draft:
        messages.info(
            request,
            _("En överenskommen version ändras aldrig. Starta en ny version för att ändra planen."),
        )
        return redirect("cases:plan_version", key=key, number=number)
    if not case_access.case.is_open:
        messages.error(request, _("Ärendet är avslutat. Skyddsplanen kan inte ändras."))
        return redirect("cases:plan_version", key=key, number=number)

    conflicts: list[str] = []
    if request.method == "POST":
        form = PlanTextForm(request.POST, party=party)
        if form.is_valid():
            try:
                result = services.update_texts(
                    user_for_request(request),
                    plan,
                    expected_version=form.cleaned_data["version"],
                    changes=form.texts(),
                )
            except ConflictError:
                # Keep what they typed; take in what only the other person changed.
                plan.refresh_from_db()
                saved_now = services.saved_texts(case_access, plan)
                data, conflicts = form.rebase(saved_now, plan.version)
                form = PlanTextForm(data, party=party)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Någon annan har sparat ändringar i planen sedan du öppnade den. Din "
                        "text finns kvar men är inte sparad. Texter som bara den andra personen "
                        "ändrat är uppdaterade; där ni båda har ändrat visas den sparade texten "
                        "under fältet. Jämför och spara igen."
                    ),
                )
            except FrozenPlanError:
                messages.error(
                    request,
                    _("Versionen blev överenskommen medan du skrev. Starta en ny version."),
                )
                return redirect("cases:plan_version", key=key, number=number)
            except PlanError as exc:
                form.add_error(None, str(exc))
            else:
                if not result.changed:
                    messages.info(request, _("Inget ändrades."))
                elif result.cleared_confirmations:
                    messages.warning(
                        request,
                        _(
                            "Ändringarna är sparade. Bekräftelserna är nollställda: båda parter "
                            "behöver bekräfta planen igen."
                        ),
                    )
                else:
                    messages.success(request, _("Ändringarna är sparade."))
                return redirect("cases:plan_version", key=key, number=number)
    else:
        saved = services.saved_texts(case_access, plan)
        texts = {name: saved[name] for name in form_texts(party)}
        form = PlanTextForm(initial=PlanTextForm.initial_for(texts, plan.version), party=party)

    # Section 4 as written by the other party: the police read every recipient's part, a
    # recipient reads the police's part (and never another recipient's).
    saved = services.saved_texts(case_access, plan)
    parts, other_parts = services.visible_parts(case_access, plan)
    if party == Party.POLICE:
        others = [
            (f"{TEXT_FIELDS[services.OWN_PART][0]} ({part.organisation})", part.text)
            for part in parts
        ] or [(TEXT_FIELDS[services.OWN_PART][0], "")]
    else:
        others = [(TEXT_FIELDS["police_commitments"][0], saved["police_commitments"])]
    context = {
        "access": case_access,
        "case": case_access.case,
        "plan": plan,
        "party": party,
        "form": form,
        "rows": [
            {"field": form[name], "saved": saved[name], "conflict": name in conflicts}
            for name in form.text_names
        ],
        "others": others,
        "other_parts": other_parts,
        "standing": services.standing_confirmations(plan),
    }
    return render(request, "cases/plan/plan_edit.html", context)


@require_http_methods(["GET", "POST"])
@plan_case(action="bekräfta")
def plan_confirm(request: HttpRequest, case_access: CaseAccess, number: int) -> HttpResponse:
    """GET: the confirmation page (the wording confirmed, and what cannot be undone); POST:
    the confirmation of the version shown."""
    party = services.party_of(case_access)
    if party is None:
        raise Http404
    plan = _version(case_access, number)
    key = case_access.case.key
    if request.method == "GET":
        standing = services.standing_confirmations(plan)
        if not plan.is_draft or services.has_confirmed(standing, case_access):
            return redirect("cases:plan_version", key=key, number=number)
        context = {
            "case": case_access.case,
            "plan": plan,
            "party": party,
            "doc": build_document(case_access, plan),
            "completes": bool(standing),
            "confirm_form": ConfirmForm(initial={"version": plan.version}),
            "irreversible": [
                _(
                    "Du bekräftar för din organisation att planen ska gälla med exakt den "
                    "lydelse som står här."
                ),
                _(
                    "När båda parter har bekräftat är versionen överenskommen och kan aldrig "
                    "ändras; en ändring görs i en ny version."
                ),
            ],
        }
        return render(request, "cases/plan/plan_confirm.html", context)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bekräftelsen kunde inte registreras. Ladda om sidan."))
        return redirect("cases:plan_version", key=key, number=number)
    try:
        plan = services.confirm(
            user_for_request(request), plan, expected_version=form.cleaned_data["version"]
        )
    except ConflictError:
        messages.error(
            request,
            _(
                "Planen har ändrats sedan du öppnade den. Läs igenom den nya lydelsen och "
                "bekräfta igen."
            ),
        )
    except FrozenPlanError:
        messages.info(request, _("Versionen är redan överenskommen."))
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        if plan.is_agreed:
            messages.success(
                request,
                _("Version %(number)s är överenskommen av båda parter.") % {"number": plan.number},
            )
        else:
            messages.success(
                request,
                _(
                    "Din bekräftelse är registrerad. Planen blir överenskommen när den andra "
                    "parten också har bekräftat."
                ),
            )
    return redirect("cases:plan_version", key=key, number=number)


@require_GET
@plan_case(channel=access.Channel.PRINT, action="utskrift")
def plan_print(request: HttpRequest, case_access: CaseAccess, number: int) -> HttpResponse:
    plan = _version(case_access, number)
    context = {
        "case": case_access.case,
        "plan": plan,
        "doc": build_document(case_access, plan, printed=True),
    }
    return render(request, "cases/plan/plan_print.html", context)


@require_GET
@plan_case(channel=access.Channel.PRINT, action="pdf", log=False)
def plan_pdf_wait(request: HttpRequest, case_access: CaseAccess, number: int) -> HttpResponse:
    """The page "PDF:en skapas…" that the PDF links lead to: static/js/plan-pdf.js starts the
    download at once, without JS the page's link does. It shows nothing of the plan, so it is
    not logged: the PDF itself is (once)."""
    plan = _version(case_access, number)
    context = {"case": case_access.case, "plan": plan}
    return render(request, "cases/plan/plan_pdf_wait.html", context)


@require_GET
@plan_case(channel=access.Channel.PRINT, action="pdf")
def plan_pdf(request: HttpRequest, case_access: CaseAccess, number: int) -> HttpResponse:
    plan = _version(case_access, number)
    document = build_document(case_access, plan, printed=True)
    response = HttpResponse(render_plan_pdf(document), content_type="application/pdf")
    # The file name holds the reference and version only – never a name.
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
