from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("account/addresses/", views.address_list, name="address_list"),
    path("account/addresses/new/", views.address_edit, name="address_add"),
    path("account/addresses/<int:pk>/", views.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
]
