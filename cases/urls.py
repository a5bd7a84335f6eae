from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("arenden/", views.case_list, name="list"),
    path("arenden/<uuid:key>/", views.case_detail, name="detail"),
]

from cases.plan.urls import urlpatterns as plan_urlpatterns  # noqa: E402

urlpatterns += plan_urlpatterns
