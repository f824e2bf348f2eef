"""Forgotten cart: a signed-in customer's cart with lines, left alone for a while, gets one
reminder listing its lines at today's prices, with a link back to it.

Dedupe key `abandoned-cart:<cart id>`: at placement the cart row is closed (`ordered`) and the
customer's next item opens a new cart row, so a cart id names one filling; once reminded, a
cart is not reminded again however often it is left. The send-time check suppresses the
reminder when the cart was ordered (or emptied) between queueing and sending.
"""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.notifications.kinds import EditableText, MessageKind, register_kind
from crm.notifications.models import Category, Channel, ConsentCurrent, Message, Status
from crm.notifications.send_checks import register_send_check
from crm.notifications.services import notification_send
from orders import selectors as order_selectors
from orders.models import Cart, CartLine, CartStatus

from .registry import Journey, register_journey
from .selectors import journey_enabled
from .services import RunTally, journey_run

JOURNEY = "abandoned_cart"
KIND = "abandoned_cart"
SUBJECT = "cart"


def dedupe_key(cart_id: int) -> str:
    return f"abandoned-cart:{cart_id}"


# --- Who is due ---------------------------------------------------------------------------------


def forgotten_carts(*, now: datetime) -> list[Cart]:
    """Signed-in customers' open carts with lines, untouched for `JOURNEY_CART_IDLE_HOURS` (but
    not longer than `JOURNEY_CART_MAX_IDLE_DAYS`: switching the journey on does not wake old
    carts), not yet reminded; one query, oldest first (the stale-cart index)."""
    idle_since = now - timedelta(hours=settings.JOURNEY_CART_IDLE_HOURS)
    oldest = now - timedelta(days=settings.JOURNEY_CART_MAX_IDLE_DAYS)
    reminded = Message.objects.filter(
        subject_type=SUBJECT, subject_id=Cast(OuterRef("pk"), CharField()), kind=KIND
    )
    return list(
        Cart.objects.filter(
            status=CartStatus.OPEN,
            updated_at__lte=idle_since,
            updated_at__gt=oldest,
            user__isnull=False,
            user__is_active=True,
        )
        .filter(Exists(CartLine.objects.filter(cart=OuterRef("pk"))))
        .exclude(Exists(reminded))
        .select_related("user", "coupon")
        .order_by("updated_at", "pk")
    )


# --- The reminder -------------------------------------------------------------------------------


def cart_url(*, language: str) -> str:
    """The absolute link to the cart for a message: the customer signs in (if not already) and
    lands on it."""
    with translation.override(language):
        path = reverse("orders:cart")
        login = reverse("account_login")
    return f"{settings.SITE_URL}{login}?{urlencode({'next': path})}"


def reminder_context(*, cart: Cart) -> dict | None:
    """The cart as its page would show it now (the shop's own cart read and pricing), in the
    customer's language; None when nothing in it can be bought any more."""
    user = cart.user
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        lines = order_selectors.cart_lines(cart=cart)
        if not lines:
            return None
        priced = order_selectors.cart_quote(
            cart=cart, lines=lines, user=user, with_payment=False
        ).priced
        if all(state.problem == "unavailable" for state in priced.lines):
            return None
        return {
            "lines": [
                {
                    "name": str(state.line.variant.product.name),
                    "options": state.line.options or "",
                    "quantity": state.line.quantity,
                    "unit_price": state.unit_price,
                    "total": state.gross,
                    # Cheaper than when it went into the cart: worth saying.
                    "was_price": (
                        state.line.seen_price if state.unit_price < state.line.seen_price else None
                    ),
                    "unavailable": state.problem == "unavailable",
                }
                for state in priced.lines
            ],
            "items_total": priced.items_total,
            "discount": priced.totals.discount,
            "currency": settings.SHOP_CURRENCY,
            "action_url": cart_url(language=language),
            "action_label": _("Go to your cart"),
        }


