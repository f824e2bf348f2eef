from django.urls import include, path

from . import views
from .chat import assistant_views
from .journeys.back_in_stock import views as stock_alert_views
from .journeys.feedback import views as feedback_views
from .staff import views as staff_views

app_name = "crm"

urlpatterns = [
    path("account/messages/", views.message_preferences, name="message_preferences"),
    path("call-me-back/", staff_views.callback_request_page, name="callback_request"),
    # the assistant
    path("chat/<str:token>/assistant/", assistant_views.chat_assistant, name="chat_assistant"),
    path("ask-about-order/", assistant_views.chat_about_order, name="chat_about_order"),
    path("account/profile/", views.profile_edit, name="profile"),
    path("account/your-data/", include("crm.privacy.urls")),
    path("feedback/<str:token>/", feedback_views.survey_page, name="feedback"),
    path("back-in-stock/", stock_alert_views.stock_alert_ask, name="stock_alert_ask"),
    path(
        "back-in-stock/<int:pk>/confirm/<str:token>/",
        stock_alert_views.stock_alert_confirm,
        name="stock_alert_confirm",
    ),
    path(
        "back-in-stock/stop/<str:token>/",
        stock_alert_views.stock_alert_stop,
        name="stock_alert_stop",
    ),
]
