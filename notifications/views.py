from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import user_for_request
from accounts.models import User
from notifications import rules as rules_module
from notifications.content import preference
from notifications.forms import PreferenceForm
from notifications.models import Preference, SweepState
from notifications.unsubscribe import user_for_token


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = user_for_request(request)
    form = PreferenceForm(request.POST or None, instance=preference(user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dina e-postinställningar är sparade."))
        return redirect("notifications:preferences")
    urgent = [rule for rule in rules_module.registered() if rule.urgent]
    return render(request, "notifications/preferences.html", {"form": form, "urgent": urgent})


@csrf_exempt  # RFC 8058 one-click: the mail provider posts without a session; the token
@require_http_methods(["GET", "POST"])  # in the URL is the authorisation.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a confirmation form (link scanners must not unsubscribe anyone);
    POST turns the daily digest off. Urgent notices cannot be turned off."""
    user_id = user_for_token(token)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    done = False
    if request.method == "POST":
        Preference.objects.update_or_create(user=user, defaults={"digest": False})
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done, "token": token})


@never_cache
@require_GET
def healthz_scheduler(request: HttpRequest) -> JsonResponse:
    """When the last sweep succeeded; 503 when that is longer ago than allowed."""
    state = SweepState.objects.filter(name="sweep").first()
    last = state.last_success_at if state else None
    limit = timedelta(minutes=settings.NOTIFICATIONS_SWEEP_MAX_AGE_MINUTES)
    age = (timezone.now() - last).total_seconds() if last else None
    healthy = age is not None and age <= limit.total_seconds()
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "last_sweep": last.isoformat() if last else None,
            "age_seconds": round(age) if age is not None else None,
            "max_age_seconds": int(limit.total_seconds()),
        },
        status=200 if healthy else 503,
    )
