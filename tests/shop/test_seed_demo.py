import pytest
from django.core.management import call_command

from shop.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD
from shop.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_the_admin_can_log_in(client, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    users = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    assert f"{DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}" in first
    assert client.login(email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD)
    assert client.get("/en/admin/").status_code == 200


def test_demo_catalog_is_big_bilingual_and_varied():
    from catalog.models import Category, Product, Variant

    call_command("seed_demo")
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


def test_demo_has_an_order_in_every_status_digital_items_for_the_tab_and_a_saved_address(client):
    from catalog.models import Variant
    from orders.models import Address, Order, OrderEvent
    from orders.states import OrderStatus
    from shop.demo import DEMO_CUSTOMER_PASSWORD, DEMO_CUSTOMERS

    call_command("seed_demo")
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