def cart_remind(*, cart: Cart) -> bool:
    """Queue the cart's one reminder (marketing: consent, cap and quiet hours are the outbox's);
    True when a message is on its way, False when it was skipped (and counted) or is not due."""
    context = reminder_context(cart=cart)
    if context is None:
        return False
    with transaction.atomic():
        rows = notification_send(
            to=cart.user,
            kind=KIND,
            context=context,
            subject=(SUBJECT, cart.pk),
            dedupe_key=dedupe_key(cart.pk),
        )
    return any(row.status in (Status.QUEUED, Status.DEFERRED) for row in rows)


def abandoned_carts_sweep(*, now: datetime | None = None) -> RunTally | None:
    """The hourly job: remind each forgotten cart once; safe to run twice or after a worker
    died mid-run (a reminded cart is not a candidate again). None when switched off."""
    if not journey_enabled(JOURNEY):
        return None
    now = now or timezone.now()
    with journey_run(JOURNEY) as tally:
        for cart in forgotten_carts(now=now):
            tally.examined += 1
            if cart_remind(cart=cart):
                tally.queued += 1
    return tally


# --- At send time -------------------------------------------------------------------------------


def cart_still_forgotten(message: Message) -> str:
    """The send-time check: why the reminder must not go out now, or ""."""
    if message.subject_type != SUBJECT:
        return ""
    cart = Cart.objects.filter(pk=message.subject_id).only("status").first()
    if cart is None:
        return "cart gone"
    if cart.status == CartStatus.ORDERED:
        return "cart ordered"
    if cart.status != CartStatus.OPEN:
        return "cart closed"
    if not CartLine.objects.filter(cart_id=cart.pk).exists():
        return "cart emptied"
    return ""


# --- Staff figures ------------------------------------------------------------------------------


def unreachable_carts() -> dict[str, int]:
    """Open carts with lines the journey cannot remind now: guests', and those of customers
    without email consent; one query."""
    consented = ConsentCurrent.objects.filter(
        user=OuterRef("user_id"), channel=Channel.EMAIL, granted=True
    )
    figures = Cart.objects.filter(
        Exists(CartLine.objects.filter(cart=OuterRef("pk"))), status=CartStatus.OPEN
    ).aggregate(
        guest=Count("pk", filter=Q(user__isnull=True)),
        no_consent=Count("pk", filter=Q(user__isnull=False) & ~Q(Exists(consented))),
    )
    return {
        "guest carts (out of scope)": figures["guest"],
        "no consent": figures["no_consent"],
    }


# --- Registration -------------------------------------------------------------------------------


def register() -> None:
    register_kind(
        MessageKind(
            KIND,
            Category.MARKETING,
            # Email only: the reminder is its list of lines, and a text message about a cart
            # left for a few hours is more pestering than helpful.
            (Channel.EMAIL,),
            sample_context={
                "first_name": "Ayşe",
                "lines": [
                    {
                        "name": "Bakır cezve",
                        "options": "",
                        "quantity": 1,
                        "unit_price": "349.90",
                        "total": "349.90",
                    },
                    {
                        "name": "Türk kahvesi 250 g",
                        "options": "",
                        "quantity": 2,
                        "unit_price": "89.90",
                        "total": "179.80",
                    },
                ],
                "items_total": "529.70",
                "discount": "0",
                "currency": "TRY",
                "action_url": "https://dukkan.example/cart/",
            },
            text=EditableText(
                subject=gettext_lazy("You left something in your cart"),
                body=gettext_lazy(
                    "Hello {first_name},\n\n"
                    "You left a few things in your cart at {site_name}. We kept them for you; "
                    "here they are at today's prices. Stock is limited, so finish your order "
                    "while they are still there."
                ),
                placeholders=("first_name", "site_name"),
            ),
        )
    )
    register_send_check(KIND, cart_still_forgotten)
    register_journey(
        Journey(
            name=JOURNEY,
            title=gettext_lazy("Forgotten cart"),
            description=gettext_lazy(
                "One reminder of a signed-in customer's cart left for a few hours, with its "
                "items at today's prices; not sent if the cart was ordered meanwhile."
            ),
            kinds=(KIND,),
            job="journey-abandoned-carts",
            unreachable=unreachable_carts,
        )
    )
