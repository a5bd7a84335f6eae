from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

# Apps whose models hold case data. None of their models may appear in the Django admin:
# administrators manage the system but can read no case.
CASE_DATA_APPS = {"cases", "riskassessment", "alarms", "simple_history"}
# Reference data an administrator does manage, even though it lives in a case app.
REFERENCE_DATA = {
    "cases.measurekind",
    "cases.supportorganisation",
    "cases.retentionpolicy",
    "riskassessment.instrument",
    "riskassessment.instrumentpart",
    "riskassessment.factor",
    "riskassessment.summaryjudgementdefinition",
    "riskassessment.ratingscale",  # its steps are inline
    # Device kinds and their checks (inline); devices themselves are police-internal: an
    # administrator never sees a serial, IMEI or SIM number.
    "alarms.devicekind",
}


def test_no_case_data_model_is_registered_in_the_admin() -> None:
    registered = {m._meta.label_lower for m in admin.site._registry}
    case_models = {
        m._meta.label_lower for m in apps.get_models() if m._meta.app_label in CASE_DATA_APPS
    }
    leaked = (registered & case_models) - REFERENCE_DATA
    assert not leaked


@pytest.mark.django_db
def test_admin_manages_users_and_organisations(login, admin) -> None:
    client = login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/organisation/").status_code == 200


@pytest.mark.django_db
def test_handler_cannot_enter_the_admin(login, handler) -> None:
    response = login(handler).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
