from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.PasswordLoginView.as_view(), name="login"),
    path("login/kod/", views.otp_verify, name="otp"),
    path("login/aktivera/", views.otp_enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
]
