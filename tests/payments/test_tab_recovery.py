"""The tab's settlement when something goes wrong: 3-D Secure on "My tab", an off-session charge
the bank wants confirmed, and settlements left `settling` by a dead worker or a lost answer,
which the periodic job finishes (real worker, concurrent runs, the fake Stripe server)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.notifications.models import Message
from payments.interface import PaymentRequest, ProviderResult
from payments.models import Payment, PaymentEvent, PaymentPurpose, StripeCustomer, Tab
from payments.registry import get_provider
from payments.services import (
    Operation,
    payment_create,
    payment_record,
    tab_settle,
    tab_settlement_recover,
)
from payments.states import PaymentMethod, PaymentStatus
from payments.tasks import settle_tabs
from tests.conftest import wait_until
from tests.orders.helpers import cart_with, place
from tests.orders.test_concurrency import run_together

from .browser_stand_in import authenticate_payment, confirm_card_setup
from .test_wallet_and_tab import _charges, _customer_with_card_and_address, digital

pytestmark = [pytest.mark.stripe]


@pytest.fixture
def quiet_tab(settings):
    """Tab purchases that never reach the threshold by themselves."""
    settings.TAB_ORDER_LIMIT = "50.00"
    settings.TAB_CREDIT_LIMIT = "300.00"
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    settings.TAB_SETTLE_ATTEMPTS = 3
    settings.TAB_SETTLING_STUCK_SECONDS = 900
    return settings


def _tab_orders(customer, *prices: str) -> list:
    return [
        place(cart_with((digital(price), 1), user=customer), payment_method="micropayment")
        for price in prices
    ]


def _secret(html: str) -> str:
    return re.search(r'data-client-secret="([^"]+)"', html)[1]


# --- 3-D Secure on "My tab" ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_blocked_tab_is_paid_on_my_tab_with_a_card_that_asks_for_3d_secure(
    fake_stripe, client, quiet_tab, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    orders = _tab_orders(customer, "20.00", "25.00")
    tab = Tab.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        tab_settle(tab_id=tab.pk)
    tab.refresh_from_db()
    assert tab.status == Tab.Status.BLOCKED
    client.force_login(customer)

    def pay_with_3d_secure(*, authenticated: bool) -> str:
        pay_page = client.get("/en/account/tab/pay/").content.decode()
        setup_intent = _secret(pay_page).split("_secret_")[0]
        confirm_card_setup(fake_stripe, setup_intent, "3ds")
        waiting = client.post("/en/account/tab/pay/", {"setup_intent": setup_intent})
        assert waiting["Location"] == "/en/account/tab/pay/"
        assert "confirm the payment of your tab" in client.get("/en/account/tab/").content.decode()
        action = client.get("/en/account/tab/pay/").content.decode()
        assert 'id="card-action"' in action
        authenticate_payment(fake_stripe, _secret(action), success=authenticated)
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post("/en/account/tab/pay/", {"action": "check"}, follow=True)
        return done.content.decode()

    failed = pay_with_3d_secure(authenticated=False)
    assert "failed authentication" in failed
    tab.refresh_from_db()
    assert tab.status == Tab.Status.BLOCKED  # still owed; new purchases still refused

    paid = pay_with_3d_secure(authenticated=True)
    assert "your tab is paid" in paid
    tab.refresh_from_db()
    assert tab.status == Tab.Status.SETTLED
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == PaymentStatus.PAID
        assert PaymentEvent.objects.filter(payment__order=order, kind="capture").count() == 1
    settlements = Payment.objects.filter(purpose=PaymentPurpose.TAB_SETTLEMENT).order_by("pk")
    assert [s.status for s in settlements] == ["failed", "failed", "paid"]
    assert settlements.last().amount == Decimal("45.00")
    # Told once, when the first settlement was declined; not again for the failed 3-D Secure.
    assert Message.objects.filter(kind="tab_declined", user=customer).count() == 2  # email + SMS


@pytest.mark.django_db
def test_an_off_session_settlement_the_bank_wants_confirmed_blocks_the_tab_at_once(
    fake_stripe, quiet_tab, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe, card="3ds")
    _tab_orders(customer, "30.00")
    tab = Tab.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        settlement = tab_settle(tab_id=tab.pk)
    tab.refresh_from_db()
    assert settlement.status == PaymentStatus.FAILED
    assert tab.status == Tab.Status.BLOCKED  # not left "settling" with nobody to confirm it
    assert "confirm this payment yourself" in tab.last_error
    told = Message.objects.filter(kind="tab_declined", user=customer)
    assert {m.channel for m in told} == {"email", "sms"}


# --- Settlements left "settling" ---------------------------------------------------------------


def _settlement_left_by_a_dead_worker(tab: Tab) -> Payment:
    """What `tab_settle` leaves when its worker dies right after the tab's lock is released."""
    total = sum(p.amount for p in tab.payments.filter(status=PaymentStatus.ON_TAB))
    Tab.objects.filter(pk=tab.pk).update(status=Tab.Status.SETTLING, settle_attempts=1)
    return payment_create(
        method=PaymentMethod.WALLET,
        amount=total,
        currency=tab.currency,
        purpose=PaymentPurpose.TAB_SETTLEMENT,
        user=tab.user,
        tab=tab,
    )


