from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="new"),
    path("account/complaints/", views.my_complaints, name="list"),
    path("account/complaints/<str:number>/", views.complaint_detail, name="detail"),
    path("account/complaints/<str:number>/reopen/", views.complaint_reopen, name="reopen"),
    path("complaints/t/<str:token>/", views.complaint_guest, name="guest"),
    path("complaints/t/<str:token>/reopen/", views.complaint_guest_reopen, name="guest_reopen"),
]
