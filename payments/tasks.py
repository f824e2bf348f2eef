"""Thin Celery tasks of the payments app; each is safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .exceptions import PaymentError
from .models import Payment, Refund


@shared_task(name="payments.void_payment")
def void_payment(payment_id: int) -> str:
    """Cancel an attempt whose order no longer wants it (expired, cancelled before payment)."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return "missing"
    return services.payment_void(payment=payment).status


@shared_task(name="payments.send_refund")
def send_refund(refund_id: int) -> str:
    """Send a reserved refund to its provider (again, after a crash or a timeout)."""
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        return "missing"
    return services.refund_send(refund=refund).status


@shared_task(name="payments.refund_payment_in_full")
def refund_payment_in_full(payment_id: int, reason: str = "") -> str:
    """Give back all a payment took: its order was cancelled, or no longer wanted it."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return "missing"
    refunds = services.payment_refund_remaining(
        payment=payment, reason=reason or "Arrived after the order no longer wanted it"
    )
    return f"{len(refunds)} refunds"


@shared_task(name="payments.process_stripe_event")
def process_stripe_event(event_pk: int) -> bool:
    """Apply a verified Stripe webhook event to its payment (once, however often it runs)."""
    return services.stripe_event_process(event_pk=event_pk)


@shared_task(name="payments.process_lost_stripe_events")
def process_lost_stripe_events() -> int:
    """The periodic sweep: webhook events stored but never processed (their task was lost) are
    queued again; processing applies each event once, so the sweep is safe to run twice."""
    from .selectors import stripe_event_ids_lost

    cutoff = timezone.now() - timedelta(seconds=settings.STRIPE_EVENT_LOST_AFTER_SECONDS)
    lost = stripe_event_ids_lost(received_before=cutoff)
    for event_pk in lost:
        process_stripe_event.delay(event_pk)
    return len(lost)


@shared_task(name="payments.reconcile_card_payments")
def reconcile_card_payments() -> int:
    """List for staff where Stripe and the ledger disagree over the last days."""
    since = timezone.now() - timedelta(days=settings.CARD_RECONCILE_DAYS)
    return services.card_reconcile(since=since)


@shared_task(name="payments.settle_tab")
def settle_tab(tab_id: int) -> str:
    """Charge one tab once (at its threshold, at the month's end, or again after a decline)."""
    from .methods.micropayment.services import tab_settle

    settlement = tab_settle(tab_id=tab_id)
    return settlement.status if settlement is not None else "nothing to do"


@shared_task(name="payments.settle_tabs")
def settle_tabs() -> int:
    """The periodic job: settle every tab that is due (threshold, month end, retry), and finish
    settlements left `settling` too long."""
    from .methods.micropayment.services import tab_ids_due, tab_ids_stuck

    now = timezone.now()
    for tab_id in tab_ids_stuck(now=now):
        recover_tab_settlement.delay(tab_id)
    due = tab_ids_due(now=now)
    for tab_id in due:
        settle_tab.delay(tab_id)
    return len(due)


@shared_task(name="payments.recover_tab_settlement")
def recover_tab_settlement(tab_id: int) -> str:
    """A settlement left `settling`: record what Stripe did, or void it and try again."""
    from .methods.micropayment.services import tab_settlement_recover

    try:
        return tab_settlement_recover(tab_id=tab_id)
    except PaymentError:  # Stripe unreachable: the next run of the periodic job tries again
        return "stripe unreachable"


@shared_task(name="payments.clear_echecks")
def clear_echecks() -> int:
    """Clear e-checks whose clearing period has passed without a bounce."""
    cleared = 0
    for payment in Payment.objects.filter(pk__in=services.echecks_due(now=timezone.now())):
        try:
            services.echeck_clear(payment=payment)
        except PaymentError:
            continue  # bounced or cleared meanwhile
        cleared += 1
    return cleared


@shared_task(name="payments.resend_refunds")
def resend_refunds() -> int:
    """The periodic job: refunds left reserved and unsent (a crash, a Stripe error) are sent
    again after a look-up at Stripe; refunds Stripe left pending are read back."""
    from .services.refunds import refund_ids_sent, refund_ids_unsent

    cutoff = timezone.now() - timedelta(seconds=settings.REFUND_UNSENT_AFTER_SECONDS)
    due = refund_ids_unsent(older_than=cutoff) + refund_ids_sent(older_than=cutoff)
    for refund_id in due:
        resend_refund.delay(refund_id, cutoff.isoformat())
    return len(due)


@shared_task(name="payments.resend_refund")
def resend_refund(refund_id: int, older_than: str = "") -> str:
    """One refund of the periodic job (looked up at Stripe before anything is sent again)."""
    from datetime import datetime

    from .services.refunds import refund_resend

    cutoff = datetime.fromisoformat(older_than) if older_than else None
    try:
        refund = refund_resend(refund_id=refund_id, older_than=cutoff)
    except PaymentError:  # Stripe unreachable: the next run tries again
        return "provider unreachable"
    return refund.status if refund is not None else "missing"


@shared_task(name="payments.start_lost_payments")
def start_lost_payments() -> int:
    """The periodic job: cash-on-delivery and e-check payments whose start was lost by a crash
    after the order committed are started (once: the start claims the attempt under its lock)."""
    from .services.ledger import payment_ids_start_lost

    cutoff = timezone.now() - timedelta(seconds=settings.PAYMENT_START_LOST_AFTER_SECONDS)
    started = 0
    for payment in Payment.objects.filter(pk__in=payment_ids_start_lost(older_than=cutoff)):
        try:
            services.payment_start(payment=payment)
        except PaymentError:
            continue
        started += 1
    return started


@shared_task(name="payments.expire_points")
def expire_points() -> str:
    """Write off expired loyalty-point lots and remind owners of lots expiring soon (each once)."""
    from .services.points import points_expire_due

    expired, reminded = points_expire_due(now=timezone.now())
    return f"{expired} expired, {reminded} reminded"
