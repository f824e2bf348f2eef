import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from shop.models import CalendarDay, User

pytestmark = pytest.mark.django_db


# The demo is seeded once for this module (tests/conftest.py, `seeded_demo`), in a transaction
# rolled back at its end; each test's own changes roll back to it, as usual. Each test seeds
# again on top: the run a developer repeats, which must change nothing.


def test_seed_demo_is_idempotent_and_the_admin_can_log_in(seeded_demo, client, capsys):
    first = seeded_demo  # what the first run (on an empty database) printed
    users, days = User.objects.count(), CalendarDay.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    # This year's and next year's holidays are in the business calendar, once.
    year = timezone.localdate().year
    assert CalendarDay.objects.count() == days
    assert {d.year for d in CalendarDay.objects.values_list("date", flat=True)} == {year, year + 1}
    assert f"{DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}" in first
    assert f"{DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}" in capsys.readouterr().out
    assert client.login(email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD)
    assert client.get("/en/admin/").status_code == 200


def test_demo_catalog_is_big_bilingual_and_varied(seeded_demo):
    from catalog.models import Category, Product, Variant

    active = Product.objects.filter(status="active")
    assert active.count() >= 300
    assert 15 <= Category.objects.count() <= 25
    assert active.filter(kind="digital").exists() and active.filter(kind="physical").exists()
    assert not active.filter(name_en="").exists() and not active.filter(name_tr="").exists()
    assert Variant.objects.filter(sale_price__isnull=False).exists()
    assert active.filter(kind="physical", in_stock=False).exists()
    # Every digital product delivers something, so a paid digital order shows download links.
    assert not Product.objects.filter(kind="digital", files__isnull=True).exists()
    products = Product.objects.count()
    call_command("seed_demo")
    assert Product.objects.count() == products


def test_demo_has_an_order_in_every_status_digital_items_for_the_tab_and_a_saved_address(
    seeded_demo, client
):
    from catalog.models import Variant
    from orders.models import Address, Order, OrderEvent
    from orders.states import OrderStatus
    from shop.demo import DEMO_CUSTOMER_PASSWORD, DEMO_CUSTOMERS

    email = DEMO_CUSTOMERS[0][0]
    orders = Order.objects.filter(user__email=email)
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    returned = orders.get(status=OrderStatus.RETURNED)
    assert OrderEvent.objects.filter(order=returned).count() >= 9  # every step was a transition
    small_digital = Variant.objects.filter(
        product__kind="digital", product__status="active", price__lte=50
    )
    assert small_digital.count() >= 3
    address = Address.objects.get(user__email=email)
    assert address.is_default_shipping

    counts = (orders.count(), Variant.objects.count(), Address.objects.count())
    call_command("seed_demo")
    assert (orders.count(), Variant.objects.count(), Address.objects.count()) == counts

    assert client.login(email=email, password=DEMO_CUSTOMER_PASSWORD)
    page = client.get("/en/account/orders/").content.decode()
    assert returned.number in page


def test_the_demo_return_orders_have_their_returns_refund_and_credit_note(
    seeded_demo, client, admin_client
):
    from orders.models import CreditNote, Order, Return
    from orders.states import OrderStatus, ReturnStatus
    from payments.models import BalanceEntry
    from shop.demo import DEMO_CUSTOMER_PASSWORD, DEMO_CUSTOMERS

    email = DEMO_CUSTOMERS[0][0]
    orders = Order.objects.filter(user__email=email)
    requested = orders.get(status=OrderStatus.RETURN_REQUESTED)
    returned = orders.get(status=OrderStatus.RETURNED)
    # A withdrawal under way: its return code issued, waiting for the parcel.
    pending = requested.returns.get()
    assert (pending.number, pending.kind, pending.status) == (
        f"{requested.number}-R1",
        "withdrawal",
        ReturnStatus.APPROVED,
    )
    # The returned order: received, refunded in full (delivery and the cash fee too) to her
    # balance, as she chose store credit for the cash she paid, with its credit note.
    done = returned.returns.get()
    assert done.status == ReturnStatus.REFUNDED and done.refund.status == "succeeded"
    assert done.amount == returned.total and done.lines.get().restock == "sellable"
    note = CreditNote.objects.get(order=returned)
    assert note.total == done.amount and not CreditNote.objects.filter(order=requested).exists()
    refund_entry = BalanceEntry.objects.get(account__user__email=email, kind="refund")
    assert refund_entry.amount == done.amount

    counts = (Return.objects.count(), CreditNote.objects.count(), BalanceEntry.objects.count())
    call_command("seed_demo")
    assert (Return.objects.count(), CreditNote.objects.count(), BalanceEntry.objects.count()) == (
        counts
    )

    # What she and staff see agree: the return codes on her order pages, both in the admin.
    assert client.login(email=email, password=DEMO_CUSTOMER_PASSWORD)
    assert pending.number in client.get(f"/en/orders/{requested.number}/").text
    order_page = client.get(f"/en/orders/{returned.number}/").text
    assert done.number in order_page and note.number in order_page
    returns_list = admin_client.get("/en/admin/orders/return/").text
    assert pending.number in returns_list and done.number in returns_list


