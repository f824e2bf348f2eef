from django.urls import path

from . import views

urlpatterns = [
    path("cookie-settings/", views.cookie_settings, name="cookie_settings"),
    path("tracking/event/", views.track_event, name="track_event"),
]