def _charged_at_stripe_but_not_recorded(settlement: Payment) -> ProviderResult:
    """The worker claimed the settlement and Stripe charged it; the answer was then lost."""
    Payment.objects.filter(pk=settlement.pk, started_at__isnull=True).update(
        started_at=timezone.now()
    )
    customer = StripeCustomer.objects.get(user_id=settlement.user_id)
    card = settlement.user.saved_cards.get(is_default=True)
    return get_provider(PaymentMethod.WALLET).authorize(
        request=PaymentRequest(
            payment_id=settlement.pk,
            order_number=f"tab_settlement-{settlement.pk}",
            amount=settlement.amount,
            currency=settlement.currency,
            idempotency_key=f"payment-{settlement.pk}-start",
            customer_id=settlement.user_id,
            reference="",
            details={
                "payment_method": card.payment_method_id,
                "customer": customer.customer_id,
                "off_session": True,
            },
        )
    )


def _age(tab: Tab, seconds: int = 901) -> None:
    Tab.objects.filter(pk=tab.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_retries_a_settlement_that_never_reached_stripe_on_the_worker(
    fake_stripe, sent, quiet_tab, celery_worker
):
    customer = _customer_with_card_and_address(fake_stripe)
    orders = _tab_orders(customer, "20.00", "30.00")
    tab = Tab.objects.get()
    dead = _settlement_left_by_a_dead_worker(tab)

    # Too early to give up on it: the settlement may still be on its way.
    assert tab_settlement_recover(tab_id=tab.pk) == "nothing to do"
    _age(tab)
    settle_tabs.delay()

    assert wait_until(lambda: Tab.objects.get().status == Tab.Status.SETTLED, timeout=30)
    dead.refresh_from_db()
    assert dead.status == PaymentStatus.VOIDED
    paid = Payment.objects.get(purpose=PaymentPurpose.TAB_SETTLEMENT, status=PaymentStatus.PAID)
    assert paid.amount == Decimal("50.00") and _charges(sent) == 1
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == PaymentStatus.PAID
        assert PaymentEvent.objects.filter(payment__order=order, kind="capture").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_charge_whose_answer_was_lost_is_recorded_once_by_two_recoveries_at_once(
    fake_stripe, sent, quiet_tab
):
    customer = _customer_with_card_and_address(fake_stripe)
    orders = _tab_orders(customer, "20.00", "25.00", "30.00")
    tab = Tab.objects.get()
    settlement = _settlement_left_by_a_dead_worker(tab)
    _charged_at_stripe_but_not_recorded(settlement)
    _age(tab)

    results = run_together(lambda _i: tab_settlement_recover(tab_id=tab.pk), [1, 2])

    assert not any(isinstance(r, Exception) for r in results), results
    assert _charges(sent) == 1  # the lost one only: nothing charged again
    settlement.refresh_from_db()
    tab.refresh_from_db()
    assert settlement.status == PaymentStatus.PAID and settlement.reference.startswith("pi_")
    assert settlement.events.filter(kind="capture").count() == 1
    assert tab.status == Tab.Status.SETTLED
    for order in orders:
        assert PaymentEvent.objects.filter(payment__order=order, kind="capture").count() == 1
    assert tab_settlement_recover(tab_id=tab.pk) == "nothing to do"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_declined_charge_whose_answer_was_lost_blocks_the_tab_and_tells_the_customer_once(
    fake_stripe, sent, quiet_tab
):
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    _tab_orders(customer, "40.00")
    tab = Tab.objects.get()
    settlement = _settlement_left_by_a_dead_worker(tab)
    _charged_at_stripe_but_not_recorded(settlement)
    _age(tab)

    results = run_together(lambda _i: tab_settlement_recover(tab_id=tab.pk), [1, 2])

    assert not any(isinstance(r, Exception) for r in results), results
    settlement.refresh_from_db()
    tab.refresh_from_db()
    assert settlement.status == PaymentStatus.FAILED and tab.status == Tab.Status.BLOCKED
    assert _charges(sent) == 1
    told = Message.objects.filter(kind="tab_declined", user=customer)
    assert told.count() == 2 and {m.channel for m in told} == {"email", "sms"}


@pytest.mark.django_db
def test_a_settlement_given_up_on_that_is_charged_late_is_refunded_in_full(
    fake_stripe, sent, quiet_tab, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe)
    orders = _tab_orders(customer, "20.00", "30.00")
    tab = Tab.objects.get()
    slow = _settlement_left_by_a_dead_worker(tab)
    Payment.objects.filter(pk=slow.pk).update(started_at=timezone.now())  # claimed, not sent
    _age(tab)
    with django_capture_on_commit_callbacks(execute=True):
        assert tab_settlement_recover(tab_id=tab.pk) == "retried: paid"
    tab.refresh_from_db()
    assert tab.status == Tab.Status.SETTLED and _charges(sent) == 1

    # The slow worker's request reaches Stripe after all, and its answer is recorded.
    slow.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _charged_at_stripe_but_not_recorded(slow)
        payment_record(
            payment_id=slow.pk,
            result=answer,
            operation=Operation.START,
            operation_key=f"payment-{slow.pk}-start",
        )
    slow.refresh_from_db()
    assert slow.status == PaymentStatus.REFUNDED
    assert slow.refunds.get().amount == Decimal("50.00")
    for order in orders:  # each order still paid once, by the settlement that counted
        assert PaymentEvent.objects.filter(payment__order=order, kind="capture").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_declined_settlement_run_twice_at_once_charges_once_and_tells_the_customer_once(
    fake_stripe, sent, quiet_tab
):
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    _tab_orders(customer, "20.00", "25.00")
    tab = Tab.objects.get()

    results = run_together(lambda _i: tab_settle(tab_id=tab.pk), [1, 2])

    assert not any(isinstance(r, Exception) for r in results), results
    assert _charges(sent) == 1
    tab.refresh_from_db()
    assert (tab.status, tab.settle_attempts) == (Tab.Status.BLOCKED, 1)
    told = Message.objects.filter(kind="tab_declined", user=customer)
    assert told.count() == 2 and {m.channel for m in told} == {"email", "sms"}


@pytest.mark.django_db
def test_when_stripe_is_unreachable_during_3d_secure_my_tab_says_so_instead_of_looping(
    fake_stripe, client, quiet_tab, settings, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    _tab_orders(customer, "20.00")
    with django_capture_on_commit_callbacks(execute=True):
        tab_settle(tab_id=Tab.objects.get().pk)
    client.force_login(customer)
    setup_intent = _secret(client.get("/en/account/tab/pay/").content.decode()).split("_secret_")[0]
    confirm_card_setup(fake_stripe, setup_intent, "3ds")
    client.post("/en/account/tab/pay/", {"setup_intent": setup_intent})
    assert Tab.objects.get().status == Tab.Status.SETTLING

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe cannot be reached now
    page = client.get("/en/account/tab/pay/")
    assert page["Location"] == "/en/account/tab/"
    shown = client.get("/en/account/tab/").content.decode()
    assert "could not be checked" in shown and "confirm the payment of your tab" in shown
    checked = client.post("/en/account/tab/pay/", {"action": "check"})
    assert checked["Location"] == "/en/account/tab/"
    assert Tab.objects.get().status == Tab.Status.SETTLING  # nothing recorded on a guess


# --- A settlement whose answer from Stripe never came -------------------------------------------


def _stripe_answer_lost_once(monkeypatch) -> list[str]:
    """The first charge reaches Stripe, but its answer is lost (a timeout); later calls work.

    Returns every request path sent, to count charges at Stripe.
    """
    import stripe

    from payments.methods.card import client as card_client

    paths: list[str] = []
    base = type(stripe.new_default_http_client())

    class LosesOneAnswer(base):
        lost = False

        def request(self, method, url, headers, post_data=None, **kwargs):
            paths.append(f"{method} {url}")
            answer = super().request(method, url, headers, post_data, **kwargs)
            if method == "post" and url.endswith("/v1/payment_intents") and not self.lost:
                LosesOneAnswer.lost = True
                raise stripe.APIConnectionError("Request timed out", should_retry=False)
            return answer

    def client_losing_one_answer(api_key: str, api_base: str) -> stripe.StripeClient:
        return stripe.StripeClient(
            api_key, base_addresses={"api": api_base}, http_client=LosesOneAnswer()
        )

    monkeypatch.setattr(card_client, "_client", client_losing_one_answer)
    return paths


@pytest.mark.django_db
def test_a_settlement_that_times_out_is_no_decline_and_recovery_records_the_charge_once(
    fake_stripe, quiet_tab, monkeypatch, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe)
    orders = _tab_orders(customer, "20.00", "30.00")
    tab = Tab.objects.get()
    paths = _stripe_answer_lost_once(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        settlement = tab_settle(tab_id=tab.pk)
        assert tab_settle(tab_id=tab.pk) is None  # the next run does not charge again
    tab.refresh_from_db()
    assert tab.status == Tab.Status.SETTLING and settlement.status == PaymentStatus.UNPAID
    assert not Message.objects.filter(kind="tab_declined").exists()

    _age(tab)
    with django_capture_on_commit_callbacks(execute=True):
        assert tab_settlement_recover(tab_id=tab.pk) == PaymentStatus.PAID
        settle_tabs()

    charges = [p for p in paths if p.startswith("post") and p.endswith("/v1/payment_intents")]
    assert len(charges) == 1  # one charge at Stripe
    tab.refresh_from_db()
    settlement.refresh_from_db()
    assert tab.status == Tab.Status.SETTLED
    assert settlement.status == PaymentStatus.PAID
    assert settlement.events.filter(kind="capture").count() == 1
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == PaymentStatus.PAID
    assert Payment.objects.filter(purpose=PaymentPurpose.TAB_SETTLEMENT).count() == 1
    assert not Message.objects.filter(kind="tab_declined").exists()
