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
    products = Product.objects.count()
    call_command("seed_demo")
    assert Product.objects.count() == products
