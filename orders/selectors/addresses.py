"""Reads of the address book."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shop.models import User

from ..models import Address


def addresses_of(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_of(*, user: User, pk: int) -> Address:
    """The user's own address; another customer's is a 404."""
    return get_object_or_404(Address, pk=pk, user=user)
