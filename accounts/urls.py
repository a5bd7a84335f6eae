from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.PasswordLoginView.as_view(), name="login"),
    path("login/kod/", views.otp_verify, name="otp"),
    path("login/aktivera/", views.otp_enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("konto/losenord/", views.password_change, name="password_change"),
    path(
        "losenord/lank/<uidb64>/<token>/",
        views.PasswordLinkView.as_view(),
        name="password_link",
    ),
]
