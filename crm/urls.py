from django.urls import include, path

from . import views
from .chat import assistant_views
from .chat import views as chat_views
from .help import views as help_views
from .journeys.back_in_stock import views as stock_alert_views
from .journeys.feedback import views as feedback_views
from .recommendations import views as recommendation_views
from .staff import views as staff_views

app_name = "crm"

urlpatterns = [
    path("account/messages/", views.message_preferences, name="message_preferences"),
    path("help/", include("crm.help.urls")),
    path("contact/", help_views.contact, name="contact"),
    path("for-you/", recommendation_views.for_you, name="recommendations_for_you"),
    path("call-me-back/", staff_views.callback_request_page, name="callback_request"),
    # live chat
    path("chat/", chat_views.chat_start, name="chat_start"),
    path("chat/<str:token>/", chat_views.chat_window, name="chat"),
    path("chat/<str:token>/poll/", chat_views.chat_poll, name="chat_poll"),
    path("chat/<str:token>/post/", chat_views.chat_post, name="chat_post"),
    path("chat/<str:token>/end/", chat_views.chat_end, name="chat_end"),
    path("chat/<str:token>/rate/", chat_views.chat_rate, name="chat_rate"),
    # the assistant
    path("chat/<str:token>/assistant/", assistant_views.chat_assistant, name="chat_assistant"),
    path("ask-about-order/", assistant_views.chat_about_order, name="chat_about_order"),
    path("account/profile/", views.profile_edit, name="profile"),
    path("account/your-data/", include("crm.privacy.urls")),
    path("", include("crm.tracking.urls")),
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
