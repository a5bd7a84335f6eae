"""URLs of the joint protection plan, mounted in cases/urls.py (namespace ``cases``)."""

from django.urls import path

from cases.plan import views

urlpatterns = [
    path("arenden/<uuid:key>/skyddsplan/", views.plan_detail, name="plan"),
    path("arenden/<uuid:key>/skyddsplan/ny/", views.plan_new, name="plan_new"),
    path("arenden/<uuid:key>/skyddsplan/v<int:number>/", views.plan_version, name="plan_version"),
    path("arenden/<uuid:key>/skyddsplan/v<int:number>/andra/", views.plan_edit, name="plan_edit"),
    path(
        "arenden/<uuid:key>/skyddsplan/v<int:number>/bekrafta/",
        views.plan_confirm,
        name="plan_confirm",
    ),
    path(
        "arenden/<uuid:key>/skyddsplan/v<int:number>/utskrift/",
        views.plan_print,
        name="plan_print",
    ),
    path("arenden/<uuid:key>/skyddsplan/v<int:number>/pdf/", views.plan_pdf, name="plan_pdf"),
    path(
        "arenden/<uuid:key>/skyddsplan/v<int:number>/pdf/skapas/",
        views.plan_pdf_wait,
        name="plan_pdf_wait",
    ),
]
