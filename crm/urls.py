from django.urls import include, path

from . import views
from .journeys.feedback import views as feedback_views
from .staff import views as staff_views

app_name = "crm"

urlpatterns = [
    path("account/messages/", views.message_preferences, name="message_preferences"),
    path("call-me-back/", staff_views.callback_request_page, name="callback_request"),
    path("account/profile/", views.profile_edit, name="profile"),
    path("account/your-data/", include("crm.privacy.urls")),
    path("feedback/<str:token>/", feedback_views.survey_page, name="feedback"),
]
