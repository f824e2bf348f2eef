"""The micropayment tab: small orders are not charged one by one; they go on the customer's tab.

Each order up to TAB_ORDER_LIMIT gets its own payment in status `on_tab` and joins the
customer's open `Tab` at placement (under the tab's lock, after the coupon and before the
variants); the tab is settled later in one card charge (`services.py` beside this module).
Only customers with a verified email and a saved card may use it, up to TAB_CREDIT_LIMIT in all.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shop.money import ZERO, format_money, to_money

from ...exceptions import PaymentError
from ...interface import Availability, CheckoutContext, Outcome, PaymentRequest, ProviderResult
from ...models import Payment, PaymentEvent, Tab
from ...registry import register
from ...states import PaymentMethod, PaymentStatus
from ..card.provider import stripe_refund
from ..wallet.provider import default_card


class MicropaymentProvider:
    method = PaymentMethod.MICROPAYMENT
    pending_status = PaymentStatus.ON_TAB
    starts_in_browser = False
    finishes_in_browser = False
    starts_at_placement = True

    def availability(self, *, context: CheckoutContext) -> Availability:
        from .services import tab_current, tab_total

        problem = _basic_problem(context.customer_id, context.total)
        if problem:
            return Availability(False, problem)
        card = default_card(user_id=context.customer_id)
        if card is None or card.expired():
            return Availability(False, _("The tab needs a saved card in My wallet."))
        if not _verified(context.customer_id):
            return Availability(False, _("Verify your email address to use the tab."))
        tab = tab_current(user_id=context.customer_id)
        problem = _tab_problem(tab, tab_total(tab=tab) if tab else ZERO, context.total)
        return Availability(not problem, problem)

    def fee(self, *, context: CheckoutContext) -> Decimal:
        return ZERO

    def place_check(self, *, customer_id: int | None, amount: Decimal, currency: str) -> None:
        from .services import tab_lock_current, tab_total

        problem = _basic_problem(customer_id, amount)
        if not problem and not _verified(customer_id):
            problem = _("Verify your email address to use the tab.")
        if not problem and (default_card(user_id=customer_id) is None):
            problem = _("The tab needs a saved card in My wallet.")
        if problem:
            raise PaymentError(problem)
        tab = tab_lock_current(user_id=customer_id)
        problem = _tab_problem(tab, tab_total(tab=tab), amount)
        if problem:
            raise PaymentError(problem)

    # A tab order's capture row is covered by its settlement's charge: it moves no cash itself.
    capture_moves_cash = False

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        """Put the order's payment on the customer's open tab (in the placement transaction)."""
        from .services import tab_joined

        with transaction.atomic():
            tab_joined(payment_id=request.payment_id, user_id=request.customer_id)
        return request.answer(Outcome.PENDING)

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        raise PaymentError(_("A tab is paid by its settlement, not order by order."))

    @contextmanager
    def hold(self, *, request: PaymentRequest) -> Iterator[bool]:
        """Lock the tab, then the payment; True while the order's answer comes from the tab."""
        from .services import tab_hold

        with tab_hold(payment_id=request.payment_id) as on_tab:
            yield on_tab

    def owed(self, *, payment: Payment) -> Decimal:
        """An order still on the open tab owes its whole amount: a refund takes part of it off."""
        return payment.amount if payment.status == PaymentStatus.ON_TAB else payment.taken()

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        """Unsettled: the refund comes off the open tab (its settlement charges less); settled:
        it is refunded from the settlement's card charge."""
        from .services import tab_take_off

        status = Payment.objects.values_list("status", flat=True).get(pk=request.payment_id)
        if status == PaymentStatus.ON_TAB:
            return tab_take_off(request=request, refund=True)
        capture = (
            PaymentEvent.objects.filter(
                payment_id=request.payment_id, kind=PaymentEvent.Kind.CAPTURE
            )
            .order_by("pk")
            .first()
        )
        settlement_id = (capture.raw or {}).get("settlement_payment") if capture else None
        settlement = Payment.objects.filter(pk=settlement_id).first() if settlement_id else None
        if settlement is None or not settlement.reference:
            return ProviderResult(
                Outcome.FAILED,
                request.amount,
                currency=request.currency,
                reference=f"{request.idempotency_key}:unsettled",
                message=_("This tab order is no longer on the tab and was not paid."),
            )
        return stripe_refund(
            intent_id=settlement.reference,
            request=request,
            raw={"settlement_payment": settlement.pk},
        )

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        """Take an unsettled order off its tab; refused while the tab is being charged."""
        from .services import tab_take_off

        return tab_take_off(request=request, refund=False)


def _basic_problem(customer_id: int | None, amount: Decimal) -> str:
    limit = to_money(settings.TAB_ORDER_LIMIT)
    if customer_id is None:
        return _("Sign in to put small orders on your tab.")
    if amount <= 0:
        return _("There is nothing to pay.")
    if amount > limit:
        return _("The tab is for orders up to %(limit)s.") % {"limit": format_money(limit)}
    return ""


def _tab_problem(tab: Tab | None, total: Decimal, amount: Decimal) -> str:
    credit = to_money(settings.TAB_CREDIT_LIMIT)
    if tab is not None and tab.status == Tab.Status.BLOCKED:
        return _("The last payment of your tab was declined. Pay it on “My tab” first.")
    if tab is not None and tab.status == Tab.Status.SETTLING:
        return _("Your tab is being paid right now. Please try again in a minute.")
    if total + amount > credit:
        return _("This order would take your tab past its limit of %(limit)s (%(total)s now).") % {
            "limit": format_money(credit),
            "total": format_money(total),
        }
    return ""


def _verified(user_id: int) -> bool:
    return EmailAddress.objects.filter(user_id=user_id, verified=True, primary=True).exists()


register(MicropaymentProvider())
