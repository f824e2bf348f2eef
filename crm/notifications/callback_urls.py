"""Provider callbacks: outside the language prefixes, CSRF-exempt, signature-checked."""

from django.urls import path

from . import views

urlpatterns = [
    path("sms/status/", views.sms_status, name="notifications_sms_status"),
    path("sms/inbound/", views.sms_inbound, name="notifications_sms_inbound"),
    path("email/events/", views.email_events, name="notifications_email_events"),
]
