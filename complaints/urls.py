from django.urls import path

from . import attachment_views, views
from .satisfaction import views as satisfaction_views

app_name = "complaints"

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="new"),
    path("account/complaints/", views.my_complaints, name="list"),
    path("account/complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("account/complaints/<str:number>/reopen/", views.complaint_reopen, name="reopen"),
    path("complaints/t/<str:token>/", views.complaint_guest, name="guest"),
    path("complaints/t/<str:token>/reopen/", views.complaint_guest_reopen, name="guest_reopen"),
    path("complaints/survey/<str:token>/", satisfaction_views.survey_page, name="survey"),
    path(
        "account/complaints/<str:number>/photos/<int:pk>/",
        attachment_views.customer_attachment,
        name="attachment",
    ),
    path(
        "complaints/t/<str:token>/photos/<int:pk>/",
        attachment_views.guest_attachment,
        name="guest_attachment",
    ),
]
