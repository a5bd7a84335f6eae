from django.urls import path

from stats import views

app_name = "statistics"

urlpatterns = [
    path("statistik/", views.statistics_page, name="page"),
    path("statistik/<slug:table>.csv", views.statistics_csv, name="csv"),
]
