from django.urls import path

from . import views

urlpatterns = [
    path("", views.your_data, name="your_data"),
    path("export/", views.export_download, name="privacy_export"),
    path("delete/", views.account_delete, name="account_delete"),
]
