"""Mounted into cases/urls.py, so the names are ``cases:<name>``. No personal data in paths:
cases by their random key, disclosures by their number."""

from django.urls import path

from cases.sharing import logviews, views

urlpatterns = [
    path(
        "arenden/<uuid:key>/utlamnanden/nytt/",
        views.disclosure_create,
        name="disclosure_create",
    ),
    path(
        "arenden/<uuid:key>/utlamnanden/<int:pk>/aterkalla/",
        views.disclosure_withdraw,
        name="disclosure_withdraw",
    ),
    path(
        "arenden/<uuid:key>/utlamnanden/<int:pk>/handlaggare/",
        views.disclosure_handlers,
        name="disclosure_handlers",
    ),
    path("arenden/<uuid:key>/nodatkomst/", views.break_glass, name="break_glass"),
    path("arenden/<uuid:key>/atkomstlogg/", logviews.case_access_log, name="access_log"),
    path("delade-arenden/", views.shared_cases, name="shared_cases"),
    path("atkomstlogg/", logviews.access_report, name="access_report"),
    path("atkomstlogg/nodatkomster/", logviews.break_glass_list, name="break_glass_list"),
    path(
        "atkomstlogg/nodatkomster/<int:pk>/granska/",
        logviews.break_glass_review,
        name="break_glass_review",
    ),
]
