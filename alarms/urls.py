"""URLs of alarm equipment. Devices by their opaque key; loans by case key and loan key."""

from django.urls import path

from alarms import loan_views, views

app_name = "alarms"

LOAN = "arenden/<uuid:key>/larm/<uuid:loan>/"

urlpatterns = [
    path("larm/", views.inventory, name="inventory"),
    path("larm/enheter/ny/", views.device_add, name="device_add"),
    path("larm/enheter/<uuid:key>/", views.device_detail, name="device"),
    path("larm/enheter/<uuid:key>/andra/", views.device_edit, name="device_edit"),
    path("larm/enheter/<uuid:key>/kontroll/", views.device_check, name="device_check"),
    path("larm/enheter/<uuid:key>/status/", views.device_status, name="device_status"),
    path("arenden/<uuid:key>/larm/nytt-lan/", loan_views.loan_new, name="loan_new"),
    path(LOAN, loan_views.loan_detail, name="loan"),
    path(LOAN + "oversyn/", loan_views.loan_review, name="loan_review"),
    path(LOAN + "aterlamna/", loan_views.loan_return, name="loan_return"),
    path(LOAN + "forlorad/", loan_views.loan_lost, name="loan_lost"),
    path(LOAN + "kvittera/", loan_views.loan_acknowledge, name="loan_acknowledge"),
    path(LOAN + "larmhandelse/", loan_views.loan_event, name="loan_event"),
    path(LOAN + "kvittens.pdf", loan_views.loan_receipt, name="loan_receipt"),
]
