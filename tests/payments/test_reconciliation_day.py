"""The "Payments by day" page and its CSV against a hand count over a generated day.

A day of shop life is generated through the real services at clock times spread over the local
day (plus money moving just before and just after it): cash due, collected and refunded to the
balance; e-checks clearing, cleared, bounced and refunded by a bank transfer not yet paid out;
card captures, declines and refunds as Stripe reports them; differences found with Stripe.
While generating, the test keeps its own tally of what staff should see; the page and the CSV
must show exactly that tally for the day.
"""

import csv
import io
import random
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from payments.interface import Outcome, ProviderResult
from payments.methods.cod.services import refund_account_create
from payments.models import ReconciliationItem
from payments.services import (
    Operation,
    echeck_bounce,
    echeck_clear,
    echeck_create,
    payment_capture,
    payment_create,
    payment_record,
    payment_refund,
    payment_start,
)
from shop.money import format_money
from tests.factories import OrderFactory, StaffFactory, UserFactory

from .test_echeck import _details

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Istanbul")
DAY = date(2026, 11, 17)
FIELDS = ["captured", "refunded", "pending", "failed", "differences"]


def _tally() -> dict[str, dict[str, object]]:
    return defaultdict(
        lambda: {"captured": Decimal("0.00"), "refunded": Decimal("0.00"),
                 "pending": Decimal("0.00"), "failed": 0, "differences": 0}
    )  # fmt: skip


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZONE) + timedelta(minutes=minute)


def _order(method: str, amount: Decimal, user=None):
    order = OrderFactory(payment_method=method, total=amount, user=user or UserFactory())
    payment = payment_create(order=order, method=method, amount=amount, currency="TRY")
    if method == "cod":  # the customer chose store credit (the default is a bank transfer)
        refund_account_create(payment=payment, destination="store_credit")
    return payment


def test_the_daily_page_and_csv_match_a_hand_count_of_a_generated_day(client, time_machine):
    rng = random.Random(20261117)
    tally = _tally()
    # Local minutes of the day, in order, so each step happens after the one before it.
    moments = iter(sorted(rng.sample(range(5, 24 * 60 - 5), 200)))

    def now() -> None:
        time_machine.move_to(_at(DAY, next(moments)), tick=False)

    def amount() -> Decimal:
        return Decimal(rng.randrange(1000, 90000)) / 100

    # Just before the day starts and just after it ends (local time): never in the day's row.
    for edge in (_at(DAY, -3), _at(DAY, 24 * 60 + 3)):
        time_machine.move_to(edge, tick=False)
        edge_payment = payment_start(payment=_order("cod", Decimal("777.77")))
        payment_capture(payment=edge_payment)

    for _ in range(12):  # cash on delivery
        now()
        total = amount()
        payment = payment_start(payment=_order("cod", total))
        fate = rng.choice(["due", "collected", "refunded"])
        if fate == "due":
            tally["cod"]["pending"] += total
            continue
        now()
        payment_capture(payment=payment, amount=total)
        tally["cod"]["captured"] += total
        if fate == "refunded":
            now()
            back = Decimal(rng.randrange(100, int(total * 100))) / 100
            payment_refund(payment=payment, amount=back, reason="İade")  # to the balance
            tally["cod"]["refunded"] += back

    for _ in range(10):  # e-checks
        now()
        total = amount()
        payment = _order("echeck", total)
        echeck_create(payment=payment, details=_details())
        payment = payment_start(payment=payment)
        fate = rng.choice(["clearing", "cleared", "bounced", "refund pending"])
        if fate == "clearing":
            tally["echeck"]["pending"] += total
            continue
        now()
        if fate == "bounced":
            echeck_bounce(payment=payment, reason="Yetersiz bakiye")
            tally["echeck"]["failed"] += 1
            continue
        echeck_clear(payment=payment)
        tally["echeck"]["captured"] += total
        if fate == "refund pending":  # a bank transfer staff have not confirmed: not refunded yet
            payment_refund(payment=payment, amount=total, reason="İade")

    for index in range(14):  # cards, as Stripe reports them
        now()
        total = amount()
        payment = _order("card", total)
        fate = rng.choice(["paid", "declined", "refunded", "differs"])
        outcome = Outcome.FAILED if fate == "declined" else Outcome.CAPTURED
        payment_record(
            payment_id=payment.pk,
            result=ProviderResult(outcome, total, currency="TRY", reference=f"ch_day_{index}"),
            operation=Operation.START,
            operation_key=f"payment-{payment.pk}-start",
        )
        if fate == "declined":
            tally["card"]["failed"] += 1
            continue
        tally["card"]["captured"] += total
        if fate == "refunded":
            now()
            back = Decimal(rng.randrange(100, int(total * 100))) / 100
            payment_record(
                payment_id=payment.pk,
                result=ProviderResult(
                    Outcome.REFUNDED, back, currency="TRY", reference=f"re_day_{index}"
                ),
                operation=Operation.REFUND,
                operation_key=f"refund-day-{index}",
            )
            tally["card"]["refunded"] += back
        if fate == "differs":
            now()
            ReconciliationItem.objects.create(
                kind=ReconciliationItem.Kind.AMOUNT_DIFFERS,
                reference=f"ch_day_{index}",
                payment=payment,
                amount=total,
                currency="TRY",
            )
            tally["card"]["differences"] += 1
    time_machine.move_to(_at(DAY + timedelta(days=2), 600), tick=False)

    client.force_login(StaffFactory())
    url = reverse("admin:payments_payment_daily")
    query = {"from": DAY.isoformat(), "until": DAY.isoformat()}
    expected = {
        method: [f"{values[name]:.2f}" if name in FIELDS[:3] else str(values[name])
                 for name in FIELDS]
        for method, values in tally.items()
    }  # fmt: skip

    rows = list(
        csv.reader(io.StringIO(client.get(url, {**query, "format": "csv"}).content.decode()))
    )
    assert rows[0] == ["day", "method", *FIELDS]
    assert {row[1]: row[2:] for row in rows[1:]} == expected
    assert {row[0] for row in rows[1:]} == {DAY.isoformat()}

    html = client.get(url, query).content.decode()
    cells = re.findall(
        r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>(\w+)</td><td>([^<]+)</td><td>([^<]+)</td>"
        r"<td>([^<]+)</td><td>(\d+)</td><td>(?:<a [^>]*>)?(\d+)",
        html,
    )
    with translation.override(re.search(r'<html lang="(\w+)"', html)[1]):
        shown = {
            method: [
                format_money(Decimal(v)) if name in FIELDS[:3] else v
                for name, v in zip(FIELDS, values, strict=True)
            ]
            for method, values in expected.items()
        }  # fmt: skip  (amounts as the page writes them, in its language)
    assert {method: list(values) for _day, method, *values in cells} == shown
    assert sum(Decimal(v[0]) for v in expected.values()) > 0  # the day really had money in it
