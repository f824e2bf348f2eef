"""Returns: withdrawal within the period, defect claims after it, partial and repeated returns,
restocking, the refund exactly once and its credit note; what customer and staff see."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import StockMovement, Variant
from catalog.purchases import customer_bought
from orders import services
from orders.models import CreditNote, DownloadLink, Order, OrderEvent, Return
from orders.selectors.orders import ORDER_PAGES
from orders.services import ReturnError
from payments.models import Payment, Refund
from tests.factories import StaffFactory, UserFactory

from .fulfilment_helpers import digital_variant, pay
from .helpers import cart_with, coupon, place, shipping_setup, stocked_variant, told
from .returns_helpers import delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    shipping_setup()
    with translation.override("en"):
        yield


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _line(order: Order, variant):
    return order.lines.get(variant=variant)


def _customer():
    """A customer with an account. Collected cash comes back by bank transfer unless they
    choose store credit (CREDIT below): then to their balance at once."""
    return UserFactory(verified=True)


# The customer chose store credit for the cash they paid (the default is a bank transfer).
CREDIT = {"refund_to": "store_credit"}


def _delivered_days_ago(order: Order, days: int) -> None:
    OrderEvent.objects.filter(order=order, to_status="delivered").update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_a_withdrawal_within_the_period_gets_its_code_at_once_and_a_refund_deadline():
    shirt, mug = stocked_variant(), stocked_variant(price="40.00")
    order = delivered_order((shirt, 2), (mug, 1))
    line = _line(order, shirt)

    order_return = services.return_request(order=order, quantities={line.pk: 1})

    assert order_return.kind == "withdrawal" and order_return.status == "approved"
    assert order_return.code_issued and order_return.number == f"{order.number}-R1"
    assert order_return.amount == line.total / 2 and order_return.shipping_refund == 0
    due = order_return.refund_due_by - timezone.now()
    assert timedelta(days=13, hours=23) < due <= timedelta(days=14)
    assert Order.objects.get(pk=order.pk).status == "return_requested"
    assert {channel for channel, _ in told(order, "order_return_requested")} == {"email", "sms"}


def test_outside_the_period_a_claim_needs_a_reason_and_a_staff_decision():
    shirt = stocked_variant()
    order = delivered_order((shirt, 2))
    line = _line(order, shirt)
    later = timezone.now() + timedelta(days=15)

    with pytest.raises(ReturnError, match="withdrawal period has ended"):
        services.return_request(order=order, quantities={line.pk: 1}, now=later)
    claim = services.return_request(
        order=order, quantities={line.pk: 2}, reason="The seam is torn.", now=later
    )
    assert claim.kind == "defect" and claim.status == "requested" and not claim.code_issued
    assert claim.refund_due_by is None

    with pytest.raises(ReturnError, match="Say why"):
        services.return_decide(order_return=claim, approve=False)
    services.return_decide(order_return=claim, approve=False, note="Worn, not faulty.")
    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert Order.objects.get(pk=order.pk).status == "delivered"
    assert told(order, "order_return_rejected")
    with pytest.raises(ReturnError):
        services.return_decide(order_return=claim, approve=True)

    # A rejected claim gives the units back: a new claim may be made and approved.
    second = services.return_request(
        order=order, quantities={line.pk: 2}, reason="It really is torn.", now=later
    )
    services.return_decide(order_return=second, approve=True, by=StaffFactory())
    second.refresh_from_db()
    assert second.status == "approved" and second.code_issued and second.refund_due_by
    assert told(order, "order_return_approved")


def test_partial_and_repeated_returns_never_exceed_what_was_bought():
    shirt, mug = stocked_variant(), stocked_variant(price="40.00")
    order = delivered_order((shirt, 2), (mug, 1))
    shirt_line, mug_line = _line(order, shirt), _line(order, mug)

    services.return_request(order=order, quantities={shirt_line.pk: 1})
    with pytest.raises(ReturnError, match="at most 1"):
        services.return_request(order=order, quantities={shirt_line.pk: 2})
    with pytest.raises(ReturnError):
        services.return_request(order=order, quantities={shirt_line.pk: 0})
    second = services.return_request(order=order, quantities={shirt_line.pk: 1, mug_line.pk: 1})
    with pytest.raises(ReturnError, match="at most 0"):
        services.return_request(order=order, quantities={mug_line.pk: 1})

    assert Return.objects.filter(order=order).count() == 2
    # The last units of a line refund exactly what is left of its paid total.
    first = Return.objects.get(number=f"{order.number}-R1")
    shirt_refunds = first.lines.get().amount + second.lines.get(order_line=shirt_line).amount
    assert shirt_refunds == shirt_line.total
    # The whole order is withdrawn now: the second return also gives back the delivery fee and
    # the cash-on-delivery fee (everything paid comes back).
    assert second.shipping_refund == order.shipping + order.fees
    assert order.shipping > 0 and order.fees > 0


def test_a_return_is_refunded_exactly_once_even_when_staff_click_twice():
    shirt = stocked_variant()
    order = delivered_order((shirt, 2), user=_customer())
    order_return = services.return_request(
        order=order, quantities={_line(order, shirt).pk: 1}, **CREDIT
    )
    staff = StaffFactory()
    services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}, by=staff
    )

    with pytest.raises(ReturnError):  # the parcel first
        services.return_refund(
            order_return=services.return_request(
                order=order, quantities={_line(order, shirt).pk: 1}
            )
        )
    services.return_refund(order_return=order_return, by=staff)
    services.return_refund(order_return=order_return, by=staff)

    payment = Payment.objects.get(order=order)
    refund = Refund.objects.get(payment=payment)
    assert refund.amount == order_return.amount and refund.status == "succeeded"
    assert payment.status == "partially_refunded"
    order_return.refresh_from_db()
    assert order_return.status == "refunded" and order_return.refund == refund
    note = CreditNote.objects.get(order=order)
    assert note.refund == refund and note.total == refund.amount
    assert sum(Decimal(line["total"]) for line in note.lines) == refund.amount
    assert len(told(order, "payment_refunded")) == 2  # one email, one SMS


def test_a_downloaded_digital_product_cannot_be_returned_one_not_downloaded_can():
    customer = UserFactory(verified=True)
    book, poems = digital_variant(), digital_variant(title="Şiirler")
    order = pay(place(cart_with((book, 1), (poems, 1), user=customer), payment_method="card"))
    assert order.status == "delivered"
    DownloadLink.objects.filter(order_line=_line(order, book)).update(download_count=1)

    with pytest.raises(ReturnError, match="downloaded"):
        services.return_request(order=order, quantities={_line(order, book).pk: 1})
    order_return = services.return_request(order=order, quantities={_line(order, poems).pk: 1})
    # Nothing to send back: ready for the refund at once, and the links stop working.
    assert order_return.status == "received"
    assert not DownloadLink.objects.filter(order_line=_line(order, poems), revoked=False).exists()


def test_staff_put_returned_units_back_to_sellable_or_write_them_off_as_damaged():
    shirt, mug = stocked_variant(on_hand=10), stocked_variant(on_hand=10, price="40.00")
    order = delivered_order((shirt, 2), (mug, 1))
    on_hand = {v.pk: Variant.objects.get(pk=v.pk).on_hand for v in (shirt, mug)}
    order_return = services.return_request(
        order=order, quantities={_line(order, shirt).pk: 2, _line(order, mug).pk: 1}
    )
    shirt_back = order_return.lines.get(order_line__variant=shirt)
    mug_back = order_return.lines.get(order_line__variant=mug)

    with pytest.raises(ReturnError, match="sellable again or damaged"):
        services.return_receive(order_return=order_return, restock={shirt_back.pk: "sellable"})
    assert Variant.objects.get(pk=shirt.pk).on_hand == on_hand[shirt.pk]  # nothing changed

    restock = {shirt_back.pk: "sellable", mug_back.pk: "damaged"}
    services.return_receive(order_return=order_return, restock=restock)
    services.return_receive(order_return=order_return, restock=restock)  # a second click

    assert Variant.objects.get(pk=shirt.pk).on_hand == on_hand[shirt.pk] + 2
    assert Variant.objects.get(pk=mug.pk).on_hand == on_hand[mug.pk]
    reasons = list(
        StockMovement.objects.filter(variant=mug).order_by("pk").values_list("reason", "delta")
    )
    assert reasons[-2:] == [("return", 1), ("damage", -1)]
    assert told(order, "order_return_received")


def test_the_whole_order_withdrawn_refunds_everything_paid_and_the_order_is_returned():
    shirt = stocked_variant()
    order = delivered_order((shirt, 1), coupon_code=coupon().code, user=_customer())
    line = _line(order, shirt)
    assert line.discount > 0  # the coupon's share is not refunded
    order_return = services.return_request(order=order, quantities={line.pk: 1}, **CREDIT)
    assert order.fees > 0  # cash on delivery: its fee comes back with a whole withdrawal
    assert order_return.amount == line.total + order.shipping + order.fees
    services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}
    )
    services.return_refund(order_return=order_return)

    order.refresh_from_db()
    assert order.status == "returned"
    note = CreditNote.objects.get(order=order)
    assert note.total == order_return.amount
    credited = {line["name"]: Decimal(line["total"]) for line in note.lines}
    assert credited["Delivery"] == order.shipping and credited["Fees"] == order.fees
    assert note.number == f"DKI{timezone.localdate().year}{note.sequence:09d}"


def test_a_return_requested_purchase_still_counts_as_bought_for_reviews():
    customer = UserFactory(verified=True)
    shirt = stocked_variant()
    order = delivered_order((shirt, 2), user=customer)
    services.return_request(order=order, quantities={_line(order, shirt).pk: 1})
    assert Order.objects.get(pk=order.pk).status == "return_requested"
    assert customer_bought(user_id=customer.pk, product_id=shirt.product_id)


def test_a_guests_return_is_refunded_once_staff_confirm_the_bank_transfer():
    shirt = stocked_variant()
    order = delivered_order((shirt, 2))  # a guest: the cash cannot go to a balance
    order_return = services.return_request(order=order, quantities={_line(order, shirt).pk: 1})
    staff = StaffFactory()
    services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}, by=staff
    )
    services.return_refund(order_return=order_return, by=staff)

    refund = Refund.objects.get(payment__order=order)
    assert refund.status == "awaiting_payout" and refund.amount == order_return.amount
    assert not CreditNote.objects.filter(order=order).exists()  # nothing paid back yet

    from payments.services import refund_confirm_payout

    refund_confirm_payout(refund=refund, reference="TR-EFT-0001", by=staff)
    refund_confirm_payout(refund=refund, reference="TR-EFT-0001", by=staff)  # a second click
    assert Refund.objects.get(pk=refund.pk).status == "succeeded"
    assert Return.objects.get(pk=order_return.pk).status == "refunded"
    assert CreditNote.objects.get(order=order).total == order_return.amount


def test_a_refund_without_a_return_gets_a_credit_note_in_proportion():
    shirt, mug = stocked_variant(), stocked_variant(price="40.00")
    order = delivered_order((shirt, 1), (mug, 1), user=_customer())
    payment = Payment.objects.get(order=order)
    from payments.services import payment_refund, refund_confirm_payout

    refund = payment_refund(payment=payment, amount=Decimal("33.33"), reason="Goodwill")
    assert refund.status == "awaiting_payout"  # cash comes back by bank transfer: staff pay it out
    assert not CreditNote.objects.filter(refund=refund).exists()
    refund = refund_confirm_payout(refund=refund, reference="EFT-1")
    note = CreditNote.objects.get(refund=refund)
    assert note.total == Decimal("33.33")
    assert sum(Decimal(line["total"]) for line in note.lines) == Decimal("33.33")
    assert note.invoice == order.invoice


# --- the customer's pages -------------------------------------------------------------------


def test_the_customer_requests_a_return_from_the_order_page_without_javascript():
    customer = UserFactory(verified=True, language="en")
    shirt = stocked_variant()
    order = delivered_order((shirt, 2), user=customer, language="en")
    line = _line(order, shirt)
    client = _signed_in(customer)
    order_url = reverse("orders:confirmation", args=[order.number])
    return_url = reverse("orders:return", args=[order.number])

    page = client.get(order_url).content.decode()
    assert f'href="{return_url}"' in page
    form = client.get(return_url).content.decode()
    assert f'<label for="id_quantity_{line.pk}">' in form and "without giving a reason" in form

    bad = client.post(return_url, {f"quantity_{line.pk}": "3"})
    assert bad.status_code == 400 and not Return.objects.exists()
    nothing = client.post(return_url, {f"quantity_{line.pk}": "0"})
    assert nothing.status_code == 400 and "Choose at least one item" in nothing.content.decode()

    done = client.post(return_url, {f"quantity_{line.pk}": "1"}, follow=True)
    page = done.content.decode()
    order_return = Return.objects.get()
    assert order_return.number in page and "Return requested" in page
    assert "Refund once the items are back" in page


def test_after_the_period_the_form_asks_for_the_fault():
    customer = UserFactory(verified=True, language="en")
    shirt = stocked_variant()
    order = delivered_order((shirt, 1), user=customer, language="en")
    _delivered_days_ago(order, 20)
    client = _signed_in(customer)
    return_url = reverse("orders:return", args=[order.number])
    line = _line(order, shirt)

    assert client.post(return_url, {f"quantity_{line.pk}": "1"}).status_code == 400
    client.post(return_url, {f"quantity_{line.pk}": "1", "reason": "Does not switch on."})
    assert Return.objects.get().status == "requested"


def test_another_customers_return_form_and_credit_note_are_not_found():
    owner = UserFactory(verified=True)
    shirt = stocked_variant()
    order = delivered_order((shirt, 1), user=owner)
    order_return = services.return_request(
        order=order, quantities={_line(order, shirt).pk: 1}, **CREDIT
    )
    services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}
    )
    services.return_refund(order_return=order_return)
    note = CreditNote.objects.get(order=order)
    credit_url = reverse("orders:credit_note", args=[order.number, note.number])

    mine = _signed_in(owner).get(credit_url)
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    stranger = _signed_in(UserFactory(verified=True))
    assert stranger.get(credit_url).status_code == 404
    assert stranger.get(reverse("orders:return", args=[order.number])).status_code == 404
    assert Client().get(credit_url).status_code == 404
    other = delivered_order((stocked_variant(), 1), user=UserFactory(verified=True))
    wrong_pair = reverse("orders:credit_note", args=[other.number, note.number])
    assert _signed_in(other.user).get(wrong_pair).status_code == 404


def _returned_and_refunded(order: Order, *variants) -> None:
    for variant in variants:
        order_return = services.return_request(
            order=order, quantities={_line(order, variant).pk: 1}, **CREDIT
        )
        services.return_receive(
            order_return=order_return, restock={order_return.lines.get().pk: "sellable"}
        )
        services.return_refund(order_return=order_return)


def test_the_order_page_with_returns_and_credit_notes_keeps_its_query_count(
    django_assert_max_num_queries,
):
    """Returns, their lines and credit notes are three fixed queries (14 → 15 at most: the
    page without returns skips the lines); more returns add none; kept, the page needs two."""
    customer = UserFactory(verified=True)
    shirt, mug, pen = stocked_variant(), stocked_variant(price="40.00"), stocked_variant()
    small = delivered_order((shirt, 2), user=customer)
    _returned_and_refunded(small, shirt)
    big = delivered_order((shirt, 2), (mug, 1), (pen, 3), user=customer)
    _returned_and_refunded(big, shirt, mug, pen)
    client = _signed_in(customer)
    small_url = reverse("orders:confirmation", args=[small.number])
    big_url = reverse("orders:confirmation", args=[big.number])
    assert client.get(big_url).content.decode().count('class="credit-note-link"') == 3

    client.get(small_url)
    ORDER_PAGES.clear()  # loaded afresh (the version of what it shows, then everything)
    with django_assert_max_num_queries(15) as small_run:
        client.get(small_url)
    with django_assert_max_num_queries(len(small_run.captured_queries)):
        client.get(big_url)
    with django_assert_max_num_queries(2):  # kept: the session's user and the version
        client.get(big_url)


# --- staff ------------------------------------------------------------------------------


def test_staff_handle_a_return_in_the_admin_only_with_the_permission():
    shirt = stocked_variant()
    order = delivered_order((shirt, 1), user=_customer())
    order_return = services.return_request(
        order=order, quantities={_line(order, shirt).pk: 1}, **CREDIT
    )
    act = reverse("admin:orders_return_act", args=[order_return.pk])
    restock = {f"restock-{order_return.lines.get().pk}": "damaged"}

    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="view_return"))
    client = _signed_in(clerk)
    client.post(act, {"act": "receive", **restock})
    assert Return.objects.get().status == "approved"

    clerk.user_permissions.add(Permission.objects.get(codename="handle_return"))
    client.post(act, {"act": "receive", **restock})
    assert Return.objects.get().status == "received"
    client.post(act, {"act": "refund"})  # refunding also needs payments.refund_payment
    assert not Refund.objects.exists()
    clerk.user_permissions.add(Permission.objects.get(codename="refund_payment"))
    client.post(act, {"act": "refund"})
    client.post(act, {"act": "refund"})
    assert Refund.objects.get().amount == order_return.amount

    admin = _signed_in(StaffFactory())
    screen = admin.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert order_return.number in screen
    note = CreditNote.objects.get()
    pdf = admin.get(reverse("admin:orders_creditnote_pdf", args=[note.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_staff_see_refunds_coming_due():
    shirt = stocked_variant()
    late = delivered_order((shirt, 1))
    soon = delivered_order((shirt, 1))
    late_return = services.return_request(order=late, quantities={_line(late, shirt).pk: 1})
    services.return_request(order=soon, quantities={_line(soon, shirt).pk: 1})
    Return.objects.filter(pk=late_return.pk).update(
        refund_due_by=timezone.now() - timedelta(days=1)
    )
    client = _signed_in(StaffFactory())
    listing = reverse("admin:orders_return_changelist")

    overdue = client.get(listing, {"due": "overdue"}).content.decode()
    assert late_return.number in overdue and f"{soon.number}-R1" not in overdue
    everything = client.get(listing).content.decode()
    assert everything.index(late_return.number) < everything.index(f"{soon.number}-R1")


def test_an_order_being_returned_is_moved_only_by_its_returns_not_by_staff_steps():
    from orders.exceptions import InvalidTransition

    shirt = stocked_variant()
    order = delivered_order((shirt, 1))
    with pytest.raises(InvalidTransition):
        services.order_step(order=order, to="return_requested")
    services.return_request(order=order, quantities={_line(order, shirt).pk: 1})
    order.refresh_from_db()
    assert services.order_next_steps(order=order) == []
    with pytest.raises(InvalidTransition):
        services.order_step(order=order, to="delivered")
    assert Order.objects.get(pk=order.pk).status == "return_requested"
