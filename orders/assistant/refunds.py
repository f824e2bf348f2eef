"""Where is my refund: each refund row as the payment record has it, returns waiting for their
items, and a bounced e-check that took nothing."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.models import Payment, Refund
from payments.states import PaymentMethod
from shop.money import format_money

from ..selectors.assistant import REFUND
from ..views.order_page import OrderPage
from .base import Answer, bounced_payment, day, payment_record, when

_CARD_METHODS = frozenset({PaymentMethod.CARD, PaymentMethod.WALLET, PaymentMethod.MICROPAYMENT})

# What the cancel preview says of each payment: the order page's own sentences (_cancel.html).


def _refund_words(payment: Payment, refund: Refund, page: OrderPage) -> str:
    amount = format_money(refund.amount, refund.currency)
    on = day(refund.updated_at)
    to_card = payment.method in _CARD_METHODS
    to_balance = payment.method == PaymentMethod.STORED_VALUE
    status = refund.status
    if status == Refund.Status.SUCCEEDED:
        if to_card:
            return _("The refund of %(amount)s reached your card on %(date)s.") % {
                "amount": amount,
                "date": on,
            }
        if to_balance:
            return _("The refund of %(amount)s went back to your prepaid balance on %(date)s.") % {
                "amount": amount,
                "date": on,
            }
        return _("The refund of %(amount)s was paid to your bank account on %(date)s.") % {
            "amount": amount,
            "date": on,
        }
    if status == Refund.Status.FAILED:
        return _(
            "The refund of %(amount)s could not be sent on %(date)s; our team is looking at it."
        ) % {"amount": amount, "date": on}
    if status == Refund.Status.AWAITING_PAYOUT:
        if any(question.refund.pk == refund.pk for question in page.refund_questions):
            return _(
                "The refund of %(amount)s is waiting for your bank account: tell us where to "
                "send it on the order's page."
            ) % {"amount": amount}
        return _(
            "The refund of %(amount)s is paid by bank transfer within %(days)s business days "
            "(set up on %(date)s)."
        ) % {
            "amount": amount,
            "days": settings.CANCEL_TRANSFER_REFUND_BUSINESS_DAYS,
            "date": on,
        }
    # Reserved or sent: on its way to the provider.
    if to_card:
        return _(
            "The refund of %(amount)s is on its way to your card since %(date)s. Your bank shows "
            "it within %(days)s business days."
        ) % {
            "amount": amount,
            "date": on,
            "days": settings.CANCEL_CARD_REFUND_BUSINESS_DAYS,
        }
    return _("The refund of %(amount)s is on its way since %(date)s.") % {
        "amount": amount,
        "date": on,
    }


def answer_refund(page: OrderPage) -> Answer:
    order = page.order
    parts: list[str] = []
    newest: datetime | None = None
    for payment in page.payments:
        for refund in payment.refunds.all():
            parts.append(_refund_words(payment, refund, page))
            if newest is None or refund.updated_at > newest:
                newest = refund.updated_at
    account_needed = bool(page.refund_questions)
    for item in page.returns:
        if item.order_return.refund is None and item.refund_state == "waiting":
            ret = item.order_return
            parts.append(
                _("Your return of %(date)s: we refund %(amount)s once the items are back.")
                % {
                    "date": day(ret.requested_at),
                    "amount": format_money(ret.amount, order.currency),
                }
            )
            newest = max(newest, ret.requested_at) if newest else ret.requested_at
    bounced = bounced_payment(page)
    if bounced is not None and not parts:
        text = _(
            "Your e-check of %(amount)s bounced on %(date)s: nothing was collected, so there "
            "is nothing to refund."
        ) % {
            "amount": format_money(bounced.amount, bounced.currency),
            "date": when(bounced.updated_at),
        }
        return Answer(REFUND, text, payment_record(), bounced.updated_at)
    if not parts:
        now = timezone.now()
        return Answer(REFUND, _("There is no refund on this order."), payment_record(), now)
    link = link_label = ""
    if account_needed:
        link = reverse("orders:confirmation", kwargs={"number": order.number})
        link_label = _("Give your bank account")
    return Answer(
        REFUND, " ".join(parts), payment_record(), newest, link=link, link_label=link_label
    )
