"""Back in stock: one message per request, oldest first, no more than the units × the factor,
sent once however often the task runs, stopping when the stock runs out again; the catalog's
signal fires once per crossing; unconfirmed requests are never told and expire; the opt-out."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import Variant
from catalog.signals import variant_back_in_stock
from crm.journeys.back_in_stock.services import back_in_stock_sweep, stock_alert_request
from crm.models import JourneyRun, StockAlert
from crm.notifications.models import KindSwitch, Message
from tests.factories import UserFactory

from .stock_helpers import restock, sold_out_variant, waiting

pytestmark = pytest.mark.django_db


def _told(variant) -> list[str]:
    """The addresses told about the variant, in the order their messages were queued."""
    return list(
        Message.objects.filter(kind="back_in_stock", subject_type="stock_alert")
        .filter(subject_id__in=[str(a.pk) for a in StockAlert.objects.filter(variant=variant)])
        .order_by("pk")
        .values_list("recipient", flat=True)
    )


def test_a_restock_tells_the_oldest_requests_once_each_no_more_than_the_units(
    django_capture_on_commit_callbacks, mailoutbox
):
    variant = sold_out_variant()
    alerts = waiting(variant, 5)
    restock(variant, 2, django_capture_on_commit_callbacks)

    assert _told(variant) == [alerts[0].email, alerts[1].email]
    first = Message.objects.get(dedupe_key=f"back-in-stock:{alerts[0].pk}")
    assert (first.category, first.channel, first.status) == ("transactional", "email", "sent")
    assert variant.product.name_tr in first.subject_line
    assert "Kişi0" in first.body_text
    assert f"/p/{variant.product.slug_tr}/?variant={variant.sku}" in first.body_text
    assert "/back-in-stock/stop/" in first.body_text
    states = [a.state for a in StockAlert.objects.order_by("created_at")]
    assert states == ["notified", "notified", "waiting", "waiting", "waiting"]
    assert len(mailoutbox) == 2

    assert back_in_stock_sweep() == 0  # the hourly sweep, twice: nobody is told twice
    assert back_in_stock_sweep(variant_id=variant.pk) == 0
    assert _told(variant) == [alerts[0].email, alerts[1].email]
    run = JourneyRun.objects.filter(journey="back_in_stock").order_by("pk").first()
    assert (run.queued, run.error) == (2, "")


def test_while_stock_lasts_the_next_ones_are_told_once_the_first_had_their_day(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_variant()
    alerts = waiting(variant, 5)
    restock(variant, 2, django_capture_on_commit_callbacks)
    assert back_in_stock_sweep() == 0  # the two told still have their turn
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert back_in_stock_sweep() == 2  # nobody bought: the next two hear of it
        assert back_in_stock_sweep() == 0
    assert _told(variant) == [a.email for a in alerts[:4]]


def test_the_factor_lets_more_people_know_than_there_are_units(
    settings, django_capture_on_commit_callbacks
):
    settings.JOURNEY_BACK_IN_STOCK_FACTOR = 1.5
    variant = sold_out_variant()
    alerts = waiting(variant, 5)
    restock(variant, 2, django_capture_on_commit_callbacks)
    assert _told(variant) == [a.email for a in alerts[:3]]


def test_the_rest_keep_waiting_when_the_stock_runs_out_again(django_capture_on_commit_callbacks):
    variant = sold_out_variant()
    alerts = waiting(variant, 3)
    restock(variant, 1, django_capture_on_commit_callbacks)
    assert _told(variant) == [alerts[0].email]

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.stock_allocate(lines=[(variant.pk, 1)])  # sold out again
    assert back_in_stock_sweep() == 0
    assert back_in_stock_sweep(variant_id=variant.pk) == 0
    assert StockAlert.objects.waiting().count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.stock_release(lines=[(variant.pk, 1)])  # the order was cancelled
    assert _told(variant) == [alerts[0].email, alerts[1].email]


def test_the_sweep_catches_a_restock_whose_signal_was_lost():
    variant = sold_out_variant()
    alerts = waiting(variant, 2)
    Variant.objects.filter(pk=variant.pk).update(on_hand=5)  # no signal: as if a worker died
    assert back_in_stock_sweep() == 2
    assert _told(variant) == [a.email for a in alerts]


def test_a_journey_switched_off_tells_nobody_and_its_requests_keep_waiting(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_variant()
    waiting(variant, 1)
    KindSwitch.objects.create(kind="back_in_stock", enabled=False)
    restock(variant, 3, django_capture_on_commit_callbacks)
    assert _told(variant) == [] and StockAlert.objects.waiting().count() == 1


def test_the_catalog_signal_fires_once_on_each_crossing_and_never_otherwise(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_variant()
    heard: list[int] = []

    def listen(sender, variant_id, **kwargs):
        heard.append(variant_id)

    variant_back_in_stock.connect(listen, dispatch_uid="test-listen")
    try:

        def step(change) -> list[int]:
            heard.clear()
            with django_capture_on_commit_callbacks(execute=True):
                change()
            return list(heard)

        adjust = catalog_services.stock_adjust
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            adjust(variant=variant, delta=4, reason="receipt")
            raise RuntimeError  # rolled back: nothing came in, nobody is told
        assert heard == []
        assert step(lambda: adjust(variant=variant, delta=3, reason="receipt")) == [variant.pk]
        assert step(lambda: adjust(variant=variant, delta=2, reason="return")) == []
        assert step(lambda: catalog_services.stock_allocate(lines=[(variant.pk, 5)])) == []
        assert step(lambda: catalog_services.stock_ship(lines=[(variant.pk, 2)])) == []
        assert step(lambda: catalog_services.stock_release(lines=[(variant.pk, 1)])) == [variant.pk]
        assert step(lambda: adjust(variant=variant, delta=-1, reason="damage")) == []
        assert step(lambda: adjust(variant=variant, delta=1, reason="return")) == [variant.pk]
    finally:
        variant_back_in_stock.disconnect(dispatch_uid="test-listen")


def test_a_guest_request_not_confirmed_is_never_told_and_expires(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_variant()
    with django_capture_on_commit_callbacks(execute=True):
        asked = stock_alert_request(
            variant_id=variant.pk, user=None, email="Misafir@Example.com ", language="en"
        )
    assert asked.alert.email == "misafir@example.com" and not asked.confirmed
    restock(variant, 5, django_capture_on_commit_callbacks)
    assert _told(variant) == []
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        back_in_stock_sweep()
    assert not StockAlert.objects.exists()


def test_a_repeated_request_is_one_request_and_a_customer_is_confirmed_at_once(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_variant()
    customer = UserFactory(email="ayse@example.com", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        guest = stock_alert_request(
            variant_id=variant.pk, user=None, email="ayse@example.com", language="tr"
        )
        again = stock_alert_request(
            variant_id=variant.pk, user=None, email="AYSE@example.com", language="tr"
        )
        signed_in = stock_alert_request(
            variant_id=variant.pk, user=customer, email="", language="tr"
        )
    assert again.again and again.alert.pk == guest.alert.pk
    assert signed_in.again and signed_in.confirmed and signed_in.alert.pk == guest.alert.pk
    assert StockAlert.objects.get().user == customer
    assert Message.objects.filter(kind="back_in_stock_confirm").count() == 1
