from django.urls import path

from . import views

app_name = "crm"

urlpatterns = [
    path("account/messages/", views.message_preferences, name="message_preferences"),
    path("account/profile/", views.profile_edit, name="profile"),
]
