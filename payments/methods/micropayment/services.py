"""The micropayment tab: orders join it at placement; one off-session card charge settles it.

`tab_settle` moves the tab `open → settling` under its lock and makes one settlement payment
(no order) for the whole tab; the charge goes to Stripe after commit, outside any lock. When the
settlement is paid, every tab order's payment gets a capture row keyed by the settlement; when
it is declined the tab is blocked (no new tab purchases), the customer is told once, and the
periodic job tries again up to TAB_SETTLE_ATTEMPTS times; the customer may pay it on "My tab".
A settlement left `settling` (a worker died, an answer was lost, Stripe timed out) is looked up at
Stripe by the periodic job after TAB_SETTLING_STUCK_SECONDS: recorded once if Stripe answered,
else voided and the tab put back (open, or blocked after a decline) and tried again.
A refund or a void of an order still on the tab takes it off under the tab's lock (`tab_hold`,
`tab_take_off`), so the settlement charges less; refused while a settlement holds the tab.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.background import enqueue_on_commit
from shop.models import User
from shop.money import ZERO, to_money

from ...exceptions import PaymentError
from ...interface import Outcome, PaymentRequest, ProviderResult
from ...models import Payment, PaymentEvent, PaymentPurpose, StripeCustomer, Tab
from ...selectors import left_on_tab
from ...services.ledger import (
    Operation,
    payment_create,
    payment_record,
    payment_refresh,
    payment_start,
    payment_void,
)
from ...states import PaymentMethod, PaymentStatus
from ..card.intents import intent_result
from ..card.provider import ProviderUnavailable
from ..wallet.provider import default_card
from .states import can_tab_transition

logger = logging.getLogger(__name__)


def tab_current(*, user_id: int) -> Tab | None:
    """The customer's tab that is not paid yet (open, being settled, or declined)."""
    return Tab.objects.filter(user_id=user_id).exclude(status=Tab.Status.SETTLED).first()


def tab_total(*, tab: Tab | None) -> Decimal:
    """What the tab holds: its order payments still on the tab, less what refunds took off."""
    if tab is None:
        return ZERO
    total = tab.payments.filter(
        purpose=PaymentPurpose.ORDER, status=PaymentStatus.ON_TAB
    ).aggregate(total=Sum(left_on_tab()))["total"]
    return to_money(total or ZERO)  # SQLite sums decimals as floats ('54.7000000000000')


