"""The mentions webhook, outside the language-prefixed URLs (shop/urls.py)."""

from django.urls import path

from .webhook import mentions_webhook

app_name = "complaint_mentions"

urlpatterns = [path("webhook/", mentions_webhook, name="webhook")]
