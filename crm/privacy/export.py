"""The data export's sections: everything the shop keeps about one account, each section read
with `values()` in a fixed number of queries however long the history (orders and messages
stream)."""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from catalog.models import Category, ProductAnswer, ProductQuestion, Review
from crm.models import (
    Callback,
    ChatMessage,
    Conversation,
    CustomerProfile,
    CustomerStats,
    Interaction,
)
from crm.notifications.models import Consent, Message, PushSubscription
from orders.geo import PROVINCES
from orders.models import Address, Coupon, Order, OrderEvent, OrderLine, Return
from payments.models import BalanceEntry, SavedCard, Tab
from payments.selectors import money_held
from payments.services.points import points_balance, points_statement
from shop.models import User
from shop.money import format_money

# --- Export -------------------------------------------------------------------------------


def export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
    }


def export_consents(user: User) -> list[dict[str, Any]]:
    """Every consent decision, newest first (the history, not only the current state)."""
    return list(
        Consent.objects.filter(user=user)
        .order_by("-created_at", "-pk")
        .values(
            "channel", "granted", "recipient", "source", "text_version", "ip_address", "created_at"
        )
    )


def export_push_subscriptions(user: User) -> list[dict[str, Any]]:
    """The browsers that receive the account's notifications."""
    return list(
        PushSubscription.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("endpoint", "user_agent", "created_at", "last_used_at")
    )


def export_addresses(user: User) -> list[dict[str, Any]]:
    return list(
        Address.objects.filter(user=user)
        .order_by("pk")
        .values(
            "label", "full_name", "phone", "country", "province", "district", "neighbourhood",
            "street", "postal_code", "billing_type", "national_id", "company_name", "tax_office",
            "tax_number", "is_default_shipping", "is_default_billing", "created_at",
        )
    )  # fmt: skip


def export_orders(user: User) -> Iterator[dict[str, Any]]:
    """Orders with their lines, events, returns and invoice number: four queries, streamed."""
    orders = list(
        Order.objects.filter(user=user)
        .order_by("placed_at", "pk")
        .values(
            "pk", "number", "placed_at", "status", "cancel_reason", "payment_method",
            "payment_status", "currency", "subtotal", "discount", "shipping", "fees", "vat",
            "total", "email", "phone", "shipping_address", "billing_address", "shipping_method",
            "coupon_code", "source", "invoice__number",
        )
    )  # fmt: skip
    lines: dict[int, list[dict]] = defaultdict(list)
    for line in (
        OrderLine.objects.filter(order__user=user)
        .order_by("order_id", "pk")
        .values(
            "order_id", "product_name", "variant_name", "sku", "quantity", "unit_price",
            "vat_rate", "discount", "total",
        )
    ):  # fmt: skip
        lines[line.pop("order_id")].append(line)
    events: dict[int, list[dict]] = defaultdict(list)
    for event in (
        OrderEvent.objects.filter(order__user=user)
        .order_by("order_id", "created_at", "pk")
        .values("order_id", "from_status", "to_status", "kind", "created_at")
    ):
        events[event.pop("order_id")].append(event)
    returns: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Return.objects.filter(order__user=user)
        .order_by("order_id", "requested_at", "pk")
        .values(
            "order_id", "number", "kind", "status", "reason_code", "reason", "amount",
            "currency", "requested_at", "refunded_at",
        )
    ):  # fmt: skip
        returns[row.pop("order_id")].append(row)
    for order in orders:
        pk = order.pop("pk")
        order["invoice_number"] = order.pop("invoice__number") or ""
        yield {**order, "lines": lines[pk], "events": events[pk], "returns": returns[pk]}


def messages_of(user: User) -> QuerySet[Message]:
    """Messages sent to the customer: by their account and about their orders (order messages
    to a customer without a phone are stored against the order)."""
    order_ids = (
        Order.objects.filter(user=user)
        .annotate(id_text=Cast("pk", output_field=CharField()))
        .values("id_text")
    )
    return Message.objects.filter(Q(user=user) | Q(subject_type="order", subject_id__in=order_ids))


def export_messages(user: User) -> Iterator[dict[str, Any]]:
    yield from (
        messages_of(user)
        .order_by("created_at", "pk")
        .values(
            "kind", "channel", "category", "recipient", "subject_line", "body_text", "status",
            "subject_type", "subject_id", "created_at", "sent_at",
        )
        .iterator(chunk_size=500)
    )  # fmt: skip


def export_reviews(user: User) -> list[dict[str, Any]]:
    return list(
        Review.objects.filter(user=user)
        .order_by("pk")
        .values("product__name", "rating", "body", "status", "created_at")
    )


def export_product_questions(user: User) -> dict[str, list[dict[str, Any]]]:
    """The questions a customer asked (signed in) and the answers they wrote."""
    return {
        "questions": list(
            ProductQuestion.objects.filter(user=user)
            .order_by("pk")
            .values("product__name", "body", "status", "created_at")
        ),
        "answers": list(
            ProductAnswer.objects.filter(user=user)
            .order_by("pk")
            .values("question__product__name", "question__body", "body", "status", "created_at")
        ),
    }


