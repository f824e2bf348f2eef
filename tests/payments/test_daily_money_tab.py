"""The daily money report counts the cash that moved, tab money once.

A tab's orders are charged in one settlement: the settlement's charge is the cash; each tab
order's capture row (covered by it) and a refund taken off the open tab (no cash moved) are not.
Checked against a hand count of one day with tab orders, a card order and their refunds: what
Stripe took and gave back.
"""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from payments.models import Payment, PaymentPurpose
from payments.services import payment_refund, tab_settle
from tests.factories import StaffFactory
from tests.orders.helpers import cart_with, place

from .test_card import _order_and_payment, _pay, fake_stripe_client
from .test_wallet_and_tab import _customer_with_card_and_address, digital

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

DAY = date(2026, 11, 18)


def test_the_daily_report_and_csv_match_what_moved_at_stripe_with_tab_orders(
    fake_stripe, client, time_machine
):
    time_machine.move_to(datetime.combine(DAY, time(11, 0), tzinfo=ZoneInfo("Europe/Istanbul")))
    customer = _customer_with_card_and_address(fake_stripe)
    first = place(cart_with((digital("30.00"), 1), user=customer), payment_method="micropayment")
    second = place(cart_with((digital("35.00"), 1), user=customer), payment_method="micropayment")
    on_tab = first.payments.get()
    payment_refund(payment=on_tab, amount=Decimal("15.00"), reason="Eksik")  # off the open tab
    settlement = tab_settle(tab_id=on_tab.tab_id)
    assert settlement.amount == Decimal("50.00")
    payment_refund(payment=second.payments.get(), amount=Decimal("10.00"), reason="İade")
    _, card = _order_and_payment()
    card = _pay(fake_stripe, card)
    payment_refund(payment=card, amount=Decimal("40.00"), reason="İade")

    # The hand count: what Stripe charged and gave back, per PaymentIntent.
    stripe = fake_stripe_client(fake_stripe)
    intents = Payment.objects.exclude(reference="").filter(
        purpose__in=[PaymentPurpose.ORDER, PaymentPurpose.TAB_SETTLEMENT],
        reference__startswith="pi_",
    )
    charged = sum(
        Decimal(intent.amount) / 100
        for intent in (stripe.v1.payment_intents.retrieve(p.reference) for p in intents)
        if intent.status == "succeeded"
    )
    given_back = sum(
        Decimal(r.amount) / 100
        for p in intents
        for r in stripe.v1.refunds.list(params={"payment_intent": p.reference}).data
    )
    assert (charged, given_back) == (Decimal("199.90"), Decimal("50.00"))  # 50 + 149.90; 10 + 40

    client.force_login(StaffFactory())
    url = reverse("admin:payments_payment_daily")
    query = {"from": DAY.isoformat(), "until": DAY.isoformat()}
    rows = list(
        csv.reader(io.StringIO(client.get(url, {**query, "format": "csv"}).content.decode()))
    )
    by_method = {row[1]: row[2:] for row in rows[1:]}
    # captured, refunded, pending, failed, differences
    assert by_method == {
        "card": ["149.90", "40.00", "0.00", "0", "0"],
        "micropayment": ["0.00", "10.00", "0.00", "0", "0"],  # refunded from the tab's charge
        "wallet": ["50.00", "0.00", "0.00", "0", "0"],  # the tab's one charge, counted once
    }
    assert sum(Decimal(v[0]) for v in by_method.values()) == charged
    assert sum(Decimal(v[1]) for v in by_method.values()) == given_back
    html = client.get(url, query).content.decode()
    assert "100.00" not in html and "65.00" not in html  # no tab money counted twice
