from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/notifications/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("account/notifications/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("account/notifications/status/", views.push_status, name="push_status"),
    path("account/notifications/off/", views.push_off, name="push_off"),
]
