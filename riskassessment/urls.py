from django.urls import path

from riskassessment import views

app_name = "riskassessment"

urlpatterns = [
    path("arenden/<uuid:key>/bedomningar/", views.assessment_list, name="list"),
    path("arenden/<uuid:key>/bedomningar/ny/", views.assessment_start, name="start"),
    path("arenden/<uuid:key>/bedomningar/jamfor/", views.assessment_compare, name="compare"),
    path("arenden/<uuid:key>/bedomningar/<int:pk>/", views.assessment_detail, name="detail"),
    path(
        "arenden/<uuid:key>/bedomningar/<int:pk>/redigera/",
        views.assessment_edit,
        name="edit",
    ),
    path(
        "arenden/<uuid:key>/bedomningar/<int:pk>/slutfor/",
        views.assessment_finalise,
        name="finalise",
    ),
    path(
        "arenden/<uuid:key>/bedomningar/<int:pk>/omprovning/",
        views.assessment_reassess,
        name="reassess",
    ),
    path(
        "arenden/<uuid:key>/bedomningar/<int:pk>/ta-bort/",
        views.assessment_discard,
        name="discard",
    ),
]
