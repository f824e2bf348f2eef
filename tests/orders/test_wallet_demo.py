"""The demo customer's wallet, balance and tab, seeded on the fake Stripe server (`make run`)."""

import urllib.request

import pytest
from django.core.management import call_command

from orders.wallet_demo import seed_wallet_demo
from payments.models import BalanceEntry, SavedCard, Tab
from payments.services import balance_of, tab_total
from shop.demo import DEMO_CUSTOMER_PASSWORD, DEMO_CUSTOMERS, seed_accounts
from shop.models import User

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


def _wipe(fake_stripe: str) -> None:
    """What a restart of the fake server does: it forgets every customer and card."""
    request = urllib.request.Request(f"{fake_stripe}/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=5).close()


def test_the_demo_customer_has_a_card_a_balance_with_a_statement_and_an_open_tab(
    seeded_demo, fake_stripe, client, capsys
):
    # The demo was seeded once for this module without the fake server (tests/conftest.py);
    # `make run` seeds again with it running, which adds the card, the balance and the tab.
    call_command("seed_demo")
    customer = User.objects.get(email=DEMO_CUSTOMERS[0][0])
    card = SavedCard.objects.get(user=customer)
    assert card.is_default and card.last4 == "4242"
    entries = BalanceEntry.objects.filter(account__user=customer)
    # A card top-up, a purchase, and the cash of her returned demo order, refunded to it.
    assert sorted(entries.values_list("kind", flat=True)) == ["purchase", "refund", "top_up"]
    balance = balance_of(user_id=customer.pk)
    assert balance > 0
    tab = Tab.objects.get(user=customer)
    assert tab.status == Tab.Status.OPEN and tab.payments.count() == 3
    assert "card •••• 4242" in capsys.readouterr().out

    assert client.login(email=customer.email, password=DEMO_CUSTOMER_PASSWORD)
    assert "•••• 4242" in client.get("/en/account/wallet/").content.decode()
    statement = client.get("/en/account/balance/").content.decode()
    assert "Top-up" in statement and "Purchase" in statement and "Refund" in statement
    assert client.get("/en/account/tab/").content.decode().count("<li>") >= 3

    # Run again, and again after the fake server forgot everything (each `make run`):
    # the same balance and tab, and a card the fake server knows.
    seed_wallet_demo()
    assert SavedCard.objects.get(user=customer).pk == card.pk
    _wipe(fake_stripe)
    seed_wallet_demo()
    again = SavedCard.objects.get(user=customer)
    assert again.payment_method_id != card.payment_method_id
    assert entries.count() == 3 and balance_of(user_id=customer.pk) == balance
    assert tab_total(tab=Tab.objects.get(user=customer)) == tab_total(tab=tab)


def test_without_the_fake_stripe_server_the_demo_says_what_it_skipped():
    # Without the fake_stripe fixture the suite's Stripe is a closed port (tests/settings.py),
    # never a fake server a developer's `make run` keeps on the default port.
    seed_accounts()
    assert "the fake Stripe server is not running" in seed_wallet_demo()
    assert not SavedCard.objects.exists() and not Tab.objects.exists()
