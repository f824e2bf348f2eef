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
