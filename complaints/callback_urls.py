"""The desk's provider callbacks: shop/urls.py includes these outside the language prefixes."""

from django.urls import path

from . import webhooks

app_name = "complaints_callbacks"

urlpatterns = [
    path("inbound-email/", webhooks.inbound_email_webhook, name="inbound_email"),
]