def _awaiting_payment(email: str):
    from orders.models import Order

    return Order.objects.filter(user__email=email, status="pending_payment")


def test_the_demo_order_awaiting_payment_outlives_the_expiry_job_a_shoppers_does_not(seeded_demo):
    """`make run` runs the expiry job every few minutes: an hour and a day after the demo was
    seeded, her order still awaits payment, while another customer's unpaid order expired."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from catalog.models import Variant
    from orders.demo import demo_place
    from orders.services import cart_add, cart_for_user
    from orders.tasks import expire_unpaid_orders
    from shop.demo import DEMO_CUSTOMERS

    demo_order = _awaiting_payment(DEMO_CUSTOMERS[0][0]).get()
    shopper = User.objects.get(email=DEMO_CUSTOMERS[1][0])
    cart = cart_for_user(user=shopper)
    cart_add(cart=cart, variant_id=Variant.objects.filter(on_hand__gte=5).first().pk, quantity=1)
    shoppers = demo_place(shopper, cart, payment_method="cod", start_payment=False)
    seeded = timezone.now()
    for later, expired in ((timedelta(hours=1), 1), (timedelta(days=1), 0)):
        with time_machine.travel(seeded + later, tick=False):
            assert expire_unpaid_orders() == expired
        demo_order.refresh_from_db()
        shoppers.refresh_from_db()
        assert demo_order.status == "pending_payment", later
        assert (shoppers.status, shoppers.cancel_reason) == ("cancelled", "expired")


def test_each_start_keeps_the_demo_order_awaiting_payment_or_places_it_again(seeded_demo):
    """A start a month on pushes her order's deadline out again; a year on, once the job has
    cancelled it (or she paid or cancelled it), the start places a new one: she always has one."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from orders.demo import DEMO_PAYMENT_WAIT
    from orders.models import Order
    from orders.tasks import expire_unpaid_orders
    from shop.demo import DEMO_CUSTOMERS

    email = DEMO_CUSTOMERS[0][0]
    first = _awaiting_payment(email).get()
    orders = Order.objects.filter(user__email=email).count()
    month_on = timezone.now() + timedelta(days=30)
    with time_machine.travel(month_on, tick=False):
        call_command("seed_demo")
    first.refresh_from_db()
    assert first.expires_at >= month_on + DEMO_PAYMENT_WAIT - timedelta(minutes=1)
    assert Order.objects.filter(user__email=email).count() == orders

    year_on = first.expires_at + timedelta(days=1)
    with time_machine.travel(year_on, tick=False):
        assert expire_unpaid_orders() == 1
        call_command("seed_demo")
        call_command("seed_demo")  # a second start within the year changes nothing
    first.refresh_from_db()
    assert (first.status, first.cancel_reason) == ("cancelled", "expired")
    again = _awaiting_payment(email).get()
    assert again.expires_at >= year_on + DEMO_PAYMENT_WAIT - timedelta(minutes=1)
    assert Order.objects.filter(user__email=email).count() == orders + 1
