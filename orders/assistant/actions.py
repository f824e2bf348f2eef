"""Can I cancel it, can I return it (until when): the order page's own rules and words."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.money import format_money

from ..selectors.assistant import CANCEL, RETURN
from ..selectors.cancelling import CancelMoney
from ..states import OrderStatus
from ..views.order_page import OrderPage
from .base import Answer, day, status_since, timeline, when

S = OrderStatus

_CANCEL_WORDS = {
    "card_refund": gettext_lazy(
        "%(amount)s goes back to the card you paid with. Your bank shows it within %(days)s "
        "business days."
    ),
    "saved_card_refund": gettext_lazy(
        "%(amount)s goes back to the saved card you paid with. Your bank shows it within "
        "%(days)s business days."
    ),
    "tab_card_refund": gettext_lazy(
        "%(amount)s goes back to the card your tab was charged to. Your bank shows it within "
        "%(days)s business days."
    ),
    "balance_refund": gettext_lazy("%(amount)s goes back to your prepaid balance at once."),
    "transfer_refund": gettext_lazy(
        "%(amount)s is paid back by bank transfer to the account your e-check was drawn on, "
        "within %(days)s business days."
    ),
    "card_release": gettext_lazy(
        "The %(amount)s held on your card is released at once; your bank may take a few days "
        "to show it."
    ),
    "tab_off": gettext_lazy("%(amount)s comes off your tab at once: it will not be charged."),
    "echeck_void": gettext_lazy(
        "Your e-check for %(amount)s is cancelled at once and will not be collected."
    ),
    "cod_nothing": gettext_lazy(
        "You have paid nothing yet, so there is nothing to refund: the %(amount)s due at "
        "delivery will not be collected."
    ),
}


def cancel_preview_text(page: OrderPage) -> str:
    """What cancelling now does with the money, in the order page's words."""
    return " ".join(_money_words(item) for item in page.cancel_preview)


def _money_words(item: CancelMoney) -> str:
    words = _CANCEL_WORDS.get(item.kind)
    if words is None:
        return _("Nothing has been charged, so there is nothing to refund.")
    return str(words) % {
        "amount": format_money(item.amount, item.currency),
        "days": item.business_days,
    }


def answer_cancel(page: OrderPage) -> Answer:
    order = page.order
    _label, since = status_since(page)
    if page.can_cancel:
        text = (
            _("Yes: you can cancel this order until we pack it. If you cancel now:")
            + " "
            + cancel_preview_text(page)
        )
        return Answer(CANCEL, text, timeline(), since, action="cancel")
    if order.status == S.CANCELLED:
        text = _("This order was already cancelled on %(date)s.") % {"date": when(since)}
    elif page.cancel_closed:
        text = (
            _(
                "This order can no longer be cancelled: it is already packed and about to ship "
                "(or on its way)."
            )
            + " "
            + _(
                "Once it is delivered you may return it within %(days)s days of delivery "
                "without giving a reason."
            )
            % {"days": page.withdrawal_days}
        )
    else:
        text = _(
            "This order has been delivered, so it can no longer be cancelled. Ask about "
            "returning it instead."
        )
    return Answer(CANCEL, text, timeline(), since)


def answer_return(page: OrderPage) -> Answer:
    order = page.order
    _label, since = status_since(page)
    number = order.number
    delivered_at, ends = page.delivered_at, page.withdrawal_ends_at
    if order.status == S.CANCELLED:
        text = _("This order was cancelled on %(date)s: there is nothing to return.") % {
            "date": when(since)
        }
        return Answer(RETURN, text, timeline(), since)
    if delivered_at is None:
        text = _(
            "Once it is delivered you may return it within %(days)s days of delivery without "
            "giving a reason. Sending it back is free."
        ) % {"days": page.withdrawal_days}
        return Answer(RETURN, text, timeline(), since)
    if page.withdrawal_open and page.can_return:
        text = _(
            "Yes: it was delivered on %(delivered)s, so you may return it until %(until)s "
            "without giving a reason. Sending it back is free."
        ) % {"delivered": when(delivered_at), "until": day(ends)}
        return Answer(
            RETURN,
            text,
            timeline(),
            delivered_at,
            link=reverse("orders:return", kwargs={"number": number}),
            link_label=_("Request a return"),
            action="return",
        )
    if page.withdrawal_open:
        text = _("Everything in this order is already coming back or back with us.")
        return Answer(RETURN, text, timeline(), since)
    text = _(
        "It was delivered on %(delivered)s; the %(days)s-day period to return it without a "
        "reason ended on %(until)s. If something is wrong with an item, you can still tell us "
        "on the order's page."
    ) % {"delivered": when(delivered_at), "days": page.withdrawal_days, "until": day(ends)}
    return Answer(
        RETURN,
        text,
        timeline(),
        delivered_at,
        link=reverse("orders:confirmation", kwargs={"number": number}),
        link_label=_("The order's page"),
    )
