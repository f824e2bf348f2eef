"""Exchanges in the returns portal: another size or colour of the same product instead, reserved
at once in one replacement order (however often the form is sent), the price difference paid
from the pay link or refunded with the return, sent when the return arrives (at once for a
trusted customer), and each order's timeline naming the other."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import Variant
from crm.notifications.models import Message
from orders import services
from orders.exceptions import InvalidTransition
from orders.models import Order, OrderEvent, Return, TrustedCustomer
from orders.services import ExchangeItem
from orders.services.replacements import ReplacementRefused
from payments.models import Refund
from payments.services import balance_of
from shop.exceptions import ShopError
from tests.factories import ProductFactory, StaffFactory, UserFactory, VariantFactory

from .fulfilment_helpers import digital_variant, packed_order, pay
from .helpers import cart_with, place, shipping_setup, told
from .returns_helpers import delivered_order
from .test_concurrency import run_together

pytestmark = pytest.mark.django_db

SENDABLE = {"sellable"}
# The exchange page: the session and the viewer, the order with its whole record as its own page
# reads it (lines, payments, parcels, returns…), then the other sizes of its products in one query.
QUERIES_EXCHANGE_PAGE = 14


@pytest.fixture(autouse=True)
def _english():
    shipping_setup()
    with translation.override("en"):
        yield


def _sizes(*prices: str, on_hand: int = 5) -> list[Variant]:
    """One product in several sizes (S, M, L…), each at its price and stock."""
    product = ProductFactory()
    return [
        VariantFactory(product=product, price=Decimal(price), on_hand=on_hand, position=index)
        for index, price in enumerate(prices)
    ]


def _bought(variant: Variant, quantity: int = 1, *, user=None) -> Order:
    return delivered_order((variant, quantity), user=user or UserFactory(verified=True))


def _exchange(order: Order, wanted: Variant, *, quantity: int = 1, key: str = "form-1", **kw):
    line = order.lines.get()
    return services.exchange_request(
        order=order,
        items=[ExchangeItem(order_line_id=line.pk, quantity=quantity, variant_id=wanted.pk)],
        reason_code=kw.pop("reason_code", "wrong_size"),
        key=key,
        **kw,
    )


def _receive(order_return: Return) -> Return:
    restock = {line.pk: "sellable" for line in order_return.lines.all()}
    return services.return_receive(order_return=order_return, restock=restock)


def _allocated(variant: Variant) -> int:
    return Variant.objects.get(pk=variant.pk).allocated


def _kinds(order: Order) -> list[tuple[str, str]]:
    return list(
        OrderEvent.objects.filter(order=order, kind__startswith="exchange").values_list(
            "kind", "note"
        )
    )


def test_an_exchange_at_the_same_price_reserves_the_new_size_at_once_and_ships_when_back():
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)
    before = _allocated(large)

    order_return = _exchange(order, large)

    replacement = order_return.replacement
    assert order_return.code_issued and order_return.kind == "withdrawal"
    assert order_return.amount == 0 and order_return.reason_code == "wrong_size"
    assert _allocated(large) == before + 1
    assert replacement.source == "exchange" and replacement.replacement_for_id == order.pk
    assert replacement.total == 0 and replacement.status == "confirmed"
    assert [
        (line.variant_id, line.quantity, line.unit_price) for line in replacement.lines.all()
    ] == [(large.pk, 1, Decimal("0.00"))]
    # One timeline on both orders: each names the other.
    assert _kinds(order) == [("exchange_requested", replacement.number)]
    assert _kinds(replacement) == [("exchange_for", order.number)]
    # Held until the parcel is back: the warehouse cannot start on it.
    with pytest.raises(InvalidTransition, match=order_return.number):
        services.order_step(order=replacement, to="preparing")

    _receive(order_return)

    assert services.order_step(order=replacement, to="preparing").status == "preparing"
    assert ("exchange_released", order_return.number) in _kinds(replacement)
    refunded = services.return_refund(order_return=Return.objects.get(pk=order_return.pk))
    assert refunded.status == "refunded" and refunded.refund is None  # nothing to give back


def test_the_same_exchange_sent_twice_makes_one_replacement():
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)

    first = _exchange(order, large, key="same-form")
    second = _exchange(Order.objects.get(pk=order.pk), large, key="same-form")

    assert first.pk == second.pk and first.replacement_id == second.replacement_id
    assert Return.objects.filter(order=order).count() == 1
    assert Order.objects.filter(replacement_for=order).count() == 1
    assert _allocated(large) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_exchange_sent_from_two_tabs_at_once_makes_one_replacement():
    shipping_setup()
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)
    line = order.lines.get()

    def send(_: object) -> int:
        made = services.exchange_request(
            order=order,
            items=[ExchangeItem(line.pk, 1, large.pk)],
            reason_code="wrong_size",
            key="one-form",
        )
        return made.replacement_id

    results = run_together(send, [1, 2])

    assert all(isinstance(result, int) for result in results), results
    assert results[0] == results[1]
    assert Order.objects.filter(replacement_for=order).count() == 1
    assert _allocated(large) == 1


def test_a_dearer_size_waits_for_the_difference_from_the_pay_link_then_is_confirmed():
    medium, large = _sizes("100.00", "120.00")
    order = _bought(medium)

    order_return = _exchange(order, large)

    replacement = order_return.replacement
    assert replacement.status == "pending_payment" and replacement.total == Decimal("20.00")
    assert replacement.payment_method == "card" and replacement.payment_status == "unpaid"
    assert _allocated(large) == 1  # reserved while the customer pays
    # Kept for three days, not a checkout's half hour, so the customer has time to pay.
    assert replacement.expires_at - timezone.now() > timedelta(hours=71)
    assert {channel for channel, _ in told(replacement, "exchange_pay_link")} == {"email", "sms"}
    # In the customer's language (Turkish here), with the amount and the link to pay it.
    email = Message.objects.get(kind="exchange_pay_link", channel="email")
    assert email.subject_line == f"{replacement.number} numaralı değişiminiz: farkı ödeyin"
    assert "₺20,00" in email.body_text and order.number in email.body_text
    with translation.override("tr"):
        pay_path = reverse("orders:pay", args=[replacement.number])
    assert pay_path.replace("/", "%2F") in email.body_text
    assert order_return.amount == 0
    _receive(order_return)
    with pytest.raises(ShopError, match="pay the difference"):
        services.return_refund(order_return=Return.objects.get(pk=order_return.pk))

    paid = pay(replacement)

    assert paid.status == "confirmed" and paid.payment_status == "paid"
    assert services.order_step(order=paid, to="preparing").status == "preparing"


def test_a_cheaper_size_refunds_the_difference_when_the_return_is_received():
    medium, small = _sizes("100.00", "80.00")
    customer = UserFactory(verified=True)
    order = _bought(medium, user=customer)

    order_return = _exchange(order, small, refund_to="store_credit")

    assert order_return.amount == Decimal("20.00")
    assert order_return.replacement.total == 0 and order_return.replacement.status == "confirmed"
    refunded = services.return_refund(order_return=_receive(order_return))

    assert refunded.refund.amount == Decimal("20.00")
    assert refunded.refund.status == Refund.Status.SUCCEEDED
    assert balance_of(user_id=customer.pk) == Decimal("20.00")


def test_a_trusted_customers_exchange_ships_at_once():
    medium, large = _sizes("100.00", "100.00")
    customer = UserFactory(verified=True)
    TrustedCustomer.objects.create(user=customer, note="Ten orders, no trouble")
    order = _bought(medium, user=customer)

    order_return = _exchange(order, large)

    assert order_return.replacement_released_at is not None
    replacement = services.order_step(order=order_return.replacement, to="preparing")
    assert replacement.status == "preparing"


def test_a_cancelled_return_cancels_its_exchange_and_gives_the_stock_back():
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)
    order_return = _exchange(order, large)

    services.return_cancel(order_return=order_return, note="The parcel never came.")

    replacement = Order.objects.get(pk=order_return.replacement_id)
    assert replacement.status == "cancelled"
    assert _allocated(large) == 0
    assert Order.objects.get(pk=order.pk).status == "delivered"


def test_an_exchange_left_unpaid_expires_and_the_return_is_refunded_in_full():
    medium, large = _sizes("100.00", "150.00")
    customer = UserFactory(verified=True)
    order = _bought(medium, user=customer)
    order_return = _exchange(order, large, refund_to="store_credit")
    replacement = order_return.replacement

    assert services.order_expire(order_id=replacement.pk, now=timezone.now() + timedelta(days=4))

    assert _allocated(large) == 0
    refunded = services.return_refund(order_return=_receive(order_return))
    assert refunded.refund.amount == order.lines.get().total


# --- bad input: a clear message, nothing written -------------------------------------------


def _nothing_written(order: Order, *variants: Variant) -> None:
    assert not Return.objects.filter(order=order).exists()
    assert not Order.objects.filter(replacement_for=order).exists()
    assert all(_allocated(variant) == 0 for variant in variants)
    assert Order.objects.get(pk=order.pk).status == "delivered"


def test_an_exchange_into_a_size_out_of_stock_is_refused():
    medium, large = _sizes("100.00", "100.00")
    Variant.objects.filter(pk=large.pk).update(on_hand=0)
    order = _bought(medium)

    with pytest.raises(ReplacementRefused, match="out of stock"):
        _exchange(order, large)

    _nothing_written(order, large)


def test_an_exchange_after_the_withdrawal_period_is_refused():
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)
    OrderEvent.objects.filter(order=order, to_status="delivered").update(
        created_at=timezone.now() - timedelta(days=15)
    )

    with pytest.raises(ShopError, match="withdrawal period has ended"):
        _exchange(order, large)

    _nothing_written(order, large)


def test_an_exchange_into_another_product_is_refused():
    medium, _large = _sizes("100.00", "100.00")
    other = VariantFactory(price=Decimal("100.00"))
    order = _bought(medium)

    with pytest.raises(ShopError, match="Only another size or colour"):
        _exchange(order, other)

    _nothing_written(order, other)


def test_an_exchange_into_the_same_size_or_for_another_reason_is_refused():
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)

    with pytest.raises(ShopError, match="other than the one you have"):
        _exchange(order, medium)
    with pytest.raises(ShopError, match="wrong size or colour"):
        _exchange(order, large, reason_code="changed_mind")

    _nothing_written(order, large)


def test_a_digital_product_is_not_exchanged():
    ebook = digital_variant()
    other_format = VariantFactory(product=ebook.product, price=Decimal("50.00"), on_hand=0)
    customer = UserFactory(verified=True)
    order = pay(place(cart_with((ebook, 1), user=customer), payment_method="card"))
    assert order.status == "delivered"  # a digital-only order: delivered with its links
    line = order.lines.get(variant=ebook)

    with pytest.raises(ShopError, match="digital product"):
        services.exchange_request(
            order=order,
            items=[ExchangeItem(line.pk, 1, other_format.pk)],
            reason_code="wrong_size",
            key="k",
        )

    _nothing_written(order)


def test_an_order_not_delivered_yet_is_not_exchanged():
    medium, large = _sizes("100.00", "100.00")
    order = packed_order((medium, 1), user=UserFactory(verified=True))

    with pytest.raises(ShopError, match="once the order has been delivered"):
        _exchange(order, large)

    assert not Return.objects.filter(order=order).exists()
    assert _allocated(large) == 0


# --- the returns portal --------------------------------------------------------------------


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_customer_picks_another_size_in_the_portal_and_lands_on_the_new_order():
    medium, large, small = _sizes("100.00", "120.00", "100.00")
    Variant.objects.filter(pk=small.pk).update(on_hand=0)  # offered, marked out of stock
    customer = UserFactory(verified=True)
    order = _bought(medium, user=customer)
    client = _page_client(customer)
    url = reverse("orders:exchange", args=[order.number])
    line = order.lines.get()

    page = client.get(url)

    assert page.status_code == 200
    options = page.context["form"].fields[f"variant_{line.pk}"].choices
    assert [value for value, _label in options] == ["", large.pk, small.pk]
    assert "(₺20.00 to pay)" in options[1][1] and "(out of stock)" in options[2][1]
    key = page.context["form"]["key"].value()
    data = {f"variant_{line.pk}": large.pk, f"quantity_{line.pk}": 1}
    data |= {"reason_code": "wrong_colour", "key": key}
    answer = client.post(url, data)
    again = client.post(url, data)  # a double click

    replacement = Order.objects.get(replacement_for=order)
    assert answer.status_code == again.status_code == 302
    assert answer["Location"] == reverse("orders:confirmation", args=[replacement.number])
    shown = client.get(answer["Location"]).content.decode()
    assert f'href="{reverse("orders:confirmation", args=[order.number])}"' in shown
    original = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    assert replacement.number in original


def test_bad_exchange_input_in_the_portal_is_a_clear_message_and_another_customers_is_404():
    medium, large = _sizes("100.00", "100.00")
    customer = UserFactory(verified=True)
    order = _bought(medium, user=customer)
    url = reverse("orders:exchange", args=[order.number])
    line = order.lines.get()
    client = _page_client(customer)
    key = client.get(url).context["form"]["key"].value()
    Variant.objects.filter(pk=large.pk).update(on_hand=0)  # sold out since the page opened

    answer = client.post(
        url,
        {f"variant_{line.pk}": large.pk, f"quantity_{line.pk}": 1, "reason_code": "wrong_size"}
        | {"key": key},
    )

    assert answer.status_code == 400
    assert "out of stock" in answer.content.decode()
    _nothing_written(order, large)
    assert _page_client(UserFactory()).get(url).status_code == 404


# --- staff ---------------------------------------------------------------------------------


def test_staff_see_the_exchange_on_the_return_and_receiving_it_releases_the_replacement():
    medium, large = _sizes("100.00", "100.00")
    order = _bought(medium)
    order_return = _exchange(order, large)
    replacement = order_return.replacement
    client = Client()
    client.force_login(StaffFactory())
    url = reverse("admin:orders_return_change", args=[order_return.pk])

    screen = client.get(url).content.decode()
    assert replacement.number in screen and "held until the return is received" in screen
    order_url = reverse("admin:orders_order_change", args=[replacement.pk])
    held = client.get(order_url).content.decode()
    assert f"sent once its return {order_return.number} has arrived" in held
    assert 'value="preparing"' not in held
    answer = client.post(
        reverse("admin:orders_return_act", args=[order_return.pk]),
        {"act": "receive"}
        | {f"restock-{line.pk}": "sellable" for line in order_return.lines.all()},
    )

    assert answer.status_code == 302
    assert "released for shipping" in client.get(url).content.decode()
    assert 'value="preparing"' in client.get(order_url).content.decode()
    assert services.order_step(order=replacement, to="preparing").status == "preparing"


def test_staff_keep_the_trusted_customers_in_the_admin():
    customer = UserFactory(verified=True, email="trusted@example.com")
    staff = StaffFactory()
    client = Client()
    client.force_login(staff)

    answer = client.post(
        reverse("admin:orders_trustedcustomer_add"),
        {"user": customer.pk, "note": "A regular, never a problem"},
    )

    assert answer.status_code == 302
    trust = TrustedCustomer.objects.get(user=customer)
    assert trust.added_by == staff
    listing = client.get(reverse("admin:orders_trustedcustomer_changelist")).content.decode()
    assert "trusted@example.com" in listing


def test_the_exchange_page_and_the_timeline_speak_turkish():
    medium, large = _sizes("100.00", "100.00")
    customer = UserFactory(verified=True, language="tr")
    order = _bought(medium, user=customer)
    client = _page_client(customer)

    with translation.override("tr"):
        page = client.get(reverse("orders:exchange", args=[order.number])).content.decode()
        assert "Neden başka bir tane istiyorsunuz?" in page and "Bu ürünleri değiştir" in page
        order_return = _exchange(order, large)
        shown = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()

    assert "Değişim istendi, yeni ürünler şu siparişte" in shown
    assert order_return.replacement.number in shown


@pytest.mark.parametrize("sizes", [2, 6])
def test_the_exchange_page_reads_the_same_queries_whatever_the_sizes(
    sizes, django_assert_num_queries
):
    variants = _sizes(*["100.00"] * sizes)
    customer = UserFactory(verified=True)
    order = _bought(variants[0], user=customer)
    client = _page_client(customer)
    url = reverse("orders:exchange", args=[order.number])
    client.get(url)  # the options' names are kept per worker after the first read
    with django_assert_num_queries(QUERIES_EXCHANGE_PAGE):
        page = client.get(url)
    options = page.context["form"].fields[f"variant_{order.lines.get().pk}"].choices
    assert len(options) == sizes  # the empty choice and every other size
