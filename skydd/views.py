from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Start page "Översikt". Later parts add my cases and my follow-ups here."""
    return render(request, "core/overview.html", {})
