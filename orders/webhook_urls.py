from django.urls import path

from . import webhooks

app_name = "carriers"

urlpatterns = [
    path("<int:carrier_id>/webhook/", webhooks.carrier_webhook, name="webhook"),
]
