"""The export sections, erasure steps and kept columns of everything on main: account, consents,
addresses, orders, messages, reviews, balance, tabs, saved cards, sign-in addresses.

Each section reads with `values()` in a fixed number of queries, however long the history.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from catalog.models import Review
from catalog.services import reviews_remove_of
from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services.consent import consent_is_given, consent_set
from orders.models import Address, CouponRedemption, Order, OrderEvent, OrderLine
from payments.methods.wallet.services import saved_cards_forget_all
from payments.models import BalanceEntry, SavedCard, Tab
from payments.selectors import money_held
from shop.models import User
from shop.money import ZERO, format_money

from .registry import (
    Kept,
    register_erasure_refusal,
    register_erasure_step,
    register_export_section,
    register_kept,
)

ERASED_EMAIL = "deleted-{id}@invalid"

TAX_LAW = (
    "Tax Procedure Law (VUK art. 253) and Turkish Commercial Code (TTK art. 82): orders and "
    "invoices with the buyer as invoiced are kept for 10 years"
)


def erased_email(user: User) -> str:
    return ERASED_EMAIL.format(id=user.pk)


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
    """Orders with their lines, events and invoice number: three queries, streamed."""
    orders = list(
        Order.objects.filter(user=user)
        .order_by("placed_at", "pk")
        .values(
            "pk", "number", "placed_at", "status", "cancel_reason", "payment_method",
            "payment_status", "currency", "subtotal", "discount", "shipping", "fees", "vat",
            "total", "email", "phone", "shipping_address", "billing_address", "shipping_method",
            "coupon_code", "invoice__number",
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
    for order in orders:
        pk = order.pop("pk")
        order["invoice_number"] = order.pop("invoice__number") or ""
        yield {**order, "lines": lines[pk], "events": events[pk]}


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


def export_tabs(user: User) -> list[dict[str, Any]]:
    return list(
        Tab.objects.filter(user=user)
        .order_by("opened_at", "pk")
        .values("status", "currency", "opened_at", "settled_at")
    )


def export_saved_cards(user: User) -> list[dict[str, Any]]:
    """Brand and last four digits only (the card number never reaches the shop)."""
    return list(SavedCard.objects.filter(user=user).order_by("pk").values("brand", "last4"))


# --- Erasure --------------------------------------------------------------------------------


def refuse_while_money_held(user: User, erasing: bool) -> str:
    """While erasing, the balance and the tab stay locked until the erasure commits."""
    held = money_held(user=user, lock=erasing)
    if held.balance != ZERO:
        return _(
            "Your prepaid balance is %(amount)s. Please spend it or ask us to refund it before "
            "deleting your account."
        ) % {"amount": format_money(held.balance)}
    if held.tab_status and (held.tab_status != Tab.Status.OPEN or held.tab_total > ZERO):
        return _(
            "Your tab has not been paid yet. Please pay it on the “My tab” page before deleting "
            "your account."
        )
    return ""


def refuse_staff(user: User, erasing: bool) -> str:
    if user.is_staff or user.is_superuser:
        return _("Staff accounts are closed by an administrator, not from this page.")
    return ""


def erase_consents(user: User) -> int:
    """Marketing stops at once: every channel withdrawn, recorded with the erasure as source.

    Runs before the email and phone are blanked, so each withdrawal names the address it was for.
    """
    withdrawn = 0
    for channel in Channel.values:
        if consent_is_given(user=user, channel=channel) and consent_set(
            user=user, channel=channel, granted=False, source=Consent.Source.ERASURE
        ):
            withdrawn += 1
    return withdrawn


def erase_messages(user: User) -> int:
    """Recipients and texts scrubbed; what was still waiting to go out never goes."""
    messages = messages_of(user)
    Message.objects.filter(
        pk__in=messages.filter(status__in=[Status.QUEUED, Status.DEFERRED]).values("pk")
    ).update(status=Status.SUPPRESSED, status_reason="account erased")
    return Message.objects.filter(pk__in=messages.values("pk")).update(
        recipient="", subject_line="", body_text="", body_html="", last_error=""
    )


def erase_addresses(user: User) -> int:
    removed, _per_model = Address.objects.filter(user=user).delete()
    return removed


def erase_saved_cards(user: User) -> int:
    return saved_cards_forget_all(user=user, customer_email=erased_email(user))


def erase_reviews(user: User) -> int:
    return reviews_remove_of(user_id=user.pk)


def erase_sign_in_addresses(user: User) -> int:
    """allauth's email addresses (and social accounts, if that app is ever installed)."""
    removed, _per_model = EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        social = apps.get_model("socialaccount", "SocialAccount")
        removed += social.objects.filter(user=user).delete()[0]
    return removed


def erase_coupon_redemptions(user: User) -> int:
    """A coupon use stays with its order; the email it was checked against is replaced."""
    return CouponRedemption.objects.filter(Q(user=user) | Q(order__user=user)).update(
        email=erased_email(user)
    )


def register_all() -> None:
    register_export_section("account", export_account)
    register_export_section("consents", export_consents)
    register_export_section("addresses", export_addresses)
    register_export_section("orders", export_orders)
    register_export_section("messages", export_messages)
    register_export_section("reviews", export_reviews)
    register_export_section("balance", export_balance)
    register_export_section("tabs", export_tabs)
    register_export_section("saved_cards", export_saved_cards)

    register_erasure_refusal("staff", refuse_staff)
    register_erasure_refusal("money", refuse_while_money_held)

    register_erasure_step("consents", erase_consents)
    register_erasure_step("messages", erase_messages)
    register_erasure_step("addresses", erase_addresses)
    register_erasure_step("saved_cards", erase_saved_cards)
    register_erasure_step("reviews", erase_reviews)
    register_erasure_step("sign_in_addresses", erase_sign_in_addresses)
    register_erasure_step("coupon_redemptions", erase_coupon_redemptions)

    for kept in KEPT:
        register_kept(kept)


KEPT = [
    Kept(
        "orders_order",
        ("email", "phone", "shipping_address", "billing_address"),
        f"the order as placed: {TAX_LAW}.",
    ),
    Kept("orders_invoice", ("buyer",), f"the buyer as invoiced: {TAX_LAW}."),
    Kept(
        "orders_orderdocument",
        ("text",),
        "the pre-information form and distance sales contract as accepted (they name the buyer): "
        "Distance Contracts Regulation art. 18, kept for 3 years, longer with the order.",
    ),
    Kept(
        "notifications_consent",
        ("recipient",),
        "proof of each consent and withdrawal (address, channel, time, source, text version): "
        "Law No. 6563 and the İYS rules require the shop to prove consent for 3 years after it "
        "ends; the last row is the withdrawal made by the erasure.",
    ),
    Kept(
        "notifications_suppression",
        ("address",),
        "addresses that bounced or complained: kept so that they never receive marketing again.",
    ),
    Kept(
        "payments_echeck",
        ("payee", "account_holder", "signer_name"),
        f"an e-check paid with is a payment record: {TAX_LAW}.",
    ),
    Kept(
        "payments_refundaccount",
        ("account_holder",),
        f"the bank account a refund was paid to is a payment record: {TAX_LAW}.",
    ),
]
