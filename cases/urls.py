from django.urls import path

from cases import views

app_name = "cases"

# Case and person keys are UUIDs; names, personnummer and addresses never enter a URL.
urlpatterns = [
    path("arenden/", views.case_list, name="list"),
    path("arenden/sok/", views.person_search, name="search"),
    path("arenden/nytt/", views.case_create, name="create"),
    path("arenden/<uuid:key>/", views.case_detail, name="detail"),
    path("arenden/<uuid:key>/andra/", views.case_edit, name="edit"),
    path("arenden/<uuid:key>/historik/", views.case_history, name="history"),
    path("arenden/<uuid:key>/journal/ny/", views.journal_add, name="journal_add"),
    path("arenden/<uuid:key>/deltagare/ny/", views.participant_add, name="participant_add"),
    path(
        "arenden/<uuid:key>/deltagare/<int:participant_id>/ta-bort/",
        views.participant_remove,
        name="participant_remove",
    ),
    path(
        "arenden/<uuid:key>/personer/<uuid:person_key>/andra/",
        views.person_edit,
        name="person_edit",
    ),
    path(
        "arenden/<uuid:key>/personer/<uuid:person_key>/boende/nytt/",
        views.dwelling_add,
        name="dwelling_add",
    ),
    path(
        "arenden/<uuid:key>/boende/<int:dwelling_id>/ta-bort/",
        views.dwelling_remove,
        name="dwelling_remove",
    ),
    path("arenden/<uuid:key>/handlaggare/ny/", views.assign_handler, name="assign_handler"),
    path(
        "arenden/<uuid:key>/handlaggare/ta-bort/", views.unassign_handler, name="unassign_handler"
    ),
]

from cases.sharing.urls import urlpatterns as sharing_urlpatterns  # noqa: E402

urlpatterns += sharing_urlpatterns
from cases.casework.urls import urlpatterns as casework_urlpatterns  # noqa: E402

urlpatterns += casework_urlpatterns
from cases.plan.urls import urlpatterns as plan_urlpatterns  # noqa: E402

urlpatterns += plan_urlpatterns
