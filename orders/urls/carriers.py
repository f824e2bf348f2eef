"""Carriers' tracking webhooks: shop/urls.py includes these outside the language prefixes."""

from django.urls import path

from ..views import carriers

app_name = "carriers"

urlpatterns = [
    path("<int:carrier_id>/webhook/", carriers.carrier_webhook, name="webhook"),
]
