"""Case-work URLs, appended to cases/urls.py (names are "cases:<name>").

Only case keys (UUIDs) and row ids appear in paths: never names or other personal data.
"""

from django.urls import path

from cases.casework import views

C = "arenden/<uuid:key>/"

urlpatterns = [
    path(f"{C}arendearbete/", views.casework_page, name="casework"),
    path(f"{C}atgarder/ny/", views.measure_add, name="measure_add"),
    path(f"{C}atgarder/<int:pk>/", views.measure_edit, name="measure_edit"),
    path(f"{C}atgarder/<int:pk>/avsluta/", views.measure_end, name="measure_end"),
    path(f"{C}atgarder/<int:pk>/avbojd/", views.measure_decline, name="measure_decline"),
    path(f"{C}kontaktforbud/nytt/", views.contact_ban_add, name="contact_ban_add"),
    path(f"{C}kontaktforbud/<int:pk>/", views.contact_ban_edit, name="contact_ban_edit"),
    path(
        f"{C}kontaktforbud/<int:pk>/overtradelse/",
        views.contact_ban_breach_add,
        name="contact_ban_breach_add",
    ),
    path(f"{C}uppfoljningar/ny/", views.followup_add, name="followup_add"),
    path(f"{C}uppfoljningar/<int:pk>/", views.followup_edit, name="followup_edit"),
    path(f"{C}uppfoljningar/<int:pk>/utford/", views.followup_complete, name="followup_complete"),
    path(f"{C}stod/information/", views.support_info_add, name="support_info_add"),
    path(f"{C}stod/hanvisning/", views.referral_add, name="referral_add"),
    path(f"{C}avsluta/", views.case_close, name="case_close"),
    path(f"{C}ateroppna/", views.case_reopen, name="case_reopen"),
    path(f"{C}avsluta/anteckning/", views.closing_note_add, name="closing_note_add"),
    path(f"{C}bevarande/", views.legal_hold, name="legal_hold"),
    path(f"{C}bevarande/hav/", views.legal_hold_remove, name="legal_hold_remove"),
    path("att-gora/", views.todo, name="todo"),
]
