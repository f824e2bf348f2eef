"""The campaigns' public route, outside the language prefix (see links.py for why)."""

from django.urls import path

from .views import campaign_click

urlpatterns = [path("<str:token>/", campaign_click, name="campaign_click")]
