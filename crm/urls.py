from django.urls import include, path

from . import views

app_name = "crm"

urlpatterns = [
    path("account/messages/", views.message_preferences, name="message_preferences"),
    path("account/your-data/", include("crm.privacy.urls")),
]
