"""Demo data for the wallet, the prepaid balance and the tab (issue 13).

The demo customer gets a saved card (on the local fake Stripe server, which `make run` starts
before seeding), a balance with a statement (a card top-up and an order paid from it) and an
open tab with a few small digital items. Idempotent; without the fake server it says so.
"""

from decimal import Decimal

from catalog.models import Variant
from payments.demo import demo_saved_card
from payments.models import BalanceEntry, SavedCard, StripeCustomer, Tab
from payments.services import (
    balance_of,
    balance_top_up_create,
    payment_start,
    tab_current,
    tab_total,
)
from shop.demo import DEMO_CUSTOMERS
from shop.models import User

from .demo import demo_place
from .models import Order
from .services import cart_add, cart_for_user

DEMO_TOP_UP = Decimal("250.00")
BALANCE_ITEM = "DK-TAB-4"
TAB_ITEMS = ("DK-TAB-1", "DK-TAB-2", "DK-TAB-3")


def seed_wallet_demo() -> str:
    customer = User.objects.get(email__iexact=DEMO_CUSTOMERS[0][0])
    card = demo_saved_card(user=customer)
    if card is None:
        return "skipped: the fake Stripe server is not running (make run starts it)"
    entries = BalanceEntry.objects.filter(account__user=customer)
    if not entries.filter(kind=BalanceEntry.Kind.TOP_UP).exists():
        _top_up(customer, card)
    if not entries.filter(kind=BalanceEntry.Kind.PURCHASE).exists():
        _buy(customer, [BALANCE_ITEM], payment_method="stored_value")
    if not Tab.objects.filter(user=customer).exists():
        for sku in TAB_ITEMS:
            _buy(customer, [sku], payment_method="micropayment")
    tab = tab_current(user_id=customer.pk)
    return (
        f"card •••• {card.last4}, balance {balance_of(user_id=customer.pk)}, "
        f"tab {tab_total(tab=tab)} of {customer.email}"
    )


def _top_up(customer: User, card: SavedCard) -> None:
    payment = balance_top_up_create(user=customer, amount=DEMO_TOP_UP)
    stripe_customer = StripeCustomer.objects.get(user=customer)
    payment_start(
        payment=payment,
        details={"payment_method": card.payment_method_id, "customer": stripe_customer.customer_id},
    )


def _buy(customer: User, skus: list[str], *, payment_method: str) -> Order | None:
    variants = list(Variant.objects.filter(sku__in=skus))
    if not variants:  # a catalog without the small digital items
        return None
    cart = cart_for_user(user=customer)
    for variant in variants:
        cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    return demo_place(customer, cart, payment_method=payment_method)
