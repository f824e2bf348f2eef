"""The export sections, erasure steps and kept columns of everything on main: account, consents,
addresses, orders, messages, reviews, balance, tabs, saved cards, sign-in addresses, and the
CRM's profile, interactions, callbacks, personal coupons, goodwill requests and figures.

Each section reads with `values()` in a fixed number of queries, however long the history.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import OperationalError, transaction
from django.db.models import CharField, F, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category, Review
from catalog.services import reviews_remove_of
from crm.models import Callback, CustomerProfile, CustomerStats, GoodwillApproval, Interaction
from crm.notifications.models import Channel, Consent, ConsentCurrent, Message, Status
from crm.notifications.services.consent import consent_is_given, consent_set
from orders.geo import PROVINCES
from orders.models import Address, Coupon, CouponRedemption, Order, OrderEvent, OrderLine, Return
from payments.methods.wallet.services import saved_cards_forget_all
from payments.models import BalanceEntry, SavedCard, Tab
from payments.selectors import money_held
from payments.services.points import points_balance, points_forfeit_all, points_statement
from shop.models import User
from shop.money import ZERO, format_money

from .exceptions import ErasureRefused
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
    # The current row is a copy of the latest decision kept for counting audiences: the history
    # (kept above) is the proof, so the copy drops the address.
    ConsentCurrent.objects.filter(user=user).exclude(recipient="").update(recipient="")
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


def erase_profile(user: User) -> int:
    """Birth date, gender, city and interests: deleted (its interest links go with it)."""
    removed, _per_model = CustomerProfile.objects.filter(user=user).delete()
    return removed


def erase_interactions(user: User) -> int:
    """The contact's email and phone, what was said and the recording reference are blanked;
    that a contact happened (channel, outcome, agent, order, complaint link, time) stays."""
    return (
        interactions_of_account(user)
        .exclude(contact_email="", contact_phone="", summary="", recording_ref="")
        # A row about the account's order logged without the customer keeps naming someone
        # (crm_interaction_has_someone): the account, which no longer names anyone.
        .update(customer=user, contact_email="", contact_phone="", summary="", recording_ref="")
    )


def erase_callbacks(user: User) -> int:
    """Name and phone blanked; a request still waiting is closed, so nobody calls it."""
    callbacks = callbacks_of_account(user)
    callbacks.filter(status__in=[Callback.Status.OPEN, Callback.Status.TAKEN]).update(
        status=Callback.Status.FAILED, closed_at=timezone.now()
    )
    return callbacks.exclude(name="", phone="").update(name="", phone="")


def erase_personal_coupons(user: User) -> int:
    """Unused personal coupons stop working and the staff's reasons are blanked (the audit trail
    keeps who issued what and why); a used coupon stays with its order."""
    coupons = Coupon.objects.filter(pk__in=_lock_skipping_busy(Coupon.objects.filter(user=user)))
    unused = Q(max_uses__isnull=True) | Q(times_used__lt=F("max_uses"))
    deactivated = coupons.filter(unused, is_active=True).update(is_active=False)
    coupons.exclude(reason="").update(reason="")
    return deactivated


def erase_goodwill_requests(user: User) -> int:
    """Requests still waiting for a lead are refused (nothing is given to an erased account) and
    the agents' reasons blanked (the audit trail keeps them)."""
    requests = GoodwillApproval.objects.filter(
        pk__in=_lock_skipping_busy(GoodwillApproval.objects.filter(customer=user))
    )
    refused = requests.filter(status=GoodwillApproval.Status.PENDING).update(
        status=GoodwillApproval.Status.REFUSED,
        decision_note="account erased",
        decided_at=timezone.now(),
    )
    requests.exclude(reason="").update(reason="")
    return refused


def _lock_skipping_busy(rows: QuerySet) -> list[int]:
    """Lock the rows no one else holds. The erasure already holds the balance (its refusal check)
    and a checkout takes a coupon before the balance: waiting here could deadlock. A row busy now
    is being used (a coupon redeemed, a request decided) and is left as that leaves it."""
    return list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))


def erase_return_reasons(user: User) -> int:
    """The customer's own words on a return are blanked; its kind, reason code, lines, amounts
    and the staff's note stay with the order (the refund and credit note they explain).

    A return being refunded right now holds its lock and may be waiting for the balance this
    erasure holds: rather than wait into a deadlock, the erasure is refused until it is done."""
    returns = Return.objects.filter(order__user=user).exclude(reason="")
    try:
        with transaction.atomic():
            ids = list(
                returns.select_for_update(nowait=True, of=("self",)).values_list("pk", flat=True)
            )
    except OperationalError:
        raise ErasureRefused(
            _("One of your returns is being processed right now. Please try again in a minute.")
        ) from None
    return Return.objects.filter(pk__in=ids).update(reason="")


def erase_points(user: User) -> int:
    """Points are no money to pay back: what is held is written off (the statement stays)."""
    return 1 if points_forfeit_all(user=user, reason="account erased") else 0


def erase_customer_stats(user: User) -> int:
    removed, _per_model = CustomerStats.objects.filter(user=user).delete()
    return removed


def register_all() -> None:
    register_export_section("account", export_account)
    register_export_section("consents", export_consents)
    register_export_section("addresses", export_addresses)
    register_export_section("orders", export_orders)
    register_export_section("messages", export_messages)
    register_export_section("reviews", export_reviews)
    register_export_section("balance", export_balance)
    register_export_section("points", export_points)
    register_export_section("tabs", export_tabs)
    register_export_section("saved_cards", export_saved_cards)
    register_export_section("profile", export_profile)
    register_export_section("interactions", export_interactions)
    register_export_section("callbacks", export_callbacks)
    register_export_section("personal_coupons", export_personal_coupons)
    register_export_section("customer_stats", export_customer_stats)

    register_erasure_refusal("staff", refuse_staff)
    register_erasure_refusal("money", refuse_while_money_held)

    register_erasure_step("consents", erase_consents)
    register_erasure_step("messages", erase_messages)
    register_erasure_step("addresses", erase_addresses)
    register_erasure_step("saved_cards", erase_saved_cards)
    register_erasure_step("reviews", erase_reviews)
    register_erasure_step("sign_in_addresses", erase_sign_in_addresses)
    register_erasure_step("coupon_redemptions", erase_coupon_redemptions)
    register_erasure_step("profile", erase_profile)
    register_erasure_step("interactions", erase_interactions)
    register_erasure_step("callbacks", erase_callbacks)
    register_erasure_step("personal_coupons", erase_personal_coupons)
    register_erasure_step("goodwill_requests", erase_goodwill_requests)
    register_erasure_step("points", erase_points)
    register_erasure_step("customer_stats", erase_customer_stats)
    register_erasure_step("return_reasons", erase_return_reasons)

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