@contextmanager
def tab_hold(*, payment_id: int) -> Iterator[bool]:
    """Lock an order's tab, then its payment (the order a settlement locks them in), for a void or
    a refund the generic code records under these locks; True while the order is on the tab (or
    never started), so the answer comes from the tab, not from the settlement's card charge.

    Inside the caller's transaction: a settlement charges either with the order taken off or
    before it, never both.
    """
    tab_id = Payment.objects.values_list("tab_id", flat=True).get(pk=payment_id)
    if tab_id:
        Tab.objects.select_for_update().get(pk=tab_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    yield payment.status in (PaymentStatus.ON_TAB, PaymentStatus.UNPAID)


def tab_take_off(*, request: PaymentRequest, refund: bool) -> ProviderResult:
    """Take an unsettled order (a void) or part of it (a refund) off its open tab, so its
    settlement charges less; refused while a settlement holds the tab (`settling`).

    Only answers: the caller holds the tab's lock (`tab_hold`) and records the result.
    """
    payment = Payment.objects.select_related("tab").get(pk=request.payment_id)
    tab = payment.tab
    open_tab = tab is None or tab.status in (Tab.Status.OPEN, Tab.Status.BLOCKED)
    # A void of an attempt never started needs no tab; anything else only while it is open.
    never_started = not refund and payment.status == PaymentStatus.UNPAID
    if not never_started and not (payment.status == PaymentStatus.ON_TAB and open_tab):
        message = (
            _("The tab is being paid right now; try the refund again in a minute.")
            if refund
            else _("The tab is being paid right now; refund the order afterwards.")
        )
        return ProviderResult(
            Outcome.FAILED,
            request.amount,
            currency=request.currency,
            reference=f"{request.idempotency_key}:settling",
            message=message,
        )
    if not refund:
        return request.answer(Outcome.VOIDED)
    return request.answer(
        Outcome.REFUNDED,
        raw={"off_tab": tab.pk},
        moves_cash=False,  # recorded as a refund taken off the tab (REFUND_OFF_TAB)
    )


def tab_transition(*, tab: Tab, to: str, **fields: object) -> bool:
    """The one door that changes a tab's status, by the table in `states.py` (with `fields`).

    The caller holds the tab's row lock; False (nothing changed) for a move the table refuses.
    """
    if not can_tab_transition(tab.status, to):
        return False
    tab.status = to
    for name, value in fields.items():
        setattr(tab, name, value)
    tab.save(update_fields=["status", *fields, "updated_at"])
    return True


def tab_lock_current(*, user_id: int) -> Tab:
    """The customer's current tab, opened once and locked until the transaction ends."""
    tab = (
        Tab.objects.select_for_update()
        .filter(user_id=user_id)
        .exclude(status=Tab.Status.SETTLED)
        .first()
    )
    if tab is not None:
        return tab
    try:
        with transaction.atomic():
            Tab.objects.create(user_id=user_id)
    except IntegrityError:  # a parallel placement opened it first
        pass
    return (
        Tab.objects.select_for_update()
        .filter(user_id=user_id)
        .exclude(status=Tab.Status.SETTLED)
        .get()
    )


def tab_joined(*, payment_id: int, user_id: int) -> Tab:
    """Put an order's payment on the open tab; settle after commit once it reaches the threshold."""
    tab = tab_lock_current(user_id=user_id)
    if tab.status != Tab.Status.OPEN:
        raise PaymentError(_("Your tab cannot take new purchases right now."))
    Payment.objects.filter(pk=payment_id).update(tab=tab)
    # The payment is still unpaid until payment_record runs: count it in by hand.
    amount = Payment.objects.values_list("amount", flat=True).get(pk=payment_id)
    if tab_total(tab=tab) + amount >= to_money(settings.TAB_SETTLE_THRESHOLD):
        enqueue_on_commit("payments.settle_tab", tab.pk)
    return tab


def tab_settle(
    *, tab_id: int, payment_method: str = "", by_customer: bool = False
) -> Payment | None:
    """Charge the whole tab once, with the default saved card (or the card the customer chose).

    Safe to run twice or concurrently: only the run that moves the tab to `settling` charges.
    """
    with transaction.atomic():
        tab = Tab.objects.select_for_update().filter(pk=tab_id).first()
        if tab is None or tab.status in (Tab.Status.SETTLED, Tab.Status.SETTLING):
            return None
        if (
            tab.status == Tab.Status.BLOCKED
            and not by_customer
            and tab.settle_attempts >= settings.TAB_SETTLE_ATTEMPTS
        ):
            return None
        total = tab_total(tab=tab)
        if total <= 0:  # everything on it was cancelled: nothing to charge
            tab_transition(tab=tab, to=Tab.Status.SETTLED, settled_at=timezone.now())
            return None
        tab_transition(tab=tab, to=Tab.Status.SETTLING, settle_attempts=tab.settle_attempts + 1)
        settlement = payment_create(
            method=PaymentMethod.WALLET,
            amount=total,
            currency=tab.currency,
            purpose=PaymentPurpose.TAB_SETTLEMENT,
            user=tab.user,
            tab=tab,
        )
    customer = StripeCustomer.objects.filter(user_id=tab.user_id).first()
    card = default_card(user_id=tab.user_id)
    method = payment_method or (card.payment_method_id if card and not card.expired() else "")
    if customer is None or not method:
        return _settlement_failed(
            settlement,
            reference=f"payment-{settlement.pk}-no-card",
            message=_("There is no saved card to pay the tab with."),
        )
    details = {"payment_method": method, "customer": customer.customer_id}
    if not by_customer:
        details["off_session"] = True
    try:
        started = payment_start(payment=settlement, details=details)
    except ProviderUnavailable:
        # A timeout or a lost answer is no decline: Stripe may have charged. The tab stays
        # `settling` and the settlement started; the periodic recovery looks the charge up at
        # Stripe (tab_settlement_recover) before anything is charged again.
        logger.warning("Tab %s: settlement %s has no answer from Stripe", tab_id, settlement.pk)
        settlement.refresh_from_db()
        return settlement
    except PaymentError as error:  # refused before reaching Stripe: the attempt failed
        return _settlement_failed(
            settlement, reference=f"payment-{settlement.pk}-unavailable", message=str(error)
        )
    if started.status == PaymentStatus.REQUIRES_ACTION and not by_customer:
        # Nobody is there to confirm an off-session charge (Stripe itself declines it with
        # `authentication_required`): the customer pays the tab on "My tab" instead.
        return _settlement_failed(
            started,
            reference=f"{started.reference}:authentication_required",
            message=_("Your bank asks you to confirm this payment yourself."),
            attempt_reference=started.reference,
        )
    return started


def _settlement_failed(
    settlement: Payment, *, reference: str, message: str, attempt_reference: str = ""
) -> Payment:
    """Record a settlement's start as failed (no card, refused before Stripe, no one to confirm)."""
    return payment_record(
        payment_id=settlement.pk,
        result=ProviderResult(
            Outcome.FAILED,
            settlement.amount,
            currency=settlement.currency,
            reference=reference,
            attempt_reference=attempt_reference,
            message=message,
        ),
        operation=Operation.START,
        operation_key=f"payment-{settlement.pk}-start",
    )


def tab_settlement_paid(*, settlement: Payment) -> None:
    """The settlement was charged: the tab is paid and each of its orders gets its capture row.

    Each capture row is keyed by the settlement and the order's payment, so it is written once.
    """
    tab = Tab.objects.select_for_update().get(pk=settlement.tab_id)
    paid_before = (
        tab.payments.filter(purpose=PaymentPurpose.TAB_SETTLEMENT, status=PaymentStatus.PAID)
        .exclude(pk=settlement.pk)
        .exists()
    )
    if paid_before:  # a late answer for a settlement given up on: the tab was paid by another
        enqueue_on_commit(
            "payments.refund_payment_in_full", settlement.pk, "The tab was already paid"
        )
        return
    if tab.status != Tab.Status.SETTLED:
        tab_transition(tab=tab, to=Tab.Status.SETTLED, settled_at=timezone.now(), last_error="")
    # Only what the settlement charged for: orders that joined after it (a reopened tab) wait.
    items = tab.payments.filter(
        purpose=PaymentPurpose.ORDER, status=PaymentStatus.ON_TAB, pk__lt=settlement.pk
    )
    for item in items.order_by("pk"):
        payment_record(
            payment_id=item.pk,
            result=ProviderResult(
                Outcome.CAPTURED,
                item.amount,
                currency=item.currency,
                reference=f"tab-settlement-{settlement.pk}-payment-{item.pk}",
                raw={"settlement_payment": settlement.pk, "charge": settlement.reference},
            ),
            operation=Operation.CAPTURE,
            operation_key=f"payment-{item.pk}-capture",
        )


def tab_settlement_declined(*, settlement: Payment) -> None:
    """The settlement was declined: block the tab and tell the customer (once per tab)."""
    from crm.notifications.services import notification_send

    tab = Tab.objects.select_for_update().select_related("user").get(pk=settlement.tab_id)
    if tab.status == Tab.Status.SETTLED:
        return
    failure = settlement.events.filter(kind=PaymentEvent.Kind.FAILURE).order_by("-pk").first()
    fields: dict[str, object] = {"last_error": (failure.message if failure else "")[:255]}
    if tab.customer_told_at is None:
        fields["customer_told_at"] = timezone.now()
        notification_send(
            to=tab.user,
            kind="tab_declined",
            context=_declined_context(tab, settlement),
            subject=("tab", tab.pk),
            dedupe_key=f"tab:{tab.pk}:declined",
        )
    tab_transition(tab=tab, to=Tab.Status.BLOCKED, **fields)


def _declined_context(tab: Tab, settlement: Payment) -> dict:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(tab.user.language or settings.LANGUAGE_CODE):
        url = f"{settings.SITE_URL}{reverse('wallet:tab')}"
    return {
        "first_name": tab.user.first_name,
        "total": str(settlement.amount),
        "currency": settlement.currency,
        "url": url,
    }


def tab_ids_due(*, now: datetime) -> list[int]:
    """Tabs to settle now: open ones over the threshold or from an earlier month, and declined
    ones with tries left."""
    month_start = now.astimezone(timezone.get_current_timezone()).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    threshold = to_money(settings.TAB_SETTLE_THRESHOLD)
    candidates = list(
        Tab.objects.filter(
            Q(status=Tab.Status.OPEN)
            | Q(status=Tab.Status.BLOCKED, settle_attempts__lt=settings.TAB_SETTLE_ATTEMPTS)
        ).values_list("pk", "status", "opened_at")
    )
    # What each open tab holds, counted as tab_total counts it (refunds taken off).
    held = dict(
        Payment.objects.filter(
            tab_id__in=[pk for pk, status, _opened in candidates if status == Tab.Status.OPEN],
            purpose=PaymentPurpose.ORDER,
            status=PaymentStatus.ON_TAB,
        )
        .values("tab_id")
        .annotate(held=Sum(left_on_tab()))
        .values_list("tab_id", "held")
    )
    return [
        pk
        for pk, status, opened_at in candidates
        if status == Tab.Status.BLOCKED
        or opened_at < month_start
        or held.get(pk, ZERO) >= threshold
    ]


def tab_pay_with_card(*, user: User, setup_intent_id: str) -> Payment | None:
    """The customer pays their declined (or open) tab now with a card they just entered."""
    from ..card.services import card_customer_for, card_set_up, card_setup_intent_id_check

    card_setup_intent_id_check(setup_intent_id)
    tab = tab_current(user_id=user.pk)
    if tab is None or tab.status == Tab.Status.SETTLING:
        raise PaymentError(_("There is nothing on your tab to pay right now."))
    customer = card_customer_for(user=user)
    method = card_set_up(setup_intent_id=setup_intent_id, customer_id=customer)
    return tab_settle(tab_id=tab.pk, payment_method=method, by_customer=True)


def tab_settlement_of(*, tab_id: int) -> Payment | None:
    """The tab's newest settlement: the one that speaks for it while it is `settling`."""
    return (
        Payment.objects.filter(tab_id=tab_id, purpose=PaymentPurpose.TAB_SETTLEMENT)
        .order_by("-pk")
        .first()
    )


def tab_settlement_check(*, user: User) -> Payment | None:
    """After 3-D Secure on "My tab": read the settlement's outcome from Stripe (never from the
    browser's word) and record it once."""
    tab = tab_current(user_id=user.pk)
    if tab is None or tab.status != Tab.Status.SETTLING:
        return None
    settlement = tab_settlement_of(tab_id=tab.pk)
    if settlement is None or settlement.status != PaymentStatus.REQUIRES_ACTION:
        return settlement
    return payment_refresh(payment=settlement)


def tab_ids_stuck(*, now: datetime) -> list[int]:
    """Tabs `settling` for longer than TAB_SETTLING_STUCK_SECONDS (a lost worker or answer)."""
    return list(_stuck_tabs(now).values_list("pk", flat=True))


def _stuck_tabs(now: datetime) -> QuerySet[Tab]:
    cutoff = now - timedelta(seconds=settings.TAB_SETTLING_STUCK_SECONDS)
    return Tab.objects.filter(status=Tab.Status.SETTLING, updated_at__lt=cutoff)


def tab_settlement_recover(*, tab_id: int) -> str:
    """Finish a settlement left `settling`: record what Stripe did, or void it and try again.

    Safe to run twice or concurrently: the answer is recorded once (the ledger's keys), the void
    once, and only the run that finds the tab still `settling` on this settlement puts it back.
    """
    tab = _stuck_tabs(timezone.now()).filter(pk=tab_id).first()
    settlement = tab_settlement_of(tab_id=tab_id) if tab else None
    if tab is None or settlement is None:  # paid, declined, or being settled right now
        return "nothing to do"
    settlement = _settlement_find_out(settlement)
    if settlement.status in (PaymentStatus.UNPAID, PaymentStatus.REQUIRES_ACTION):
        # Nothing taken: cancel it at Stripe (a success meanwhile is recorded instead).
        settlement = payment_void(payment=settlement)
    if settlement.status != PaymentStatus.VOIDED:
        return settlement.status  # paid or declined: the receiver moved the tab
    if _tab_reopen(tab_id=tab_id, settlement_id=settlement.pk):
        retried = tab_settle(tab_id=tab_id)
        return f"retried: {retried.status}" if retried is not None else "reopened"
    return settlement.status


def _settlement_find_out(settlement: Payment) -> Payment:
    """Where the settlement stands at Stripe, recorded once; claimed first, so a worker that
    wakes up late cannot send it now."""
    from ..card.services import card_intent_of

    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=settlement.pk)
        if locked.status == PaymentStatus.UNPAID and locked.started_at is None:
            # Never sent, or its start raised (a timeout gives the claim back, yet Stripe may
            # have charged): claim it, then look for a charge below all the same.
            locked.started_at = timezone.now()
            locked.save(update_fields=["started_at", "updated_at"])
    if locked.reference:
        return payment_refresh(payment=locked)
    if locked.status != PaymentStatus.UNPAID:
        return locked
    customer = StripeCustomer.objects.filter(user_id=locked.user_id).first()
    if customer is None:
        return locked
    # From the settlement's making (its start may have been claimed again since); the two
    # clocks may differ a little.
    since = locked.created_at - timedelta(minutes=5)
    intent = card_intent_of(payment=locked, customer_id=customer.customer_id, since=since)
    result = intent_result(intent) if intent is not None else None
    if result is None:
        return locked
    return payment_record(
        payment_id=locked.pk,
        result=result,
        operation=Operation.START,
        operation_key=f"payment-{locked.pk}-start",
    )


def _tab_reopen(*, tab_id: int, settlement_id: int) -> bool:
    """Put a tab whose settlement was voided back: blocked after an earlier decline, else open."""
    with transaction.atomic():
        tab = Tab.objects.select_for_update().get(pk=tab_id)
        newest = tab_settlement_of(tab_id=tab_id)
        if tab.status != Tab.Status.SETTLING or newest is None or newest.pk != settlement_id:
            return False
        declined = tab.payments.filter(
            purpose=PaymentPurpose.TAB_SETTLEMENT, status=PaymentStatus.FAILED
        ).exists()
        tab_transition(tab=tab, to=Tab.Status.BLOCKED if declined else Tab.Status.OPEN)
    return True
