"""Registers the privacy export's sections, the erasure's refusals and steps (crm/privacy/export.py,
crm/privacy/erasure.py) and the columns kept after erasure, with why (the list docs/privacy.md
shows and the erasure test checks)."""

from shop.models import User

from ..tracking.selectors import events_of_user
from ..tracking.services import tracking_forget
from . import erasure, export
from .registry import (
    Kept,
    register_erasure_refusal,
    register_erasure_step,
    register_export_section,
    register_kept,
)

TAX_LAW = (
    "Tax Procedure Law (VUK art. 253) and Turkish Commercial Code (TTK art. 82): orders and "
    "invoices with the buyer as invoiced are kept for 10 years"
)


def events_of_user_export(user: User) -> list[dict]:
    """The consented tracking events still kept (raw rows, before their retention ends)."""
    return events_of_user(user.pk)


def tracking_erase(user: User) -> int:
    """The customer's raw tracking rows are deleted (the daily counts name no one)."""
    return tracking_forget(visitor_id="", user_id=user.pk)


def register_all() -> None:
    register_export_section("account", export.export_account)
    register_export_section("consents", export.export_consents)
    register_export_section("push_subscriptions", export.export_push_subscriptions)
    register_export_section("addresses", export.export_addresses)
    register_export_section("orders", export.export_orders)
    register_export_section("messages", export.export_messages)
    register_export_section("reviews", export.export_reviews)
    register_export_section("product_questions", export.export_product_questions)
    register_export_section("balance", export.export_balance)
    register_export_section("points", export.export_points)
    register_export_section("tabs", export.export_tabs)
    register_export_section("saved_cards", export.export_saved_cards)
    register_export_section("profile", export.export_profile)
    register_export_section("interactions", export.export_interactions)
    register_export_section("callbacks", export.export_callbacks)
    register_export_section("chats", export.export_chats)
    register_export_section("personal_coupons", export.export_personal_coupons)
    register_export_section("customer_stats", export.export_customer_stats)
    register_export_section("tracking", events_of_user_export)

    register_erasure_refusal("staff", erasure.refuse_staff)
    register_erasure_refusal("money", erasure.refuse_while_money_held)

    register_erasure_step("consents", erasure.erase_consents)
    register_erasure_step("messages", erasure.erase_messages)
    register_erasure_step("addresses", erasure.erase_addresses)
    register_erasure_step("saved_cards", erasure.erase_saved_cards)
    register_erasure_step("reviews", erasure.erase_reviews)
    register_erasure_step("product_questions", erasure.erase_product_questions)
    register_erasure_step("sign_in_addresses", erasure.erase_sign_in_addresses)
    register_erasure_step("coupon_redemptions", erasure.erase_coupon_redemptions)
    register_erasure_step("profile", erasure.erase_profile)
    register_erasure_step("interactions", erasure.erase_interactions)
    register_erasure_step("callbacks", erasure.erase_callbacks)
    register_erasure_step("chats", erasure.erase_chats)
    register_erasure_step("personal_coupons", erasure.erase_personal_coupons)
    register_erasure_step("goodwill_requests", erasure.erase_goodwill_requests)
    register_erasure_step("points", erasure.erase_points)
    register_erasure_step("customer_stats", erasure.erase_customer_stats)
    register_erasure_step("return_reasons", erasure.erase_return_reasons)
    register_erasure_step("tracking", tracking_erase)

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
