from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("installningar/e-post/", views.preferences, name="preferences"),
    path("e-post/avregistrera/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