def export_balance(user: User) -> dict[str, Any]:
    """The prepaid balance and its whole statement, oldest first."""
    held = money_held(user=user)
    entries = list(
        BalanceEntry.objects.filter(account__user=user)
        .order_by("created_at", "pk")
        .values("created_at", "kind", "amount", "currency", "reason", "payment__order__number")
    )
    return {
        "balance": held.balance,
        "balance_shown": format_money(held.balance),
        "entries": entries,
    }


def export_points(user: User) -> dict[str, Any]:
    """Loyalty points held now and every movement of the points account, newest first."""
    return {
        "balance": points_balance(user_id=user.pk),
        "entries": list(
            points_statement(user_id=user.pk).values(
                "created_at", "kind", "points", "expires_at", "reason", "order__number"
            )
        ),
    }


def export_tabs(user: User) -> list[dict[str, Any]]:
    return list(
        Tab.objects.filter(user=user)
        .order_by("opened_at", "pk")
        .values("status", "currency", "opened_at", "settled_at")
    )


def export_saved_cards(user: User) -> list[dict[str, Any]]:
    """Brand and last four digits only (the card number never reaches the shop)."""
    return list(SavedCard.objects.filter(user=user).order_by("pk").values("brand", "last4"))


def export_profile(user: User) -> dict[str, Any]:
    """What the customer told us on the profile page (empty when they never saved it)."""
    profile = (
        CustomerProfile.objects.filter(user=user)
        .values(
            "birth_date", "gender", "gender_in_offers", "city", "interest_tags",
            "preferred_channel", "created_at", "updated_at",
        )
        .first()
    )  # fmt: skip
    if profile is None:
        return {}
    profile["city_name"] = PROVINCES.get(profile["city"], "")
    profile["interest_categories"] = list(
        Category.objects.filter(interested_profiles__user=user)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    return profile


def interactions_of_account(user: User) -> QuerySet[Interaction]:
    """Contacts logged for the account, and about its orders (a call about an order logged
    without naming the customer is still theirs). Guest contacts are not the account's."""
    return Interaction.objects.filter(Q(customer=user) | Q(customer=None, order__user=user))


def callbacks_of_account(user: User) -> QuerySet[Callback]:
    """Callback requests made signed in, and those about the account's orders made signed out
    (the order number and the order's phone matched)."""
    return Callback.objects.filter(Q(customer=user) | Q(customer=None, order__user=user))


def export_interactions(user: User) -> list[dict[str, Any]]:
    """Our record of each contact: channel, direction, what was said, how it ended."""
    return list(
        interactions_of_account(user)
        .order_by("created_at", "pk")
        .values(
            "created_at", "channel", "direction", "contact_email", "contact_phone", "summary",
            "outcome", "recording_ref", "order__number", "subject_type", "subject_id",
        )
    )  # fmt: skip


def chats_of_account(user: User) -> QuerySet[Conversation]:
    """Chats started signed in, and those about the account's orders started as a guest."""
    return Conversation.objects.filter(Q(customer=user) | Q(customer=None, order__user=user))


def export_chats(user: User) -> list[dict[str, Any]]:
    """Each chat with what was written in it (while the transcript is kept), in two queries."""
    chats = list(
        chats_of_account(user)
        .order_by("started_at", "pk")
        .values(
            "pk", "started_at", "ended_at", "status", "ended_reason", "guest_email", "guest_name",
            "order__number", "rating", "ticket_number",
        )
    )  # fmt: skip
    said: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for message in (
        ChatMessage.objects.filter(conversation_id__in=[chat["pk"] for chat in chats])
        .order_by("pk")
        .values("conversation_id", "created_at", "author", "body")
    ):
        said[message.pop("conversation_id")].append(message)
    for chat in chats:
        chat["messages"] = said.get(chat.pop("pk"), [])
    return chats


def export_callbacks(user: User) -> list[dict[str, Any]]:
    return list(
        callbacks_of_account(user)
        .order_by("created_at", "pk")
        .values(
            "created_at", "name", "phone", "language", "topic", "order_number", "window_start",
            "window_end", "status", "closed_at",
        )
    )  # fmt: skip


def export_personal_coupons(user: User) -> list[dict[str, Any]]:
    """Coupons made for this customer only (birthday, goodwill), used or not."""
    return list(
        Coupon.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values(
            "code", "kind", "value", "min_basket", "starts_at", "ends_at", "is_active",
            "times_used", "reason", "created_at",
        )
    )  # fmt: skip


def export_customer_stats(user: User) -> dict[str, Any]:
    """The figures we keep about the customer's orders (lifetime value, counts, dates)."""
    return (
        CustomerStats.objects.filter(user=user)
        .values(
            "currency", "lifetime_value", "orders_count", "first_order_at", "last_order_at",
            "returns_count", "cancellations_count", "updated_at",
        )
        .first()
    ) or {}  # fmt: skip
