"""Registers back in stock's message kinds, its journey and its privacy sections."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.models import StockAlert
from crm.notifications.kinds import EditableText, MessageKind, register_kind
from crm.notifications.models import Category, Channel
from crm.privacy.registry import register_erasure_step, register_export_section
from shop.models import User

from ..registry import Journey, register_journey
from .selectors import unreachable

SAMPLE = {
    "first_name": "Ayşe",
    "product": "Masa Lambası (Kırmızı)",
    "action_url": "https://example.com/p/masa-lambasi/",
}


def register() -> None:
    register_kind(
        MessageKind(
            "back_in_stock",
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            sample_context=SAMPLE | {"stop_url": "https://example.com/back-in-stock/stop/x/"},
            counts_toward_cap=False,
            text=EditableText(
                subject=_("{product} is back in stock"),
                body=_(
                    "Hello {first_name},\n\nGood news: {product} is back in stock, as you asked "
                    "us to tell you. We let a few people know at once, so it may not last long."
                    "\n\n{site_name}"
                ),
                placeholders=("first_name", "product", "site_name"),
            ),
        )
    )
    register_kind(
        MessageKind(
            "back_in_stock_confirm",
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            sample_context=SAMPLE,
            counts_toward_cap=False,
            text=EditableText(
                subject=_("Please confirm: we will email you when {product} is back"),
                body=_(
                    "Hello,\n\nYou asked us to email you when {product} is back in stock. "
                    "Please confirm with the button below that this address is yours. If it was "
                    "not you, ignore this email: we will not write again.\n\n{site_name}"
                ),
                placeholders=("product", "site_name"),
            ),
        )
    )
    register_journey(
        Journey(
            name="back_in_stock",
            title=_("Back in stock"),
            description=_(
                "Tells the shoppers who asked, oldest first, when a sold-out item can be bought "
                "again: as many as the units now in stock times a factor (hourly sweep too)."
            ),
            kinds=("back_in_stock", "back_in_stock_confirm"),
            job="journey-back-in-stock",
            unreachable=unreachable,
        )
    )
    register_export_section("stock_alerts", export_stock_alerts)
    register_erasure_step("stock_alerts", erase_stock_alerts)


def _of_account(user: User) -> Any:
    return StockAlert.objects.filter(user=user) | StockAlert.objects.filter(email=user.email)


def export_stock_alerts(user: User) -> list[dict[str, Any]]:
    return list(
        _of_account(user)
        .order_by("created_at", "pk")
        .values(
            "variant__sku", "email", "language", "created_at", "confirmed_at", "notified_at",
            "cancelled_at",
        )
    )  # fmt: skip


def erase_stock_alerts(user: User) -> int:
    """Requests name the customer's address and what they wanted: gone with the account."""
    deleted, _by_model = _of_account(user).delete()
    return deleted
