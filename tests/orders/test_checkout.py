"""Placing an order: what it records, what it refuses, and what follows (payment, messages)."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import ProtectedError
from django.utils import timezone

from catalog import purchases
from catalog.models import Variant
from catalog.services import variant_set_price
from crm.notifications.models import Message
from orders import selectors, services
from orders.exceptions import CartError, CheckoutError, PricesChanged
from orders.legal import Buyer, render_documents
from orders.models import Address, Carrier, Cart, CartStatus, Order, OrderEvent
from orders.states import OrderStatus
from payments.exceptions import PaymentError
from payments.models import Payment
from payments.registry import get_provider
from payments.services import payment_capture, payment_start
from tests.factories import UserFactory

from .helpers import (
    SHIPPING_PRICE,
    cart_with,
    coupon,
    make_checkout_request,
    place,
    shipping_setup,
    status_changes,
    stocked_variant,
    told,
    turkish_address,
)

pytestmark = pytest.mark.django_db

COD_FEE = Decimal(settings.COD_FEE)


@pytest.fixture
def method():
    return shipping_setup()


def _as_written(amount: Decimal) -> tuple[str, str]:
    """An amount as a document may print it: 339.80 or, in Turkish, 339,80."""
    return str(amount), str(amount).replace(".", ",")


def _reloaded(variant: Variant) -> Variant:
    return Variant.objects.get(pk=variant.pk)


def test_placing_an_order_snapshots_lines_totals_and_addresses(method):
    user = UserFactory(verified=True)
    shirt = stocked_variant(
        on_hand=5, price="120.00", product__name_tr="Keten gömlek", product__name_en="Linen shirt"
    )
    book = stocked_variant(
        on_hand=5,
        price="45.50",
        product__name_tr="Şiir kitabı",
        product__name_en="Poetry book",
        product__vat_rate="0.10",
    )
    cart = cart_with((shirt, 2), (book, 1), user=user)

    # Names and labels are copied in the customer's language (Turkish here).
    order, created = services.order_place(request=make_checkout_request(cart))

    assert created
    assert re.fullmatch(r"DK-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", order.number)
    assert (order.user, order.email, order.status) == (user, user.email, "pending_payment")
    assert order.payment_method == "cod"
    assert order.subtotal == Decimal("285.50")
    assert (order.shipping, order.fees) == (SHIPPING_PRICE, COD_FEE)
    assert order.total == Decimal("285.50") + SHIPPING_PRICE + COD_FEE
    assert (order.shipping_method, order.language) == ("Yurtiçi — Standart", "tr")
    assert order.expires_at > timezone.now()

    lines = {line.product_name: line for line in order.lines.all()}
    assert set(lines) == {"Keten gömlek", "Şiir kitabı"}
    shirt_line = lines["Keten gömlek"]
    assert (shirt_line.sku, shirt_line.quantity, shirt_line.unit_price) == (
        shirt.sku,
        2,
        Decimal("120.00"),
    )
    assert (shirt_line.gross, shirt_line.total, shirt_line.vat) == (
        Decimal("240.00"),
        Decimal("240.00"),
        Decimal("40.00"),
    )
    assert (lines["Şiir kitabı"].vat_rate, lines["Şiir kitabı"].vat) == (
        Decimal("0.10"),
        Decimal("4.14"),
    )

    assert order.shipping_address["full_name"] == "Ayşe Yılmaz"
    assert order.shipping_address["lines"] == [
        "Ayşe Yılmaz",
        "Moda",
        "Caferağa Sok. 5",
        "34710 Kadıköy / İstanbul",
    ]
    assert order.billing_address["province"] == "İstanbul"

    # Later catalog changes do not rewrite what was bought.
    shirt.product.name_tr = "Yeni adlı gömlek"
    shirt.product.save()
    variant_set_price(variant=shirt, price=Decimal("999.00"))
    shirt_line.refresh_from_db()
    assert (shirt_line.product_name, shirt_line.unit_price) == ("Keten gömlek", Decimal("120.00"))


def test_placing_closes_the_cart_and_allocates_stock(method):
    variant = stocked_variant(on_hand=5)
    cart = cart_with((variant, 2))
    place(cart)

    assert (_reloaded(variant).on_hand, _reloaded(variant).allocated) == (5, 2)
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.ORDERED
    assert selectors.open_cart(user=None, cart_id=cart.pk) is None
    with pytest.raises(CartError, match="already been checked out"):
        services.cart_add(cart=cart, variant_id=variant.pk)


def test_a_customer_gets_a_fresh_cart_after_ordering(method):
    user = UserFactory(verified=True)
    cart = cart_with((stocked_variant(), 1), user=user)
    place(cart)
    fresh = services.cart_for_user(user=user)
    assert fresh.pk != cart.pk
    assert not fresh.lines.exists()


def test_the_accepted_documents_are_stored_with_version_text_and_ip(method):
    variant = stocked_variant(price="150.00", product__name_en="Linen shirt")
    cart = cart_with((variant, 2))
    order = place(cart, ip_address="198.51.100.23")

    documents = {document.kind: document for document in order.documents.all()}
    assert set(documents) == {"pre_information", "distance_sales"}
    for document in documents.values():
        assert document.version == settings.LEGAL_DOCUMENTS_VERSION
        assert document.ip_address == "198.51.100.23"
        assert document.accepted_at == order.placed_at
        assert document.language == "tr"
        assert variant.product.name_tr in document.text
        assert any(written in document.text for written in _as_written(order.total))


def test_a_digital_item_adds_the_withdrawal_waiver_to_the_documents(method):
    ebook = stocked_variant(product__kind="digital", product__name_en="E-book")
    shirt = stocked_variant()
    priced = selectors.cart_quote(cart=cart_with((ebook, 1), (shirt, 1))).priced
    buyer = Buyer(name="Ayşe Yılmaz", email="a@example.com", phone="")

    documents = render_documents(priced=priced, buyer=buyer, payment_label="Kart", language="en")

    assert [d.kind for d in documents] == ["pre_information", "distance_sales", "digital_waiver"]
    assert all("E-book" in d.text for d in documents)


def test_submitting_the_same_checkout_twice_returns_the_first_order(method):
    variant = stocked_variant(on_hand=5)
    cart = cart_with((variant, 2))
    request = make_checkout_request(cart)

    first, created = services.order_place(request=request)
    again, created_again = services.order_place(request=request)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert Payment.objects.filter(order=first).count() == 1
    assert _reloaded(variant).allocated == 2


def test_a_form_shown_before_the_cart_changed_is_refused(method):
    variant = stocked_variant(on_hand=5)
    cart = cart_with((variant, 1))
    request = make_checkout_request(cart, language="en")
    services.cart_add(cart=cart, variant_id=variant.pk)  # e.g. in another tab

    with pytest.raises(PricesChanged, match="Your cart changed"):
        services.order_place(request=request)
    assert not Order.objects.exists()
    assert _reloaded(variant).allocated == 0
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.OPEN


def test_a_total_other_than_the_one_shown_is_refused(method):
    variant = stocked_variant(on_hand=5, price="100.00")
    cart = cart_with((variant, 1))
    request = make_checkout_request(cart, language="en")
    variant_set_price(variant=variant, price=Decimal("110.00"))  # staff changed the price

    with pytest.raises(PricesChanged, match="Prices in your cart changed"):
        services.order_place(request=request)
    assert not Order.objects.exists()
    assert _reloaded(variant).allocated == 0

    order = place(cart)  # the page is shown again with the new total
    assert order.subtotal == Decimal("110.00")


def test_an_item_sold_out_since_the_page_was_shown_is_refused(method):
    variant = stocked_variant(on_hand=2, product__name_en="Linen shirt")
    cart = cart_with((variant, 2))
    request = make_checkout_request(cart, language="en")
    place(cart_with((variant, 1)))

    with pytest.raises(CheckoutError, match="Linen shirt"):
        services.order_place(request=request)
    assert Order.objects.count() == 1
    assert _reloaded(variant).allocated == 1


def test_a_digital_only_cart_needs_no_address_but_cash_on_delivery_cannot_pay_it(method):
    ebook = stocked_variant(on_hand=0, product__kind="digital")
    cart = cart_with((ebook, 1))
    assert selectors.cart_quote(cart=cart).priced.needs_shipping is False

    request = make_checkout_request(
        cart, language="en", shipping_address=None, accepted_digital_waiver=True
    )
    with pytest.raises(CheckoutError) as refused:
        services.order_place(request=request)
    assert str(refused.value) == "Cash on delivery is not available for digital products."
    assert not Order.objects.exists()


def test_a_physical_cart_needs_a_delivery_address(method):
    cart = cart_with((stocked_variant(), 1))
    with pytest.raises(CheckoutError, match="Enter the delivery address"):
        services.order_place(
            request=make_checkout_request(cart, language="en", shipping_address=None)
        )


def test_an_address_nobody_delivers_to_is_refused(method):
    cart = cart_with((stocked_variant(), 1))
    abroad = turkish_address(country="DE", province="Berlin")
    with pytest.raises(CheckoutError, match="cannot deliver this cart to that address"):
        services.order_place(
            request=make_checkout_request(cart, language="en", shipping_address=abroad)
        )


def test_an_empty_cart_cannot_be_ordered(method):
    cart = services.cart_for_user(user=None)
    with pytest.raises(CheckoutError, match="Your cart is empty"):
        services.order_place(request=make_checkout_request(cart, language="en"))


def test_a_signed_in_customer_must_have_verified_the_email_address(method):
    user = UserFactory()  # not verified
    cart = cart_with((stocked_variant(), 1), user=user)
    with pytest.raises(CheckoutError, match="verify your email address"):
        services.order_place(request=make_checkout_request(cart, language="en"))
    assert not Order.objects.exists()


def test_someone_elses_cart_cannot_be_checked_out(method):
    owner, other = UserFactory(verified=True), UserFactory(verified=True)
    cart = cart_with((stocked_variant(), 1), user=owner)
    with pytest.raises(CheckoutError, match="could not be found"):
        services.order_place(request=make_checkout_request(cart, language="en", user=other))


def test_the_terms_must_be_accepted(method):
    variant = stocked_variant()
    cart = cart_with((variant, 1))
    with pytest.raises(CheckoutError, match="Please accept the pre-information form"):
        services.order_place(
            request=make_checkout_request(cart, language="en", accepted_terms=False)
        )
    assert not Order.objects.exists()
    assert _reloaded(variant).allocated == 0


def test_cash_on_delivery_confirms_the_order_and_tells_the_customer(method):
    variant = stocked_variant(product__name_en="Linen shirt")
    cart = cart_with((variant, 1))
    order = place(cart, email="misafir@example.com")
    assert order.user is None

    payment_start(payment=order.payments.first())

    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, "cod_due")
    assert order.expires_at is None
    assert status_changes(order) == [(OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED)]
    assert told(order, "order_confirmed") == {
        ("email", "misafir@example.com"),
        ("sms", "+905321234567"),
    }
    sent = Message.objects.filter(kind="order_confirmed", subject_id=str(order.pk))
    assert all(order.number in m.body_text for m in sent)

    payment_start(payment=order.payments.first())  # a retry changes nothing
    assert Message.objects.filter(kind="order_confirmed").count() == 2
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_cash_on_delivery_is_not_offered_above_its_limit(method, settings):
    settings.COD_MAX_TOTAL = "100.00"
    cart = cart_with((stocked_variant(price="150.00"), 1))
    with pytest.raises(CheckoutError, match="Cash on delivery is available for orders up to"):
        services.order_place(request=make_checkout_request(cart, language="en"))


def test_a_customer_can_save_the_delivery_address_with_the_order(method):
    user = UserFactory(verified=True)
    cart = cart_with((stocked_variant(), 1), user=user)
    place(cart, save_address=True)
    saved = Address.objects.get(user=user)
    assert (saved.full_name, saved.district) == ("Ayşe Yılmaz", "Kadıköy")


def test_a_product_that_was_sold_cannot_be_deleted(method):
    variant = stocked_variant()
    place(cart_with((variant, 1)))
    with pytest.raises(ProtectedError):
        variant.product.delete()
    with pytest.raises(ProtectedError):
        variant.delete()


def test_a_purchase_counts_for_reviews_only_once_delivered(method):
    user = UserFactory(verified=True)
    variant = stocked_variant()
    order = place(cart_with((variant, 1), user=user))
    bought = lambda: purchases.customer_bought(user_id=user.pk, product_id=variant.product_id)  # noqa: E731

    assert not bought()
    payment_start(payment=order.payments.first())
    assert not bought()  # confirmed, cash still due
    for status in ["preparing", "packed"]:
        services.order_transition(order=order, to=status)
    services.order_ship(order=order, carrier=Carrier.objects.first(), tracking_number="YK1")
    assert not bought()  # on the road
    services.order_step(order=order, to="delivered")
    assert bought()
    assert not purchases.customer_bought(user_id=None, product_id=variant.product_id)


def test_a_purchase_counts_for_reviews_once_paid(method):
    user = UserFactory(verified=True)
    variant = stocked_variant()
    order = place(cart_with((variant, 1), user=user))
    payment = payment_start(payment=order.payments.first())
    payment_capture(payment=payment, details={"collected_by": "kurye"})
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert purchases.customer_bought(user_id=user.pk, product_id=variant.product_id)
    other = stocked_variant()
    assert not purchases.customer_bought(user_id=user.pk, product_id=other.product_id)


def test_starting_the_payment_after_placement_says_where_it_stands(method):
    order = place(cart_with((stocked_variant(), 1)))

    started = services.checkout_payment_start(order=order)

    assert started.problem == ""
    assert started.payment == order.payments.get()
    assert started.payment.status == "cod_due"
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    again = services.checkout_payment_start(order=order)  # a resubmit starts nothing twice
    assert (again.payment.status, again.problem) == ("cod_due", "")
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_a_payment_that_cannot_start_leaves_the_order_waiting_for_payment(method, monkeypatch):
    order = place(cart_with((stocked_variant(), 1)))

    def refuse(*, request: object) -> None:
        raise PaymentError("The payment service is not answering.")

    monkeypatch.setattr(get_provider("cod"), "authorize", refuse)
    started = services.checkout_payment_start(order=order)

    assert started.problem == "The payment service is not answering."
    assert started.payment.status == "unpaid"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.PENDING_PAYMENT, "unpaid")


def test_an_order_without_a_payment_has_nothing_to_start(method):
    order = place(cart_with((stocked_variant(), 1)))
    order.payments.all().delete()

    assert services.checkout_payment_start(order=order) == services.PaymentStart(payment=None)


def test_a_grand_total_other_than_the_one_shown_is_refused(method):
    cart = cart_with((stocked_variant(price="100.00"), 1))
    request = make_checkout_request(cart, language="en")
    shown = replace(request, grand_total=request.grand_total - Decimal("49.90"))  # no shipping
    with pytest.raises(PricesChanged, match=r"The total is now ₺169\.80"):
        services.order_place(request=shown)
    assert not Order.objects.exists()
    assert services.order_place(request=request)[0].total == Decimal("169.80")


def test_a_zero_total_is_confirmed_at_placement_with_no_payment(method):
    ebook = stocked_variant(on_hand=0, product__kind="digital", price="40.00")
    cart = cart_with((ebook, 1))
    services.cart_apply_coupon(
        cart=cart,
        code=coupon("HEPSI", value=Decimal("100")).code,
        user=None,
        email="misafir@example.com",
    )
    order = place(cart, payment_method="", shipping_address=None, accepted_digital_waiver=True)
    assert (order.total, order.status, order.payment_status) == (
        Decimal("0.00"),
        OrderStatus.CONFIRMED,
        "paid",
    )
    assert not Payment.objects.filter(order=order).exists()
    assert services.checkout_payment_start(order=order).payment is None
    assert Message.objects.filter(kind="order_confirmed", subject_id=str(order.pk)).exists()
    assert order.expires_at is None
