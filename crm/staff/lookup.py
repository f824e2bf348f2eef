"""The call-centre console's search: one box for a phone number (any written form), an email,
an order number or a name; accounts and guests' orders, two indexed queries.

Indexes used: shop_user.email (unique), shop_user_phone_idx, the PostgreSQL trigram indexes
on the folded first and last names (shop 0005, shop.db.FoldedText), orders_order.number (unique),
orders_order_email_ci_idx (UPPER(email)), orders_order_phone_idx.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse

from orders.models import Order
from shop.db import FoldedText
from shop.models import User
from shop.phones import normalize_phone
from shop.text import fold

from .exceptions import LookupRefused

RESULTS_LIMIT = 50
_ORDER_NUMBER = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{2,}(-[A-Za-z0-9]+)*$")
_PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")


@dataclass
class LookupResult:
    query: str
    kind: str  # "phone", "email", "order", "name" or "" (nothing to search)
    normalized: str = ""
    accounts: list[User] = field(default_factory=list)
    guest_orders: list[Order] = field(default_factory=list)

    @property
    def single_account(self) -> User | None:
        return self.accounts[0] if len(self.accounts) == 1 else None


def customer_360_url(user_id: int) -> str:
    """Where a found customer opens: their customer 360."""
    return reverse("admin:crm_customer360", args=[user_id])


def query_kind(query: str) -> str:
    query = query.strip()
    if not query:
        return ""
    if "@" in query:
        return "email"
    if _ORDER_NUMBER.match(query):
        return "order"
    if _PHONE_LIKE.match(query) and sum(ch.isdigit() for ch in query) >= 7:
        return "phone"
    return "name"


def customer_lookup(*, query: str) -> LookupResult:
    """Accounts and guests' orders matching what an agent typed (at most two queries)."""
    kind = query_kind(query)
    query = query.strip()
    if kind == "phone":
        return phone_lookup(phone=query)
    if kind == "email":
        return _email_lookup(query)
    if kind == "order":
        return _order_lookup(query)
    if kind == "name":
        return _name_lookup(query)
    return LookupResult(query=query, kind="")


def phone_lookup(*, phone: str) -> LookupResult:
    """By phone: accounts with that number (or orders placed with it), guests' orders with it."""
    try:
        e164 = normalize_phone(phone)
    except ValidationError as error:
        raise LookupRefused(error.messages[0]) from None
    ordered_with = Order.objects.filter(phone=e164, user__isnull=False).values("user_id")
    return _result(
        phone,
        "phone",
        e164,
        accounts=Q(phone=e164) | Q(pk__in=ordered_with),
        guest_orders=Q(phone=e164),
    )


def _email_lookup(query: str) -> LookupResult:
    email = query.lower()
    ordered_with = Order.objects.filter(email__iexact=email, user__isnull=False).values("user_id")
    return _result(
        query,
        "email",
        email,
        accounts=Q(email=email) | Q(pk__in=ordered_with),
        guest_orders=Q(email__iexact=email),
    )


def _order_lookup(query: str) -> LookupResult:
    number = query.upper()
    with_number = Order.objects.filter(number=number, user__isnull=False).values("user_id")
    return _result(
        query, "order", number, accounts=Q(pk__in=with_number), guest_orders=Q(number=number)
    )


def _name_lookup(query: str) -> LookupResult:
    """Each word in the first or the last name, Turkish letters folded on both sides ("ayse
    yilmaz" finds "Ayşe Yılmaz")."""
    words = [fold(word) for word in query.split()[:4]]
    accounts = Q()
    for word in words:
        accounts &= Q(first_folded__contains=word) | Q(last_folded__contains=word)
    return _result(
        query,
        "name",
        " ".join(words),
        accounts=accounts,
        guest_orders=None,
        folded_names=True,
    )


def _result(
    query: str,
    kind: str,
    normalized: str,
    *,
    accounts: Q,
    guest_orders: Q | None,
    folded_names: bool = False,
) -> LookupResult:
    users = User.objects.all()
    if folded_names:
        users = users.annotate(
            first_folded=FoldedText("first_name"), last_folded=FoldedText("last_name")
        )
    found = list(
        users.filter(accounts)
        .only("pk", "email", "first_name", "last_name", "phone", "date_joined", "is_active")
        .order_by("-date_joined")[:RESULTS_LIMIT]
    )
    guests = []
    if guest_orders is not None:
        guests = list(
            Order.objects.filter(guest_orders, user__isnull=True)
            .only(
                "pk",
                "number",
                "email",
                "phone",
                "status",
                "total",
                "currency",
                "placed_at",
                "billing_address",
            )
            .order_by("-placed_at")[:RESULTS_LIMIT]
        )
    return LookupResult(
        query=query, kind=kind, normalized=normalized, accounts=found, guest_orders=guests
    )
