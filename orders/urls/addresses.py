"""The address book under My account."""

from django.urls import path

from ..views import addresses

urlpatterns = [
    path("account/addresses/", addresses.address_list, name="address_list"),
    path("account/addresses/new/", addresses.address_edit, name="address_add"),
    path("account/addresses/<int:pk>/", addresses.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/delete/", addresses.address_delete, name="address_delete"),
]
