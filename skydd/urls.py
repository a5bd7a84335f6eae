from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from notifications import views as notification_views
from skydd import health, views

admin.site.site_header = "Skydd – administration"
admin.site.site_title = "Skydd"
admin.site.index_title = "Användare, organisationer och referensdata"

core_patterns = ([path("", views.overview, name="overview")], "core")

urlpatterns = [
    path("", include(core_patterns)),
    path("", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("riskassessment.urls")),
    path("", include("stats.urls")),
    path("", include("alarms.urls")),
    path("", include("notifications.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/scheduler", notification_views.healthz_scheduler, name="healthz_scheduler"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(f"{settings.ADMIN_URL_PREFIX}/", admin.site.urls),
]
