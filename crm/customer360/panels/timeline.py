"""Complaints (through the registry: crm never imports complaints) and the timeline items
built from what the panels already loaded."""

from collections.abc import Iterable, Mapping

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shop.choices import choice_label
from shop.models import User

from ...registry import (
    ComplaintRow,
    Rows,
    TimelineItem,
    registered_complaint_sources,
)

# --- complaints (through the registry: crm never imports complaints) ----------------------------


def complaints(user: User, limit: int) -> Rows:
    rows: list[ComplaintRow] = []
    for source in registered_complaint_sources():
        rows.extend(source.for_customer(user, limit))
    rows.sort(key=lambda row: row.opened_at, reverse=True)
    return rows[:limit]


def _complaints_more(user: User) -> str:
    for source in registered_complaint_sources():
        if source.more_url is not None:
            return source.more_url(user)
    return ""


# --- timeline items from what the panels loaded -------------------------------------------------


def _order_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for order in loaded.get("orders", ()):
        yield TimelineItem(
            at=order.placed_at,
            kind="order",
            title=str(_("Order %(number)s placed") % {"number": order.number}),
            detail=f"{choice_label(order, 'status')} · {choice_label(order, 'payment_status')}",
            url=reverse("admin:orders_order_change", args=[order.pk]),
        )
    for order in loaded.get("cancellations", ()):
        if order.cancelled_at:
            yield TimelineItem(
                at=order.cancelled_at,
                kind="cancellation",
                title=str(_("Order %(number)s cancelled") % {"number": order.number}),
                detail=str(choice_label(order, "cancel_reason")),
                url=reverse("admin:orders_order_change", args=[order.pk]),
            )
    for order_return in loaded.get("returns", ()):
        yield TimelineItem(
            at=order_return.requested_at,
            kind="return",
            title=str(_("Return %(number)s requested") % {"number": order_return.number}),
            detail=str(choice_label(order_return, "status")),
            url=reverse("admin:orders_return_change", args=[order_return.pk]),
        )


def _message_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for message in loaded.get("messages", ()):
        yield TimelineItem(
            at=message.created_at,
            kind="message",
            title=f"{choice_label(message, 'channel')}: {message.subject_line or message.kind}",
            detail=str(choice_label(message, "status")),
            url=reverse("admin:notifications_message_change", args=[message.pk]),
        )


def _interaction_items(
    user: User, limit: int, loaded: Mapping[str, Rows]
) -> Iterable[TimelineItem]:
    for row in loaded.get("interactions", ()):
        if row.is_note:
            title = str(_("Note"))
        else:
            title = (
                f"{choice_label(row, 'channel')} ({choice_label(row, 'direction').lower()}): "
                + str(choice_label(row, "outcome"))
            )
        yield TimelineItem(
            at=row.created_at,
            kind="note" if row.is_note else "interaction",
            title=title,
            detail=row.summary[:120],
            url=reverse("admin:crm_interaction_change", args=[row.pk]),
        )


def _coupon_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for coupon in loaded.get("coupons", ()):
        if coupon.starts_at:
            yield TimelineItem(
                at=coupon.starts_at,
                kind="coupon",
                title=str(_("Personal coupon %(code)s issued") % {"code": coupon.code}),
                detail=coupon.reason,
                url=reverse("admin:orders_coupon_change", args=[coupon.pk]),
            )


def _complaint_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for row in loaded.get("complaints", ()):
        yield TimelineItem(
            at=row.opened_at,
            kind="complaint",
            title=f"{row.number}: {row.subject}",
            detail=row.status,
            url=row.url,
        )
