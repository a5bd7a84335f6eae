from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("arenden/", views.case_list, name="list"),
    path("arenden/<uuid:key>/", views.case_detail, name="detail"),
]

from cases.sharing.urls import urlpatterns as sharing_urlpatterns  # noqa: E402

urlpatterns += sharing_urlpatterns
