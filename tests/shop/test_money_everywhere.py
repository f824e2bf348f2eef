"""Money is written one way (issue 25): every amount a customer or staff member sees goes
through shop.money.format_money (the `|money` filter), in the page's language: ₺1.234,50 in
Turkish, ₺1,234.50 in English, never "317.00 TRY".

The pages, messages and notes are made the way a customer or staff member makes them (pages over
HTTP, the checkout, the admin, a Stripe webhook); a contract test reads the source so that a new
"%(amount)s %(currency)s" fails here before anyone sees it.
"""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from crm.notifications.kinds import all_kinds
from crm.notifications.models import Channel, Message
from crm.notifications.rendering import render_message
from orders.exceptions import CheckoutError
from orders.models import Order
from payments.interface import Outcome, ProviderResult
from payments.methods.stored_value.services import balance_top_up_refund
from payments.models import Payment, SavedCard
from payments.registry import get_provider
from payments.services import (
    BalanceError,
    Operation,
    balance_adjust,
    balance_top_up_create,
    payment_create,
    payment_record,
    payment_start,
)
from payments.states import PaymentStatus
from shop.money import format_money
from tests.factories import OrderFactory, StaffFactory, UserFactory
from tests.orders.helpers import cart_with, coupon, place, shipping_setup, stocked_variant
from tests.payments.conftest import stripe_event_post  # noqa: F401 (a fixture)
from tests.payments.test_money_admin import _paid_cod

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
# An amount with a currency code written beside it by hand: "317.00 TRY", "TRY 317.00".
HAND_WRITTEN = re.compile(r"\d\s*TRY\b|\bTRY\s*\d")
LANGUAGES = ["en", "tr"]


def _hand_written(text: str) -> list[str]:
    """Each hand-written amount in the text, with a little of what surrounds it."""
    return [text[max(m.start() - 40, 0) : m.end() + 10] for m in HAND_WRITTEN.finditer(text)]


def _money(amount: str, language: str) -> str:
    with translation.override(language):
        return format_money(Decimal(amount))


def _url(language: str, name: str, *args: object) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def _page(client, url: str, **kwargs: object) -> str:
    response = client.post(url, **kwargs) if kwargs else client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    return response.content.decode()


def _customer(language: str, balance: str = "317.00"):
    customer = UserFactory(verified=True, language=language)
    balance_adjust(user=customer, amount=Decimal(balance), reason="Credit", by=StaffFactory())
    return customer


def _digital(price: str):
    return stocked_variant(on_hand=0, price=price, product__kind="digital")


# --- The customer's pages ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_customers_money_pages_write_every_amount_with_the_shops_formatter(
    client, language, settings
):
    settings.BALANCE_TOP_UP_MIN, settings.BALANCE_TOP_UP_MAX = "20.00", "5000.00"
    customer = _customer(language)
    client.force_login(customer)
    pages = {}

    # Checkout: 1,100.90 to pay from a balance of 317.00 (the issue's own example).
    cart = cart_with((_digital("1100.90"), 1), user=customer)
    pages["checkout"] = _page(client, _url(language, "orders:checkout"))
    # Cart: a code whose minimum the basket does not reach.
    coupon("MIN5000", min_basket=Decimal("5000.00"))
    pages["cart"] = client.post(
        _url(language, "orders:cart_coupon"), {"code": "MIN5000"}, follow=True
    ).content.decode()
    cart.lines.all().delete()
    # Balance: a top-up under the minimum is refused on the page.
    pages["balance"] = _page(client, _url(language, "wallet:balance"), data={"amount": "5"})
    pages["tab"] = _page(client, _url(language, "wallet:tab"))
    pages["wallet"] = _page(client, _url(language, "wallet:cards"))
    # The order page of a delivered-by-courier order, and the pay page of a card order.
    shipping_setup()
    cod = place(cart_with((stocked_variant(price="1234.50"), 1), user=customer), language=language)
    pages["order"] = _page(client, _url(language, "orders:confirmation", cod.number))
    pages["my orders"] = _page(client, _url(language, "orders:order_list"))

    for name, html in pages.items():
        assert not _hand_written(html), (name, _hand_written(html))
    short = {
        "en": f"Your balance is {_money('317', 'en')}: {_money('783.90', 'en')} short.",
        "tr": f"Bakiyeniz {_money('317', 'tr')}: {_money('783.90', 'tr')} eksik.",
    }[language]
    assert short in pages["checkout"]
    assert {
        "en": "Your balance is ₺317.00: ₺783.90 short.",
        "tr": "Bakiyeniz ₺317,00: ₺783,90 eksik.",
    }[language] == short
    assert _money("5000", language) in pages["cart"]  # the coupon's minimum
    assert f"{_money('20', language)}–{_money('5000', language)}" in pages["balance"]  # the label
    assert {"en": "between ₺20.00 and ₺5,000.00", "tr": "₺20,00 ile ₺5.000,00 arasında"}[
        language
    ] in pages["balance"]  # the refusal
    assert _money("1234.50", language) in pages["order"]


@pytest.mark.stripe
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_card_pages_pay_buttons_write_the_amount_with_the_shops_formatter(
    client, fake_stripe, language, settings, django_capture_on_commit_callbacks
):
    from payments.models import Tab
    from payments.services import tab_settle
    from tests.payments.test_wallet_and_tab import _customer_with_card_and_address

    settings.TAB_ORDER_LIMIT, settings.TAB_SETTLE_THRESHOLD = "50.00", "1000.00"
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    customer.language = language
    customer.save(update_fields=["language"])
    client.force_login(customer)

    top_up = balance_top_up_create(user=customer, amount=Decimal("250.00"))
    top_up_page = _page(client, _url(language, "wallet:top_up_pay", top_up.pk))
    place(cart_with((_digital("40.00"), 1), user=customer), payment_method="micropayment")
    with django_capture_on_commit_callbacks(execute=True):
        tab_settle(tab_id=Tab.objects.get().pk)  # declined: the customer pays it on "My tab"
    tab_page = _page(client, _url(language, "wallet:tab_pay"))
    card = place(
        cart_with((_digital("1099.90"), 1), user=customer),
        payment_method="card",
        language=language,
    )
    pay_page = _page(client, _url(language, "orders:pay", card.number))

    pay = {"en": "Pay {}", "tr": "{} öde"}[language]
    assert pay.format(_money("250", language)) in top_up_page
    assert {"en": "Pay ₺250.00", "tr": "₺250,00 öde"}[language] in top_up_page
    assert pay.format(_money("40", language)) in tab_page
    assert _money(str(card.total), language) in pay_page
    for html in (top_up_page, tab_page, pay_page, _page(client, _url(language, "wallet:tab"))):
        assert not _hand_written(html), _hand_written(html)


# --- The messages ------------------------------------------------------------------------------


def _sample(kind) -> dict:
    """The kind's preview context, with the amounts the templates may ask for."""
    context = {**kind.sample_context}
    context.setdefault("refunded", "1234.50")
    context.setdefault("total", "1234.50")
    context.setdefault("currency", "TRY")
    return context


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_template_writes_its_amounts_with_the_shops_formatter(language):
    templates = ROOT / "templates" / "notifications"
    checked = 0
    for kind in all_kinds():
        source = "".join(p.read_text() for p in (templates / kind.name).glob("*.*"))
        for channel in kind.channels:
            rendered = render_message(
                kind=kind.name,
                category=kind.category,
                channel=channel,
                language=language,
                context=_sample(kind),
            )
            text = f"{rendered.subject}\n{rendered.text}\n{rendered.html}"
            assert not _hand_written(text), (kind.name, channel, _hand_written(text))
            if "|money" in source and channel == Channel.EMAIL:
                assert "₺" in text, kind.name  # the amount is there, written by the shop
                checked += 1
    assert checked >= 8  # orders' and payments' money messages were among them
    confirmed = render_message(
        kind="order_confirmed",
        category="transactional",
        channel=Channel.SMS,
        language=language,
        context={**_sample(next(k for k in all_kinds() if k.name == "order_confirmed"))},
    )
    assert _money("249.90", language) in confirmed.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_messages_an_order_sends_write_amounts_in_the_customers_language(language):
    shipping_setup()
    customer = UserFactory(verified=True, language=language)
    order = place(
        cart_with((stocked_variant(price="1234.50"), 1), user=customer), language=language
    )
    payment_start(payment=order.payments.get())  # cash on delivery: confirmed, the customer told
    sent = Message.objects.filter(subject_id=str(order.pk))
    assert sent.exists()
    for message in sent:
        text = f"{message.subject_line}\n{message.body_text}\n{message.body_html}"
        assert not _hand_written(text), (message.kind, _hand_written(text))
    assert any(_money(str(order.total), language) in m.body_text for m in sent)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_checkouts_refusals_write_amounts_in_the_customers_language(language, settings):
    settings.TAB_ORDER_LIMIT, settings.TAB_CREDIT_LIMIT = "50.00", "60.00"
    settings.TAB_SETTLE_THRESHOLD, settings.COD_MAX_TOTAL = "1000.00", "1000.00"
    customer = _customer(language)
    SavedCard.objects.create(
        user=customer,
        payment_method_id="pm_money",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2031,
        is_default=True,
    )  # fmt: skip  (the tab needs a card to settle with)
    refusals = []
    for variant, method in [
        (_digital("1100.90"), "stored_value"),  # the balance falls short
        (_digital("50.10"), "micropayment"),  # over the tab's order limit
        (stocked_variant(price="1000.01"), "cod"),  # over the cash-on-delivery limit
    ]:
        if method == "cod":
            shipping_setup()
        with pytest.raises(CheckoutError) as refused:
            place(cart_with((variant, 1), user=customer), payment_method=method, language=language)
        refusals.append(str(refused.value))
        customer.carts.filter(status="open").delete()
    place(cart_with((_digital("40.00"), 1), user=customer), payment_method="micropayment")
    with pytest.raises(CheckoutError) as refused:  # past the tab's credit limit
        place(
            cart_with((_digital("30.00"), 1), user=customer),
            payment_method="micropayment",
            language=language,
        )
    refusals.append(str(refused.value))
    # The balance checked again under its lock at placement (a race a page cannot stage).
    with translation.override(language):
        with pytest.raises(Exception) as raced:
            get_provider("stored_value").place_check(
                customer_id=customer.pk, amount=Decimal("1100.90"), currency="TRY"
            )
        with pytest.raises(BalanceError) as below_zero:
            balance_adjust(user=customer, amount=Decimal("-400"), reason="x", by=StaffFactory())
    refusals += [str(raced.value), str(below_zero.value)]

    for text in refusals:
        assert not _hand_written(text), text
    assert _money("783.90", language) in refusals[0]
    assert _money("50", language) in refusals[1]
    assert _money("1000", language) in refusals[2]
    assert _money("60", language) in refusals[3] and _money("40", language) in refusals[3]
    assert _money("317", language) in refusals[4] and _money("1100.90", language) in refusals[4]
    assert _money("400", language) in refusals[5]
    if language == "tr":
        assert "₺1.000,00" in refusals[2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_top_up_whose_credit_was_spent_says_so_in_the_shops_money(language):
    customer = UserFactory(verified=True, language=language)
    top_up = balance_top_up_create(user=customer, amount=Decimal("100.00"))
    payment_record(
        payment_id=top_up.pk,
        result=ProviderResult(
            Outcome.CAPTURED, Decimal("100.00"), currency="TRY", reference="pi_t"
        ),
        operation=Operation.START,
        operation_key=f"payment-{top_up.pk}-start",
    )
    place(cart_with((_digital("80.00"), 1), user=customer), payment_method="stored_value")
    with translation.override(language), pytest.raises(Exception) as refused:
        balance_top_up_refund(payment=Payment.objects.get(pk=top_up.pk), amount=Decimal("50"))
    text = str(refused.value)
    assert not _hand_written(text)
    assert _money("20", language) in text and _money("50", language) in text


# --- Staff: the admin and the notes written for staff ------------------------------------------


def _staff(*codenames: str):
    staff = StaffFactory(is_superuser=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return staff


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admins_money_screens_and_messages_use_the_shops_formatter(client, language):
    payment = _paid_cod()  # 300.00 by cash on delivery, refundable to store credit
    client.force_login(_staff("refund_payment", "resolve_payment"))
    refund_url = _url(language, "admin:payments_payment_refund", payment.pk)
    pages = {
        "refund form": _page(client, refund_url),
        "too much": _page(client, refund_url, data={"amount": "300.01", "reason": "x"}),
        "refunded": client.post(
            refund_url, {"amount": "100.00", "reason": "Kırık"}, follow=True
        ).content.decode(),
        "order": _page(client, _url(language, "admin:orders_order_change", payment.order_id)),
        "payment": _page(client, _url(language, "admin:payments_payment_change", payment.pk)),
        "daily": _page(client, _url(language, "admin:payments_payment_daily")),
    }
    account = payment.order.user and payment.order.user.balance_account
    if account:
        pages["balance"] = _page(
            client, _url(language, "admin:payments_balanceaccount_change", account.pk)
        )
    # A card captured for 90.00 of 100.00, accepted by staff: the order keeps what is owed.
    order = OrderFactory(payment_method="card", total=Decimal("100.00"))
    card = payment_create(order=order, method="card", amount=order.total, currency="TRY")
    with translation.override(language):  # the flag is written in the language of its moment
        payment_record(
            payment_id=card.pk,
            result=ProviderResult(
                Outcome.CAPTURED, Decimal("90.00"), currency="TRY", reference="pi_short"
            ),
            operation=Operation.CAPTURE,
            operation_key=f"payment-{card.pk}-capture",
        )
    client.post(
        _url(language, "admin:payments_payment_resolve", card.pk),
        {"resolution": "accept", "reason": "Partial capture"},
    )
    card.refresh_from_db()
    order.refresh_from_db()

    for name, html in pages.items():
        assert not _hand_written(html), (name, _hand_written(html))
    assert f"{_money('300', language)}" in pages["refund form"]  # "refundable ₺300.00"
    assert _money("300", language) in pages["too much"]
    assert _money("100", language) in pages["refunded"]  # "Refund of ₺100.00: …"
    assert _money("200", language) in pages["order"]  # what is left to refund
    assert _money("300", language) in pages["daily"]
    assert card.status == PaymentStatus.PAID, card.review_note
    assert not _hand_written(order.review_note) and _money("10", language) in order.review_note
    assert {"en": "Resolved short: ₺10.00 is still owed", "tr": "₺10,00 hâlâ borç"}[
        language
    ] in order.review_note
    assert "₺" in str(card) and not _hand_written(str(card))  # how the admin names a payment


def test_a_staff_balance_adjustment_page_shows_the_balance_in_the_shops_money(client):
    customer = _customer("tr", balance="1234.50")
    client.force_login(StaffFactory())
    page = _page(
        client,
        _url("en", "admin:payments_balanceaccount_change", customer.balance_account.pk),
    )
    assert "₺1,234.50" in page and not _hand_written(page)
    refused = client.post(
        _url("en", "admin:payments_balanceentry_add"),
        {"customer": customer.pk, "amount": "-2000", "reason": "Oops"},
        follow=True,
    ).content.decode()
    assert "₺2,000.00" in refused and not _hand_written(refused)


@pytest.mark.stripe
def test_a_stripe_dispute_note_is_written_in_the_shops_money(fake_stripe, stripe_event_post):  # noqa: F811
    order = OrderFactory(payment_method="card", total=Decimal("1499.90"))
    payment = payment_create(order=order, method="card", amount=order.total, currency="TRY")
    payment_record(
        payment_id=payment.pk,
        result=ProviderResult(
            Outcome.CAPTURED,
            Decimal("1499.90"),
            currency="TRY",
            reference="ch_disputed",
            attempt_reference="pi_disputed",
        ),
        operation=Operation.START,
        operation_key=f"payment-{payment.pk}-start",
    )
    dispute = {
        "id": "dp_money",
        "object": "dispute",
        "amount": 149990,
        "currency": "try",
        "reason": "fraudulent",
        "status": "needs_response",
        "payment_intent": "pi_disputed",
    }
    stripe_event_post("evt_money_1", "charge.dispute.created", dispute)
    # Written for staff when Stripe tells us, in the shop's language (Turkish), and kept.
    note = Order.objects.get(pk=order.pk).review_note
    assert "₺1.499,90" in note and not _hand_written(note)


# --- The contract: no new hand-written currency in the source ----------------------------------

SOURCES = ("payments", "orders", "crm", "catalog", "shop", "complaints", "templates")
SKIPPED = {"tests", "locale", "migrations", "__pycache__"}
PLACEHOLDER = r"%\(\w+\)[sd]"
# In a Python string: an amount's placeholder beside a currency's, or beside a written code.
PY_PATTERNS = [
    re.compile(rf"{PLACEHOLDER}\s*%\(\w*currency\w*\)s"),
    re.compile(rf"%\(\w*currency\w*\)s\s*{PLACEHOLDER}"),
    re.compile(rf"(?:{PLACEHOLDER}|\d)\s*TRY\b|\bTRY\s*(?:{PLACEHOLDER}|\d)"),
]
# In an f-string: "{amount} {currency}" (or the other way round).
CURRENCY_FIELD = r"\{\s*[\w.()]*currency\w*\s*\}"
FSTRING = re.compile(rf"\{{[^{{}}]+\}}\s*{CURRENCY_FIELD}|{CURRENCY_FIELD}\s*\{{[^{{}}]+\}}")
# In a template: "{{ total }} {{ currency }}", "{{ currency }} {{ total }}", "… TRY", "₺{{ x }}".
TEMPLATE_PATTERNS = [
    re.compile(r"\{\{[^}]+\}\}\s*\{\{\s*[\w.]*currency[\w.|:]*\s*\}\}"),
    re.compile(r"\{\{\s*[\w.]*currency[\w.|:]*\s*\}\}\s*\{\{[^}]+\}\}"),
    re.compile(r"(?:\}\}|\d)\s*TRY\b|\bTRY\s*(?:\{\{|\d)"),
    re.compile(r"[₺$€]\s*\{\{"),
]


def _files(suffixes: tuple[str, ...]):
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            if path.suffix in suffixes and not SKIPPED & set(path.relative_to(ROOT).parts):
                yield path


def _python_findings(source: str, name: str = "<code>") -> list[str]:
    found = []
    tree = ast.parse(source)
    # Docstrings and bare strings are for readers of the code, not for customers.
    notes = {
        id(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if id(node) in notes:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"{name}:{node.lineno}: {node.value!r}" for p in PY_PATTERNS
                      if p.search(node.value)]  # fmt: skip
        elif isinstance(node, ast.JoinedStr):
            text = ast.get_source_segment(source, node) or ""
            if FSTRING.search(text):
                found.append(f"{name}:{node.lineno}: {text}")
    return found


def _template_findings(source: str, name: str = "<template>") -> list[str]:
    return [f"{name}: {m.group(0)!r}" for p in TEMPLATE_PATTERNS for m in p.finditer(source)]


def test_the_contract_check_catches_hand_written_currency():
    """The scan below can fail: each way of writing money by hand is caught, the right way not."""
    caught = [
        '_("Pay %(amount)s %(currency)s") % values',
        '_("%(currency)s %(amount)s") % values',
        '_("up to %(limit)s TRY") % values',
        'label = f"{payment.amount} {payment.currency}"',
    ]
    for code in caught:
        assert _python_findings(code), code
    assert not _python_findings('_("Pay %(amount)s") % {"amount": format_money(x)}')
    assert not _python_findings('_("The account must be held in %(currency)s.")')
    for template in ["{{ total }} {{ currency }}", "{{ currency }} {{ total }}", "{{ x }} TRY",
                     "₺{{ total }}", "Pay 40.00 TRY"]:  # fmt: skip
        assert _template_findings(template), template
    assert not _template_findings("{{ total|money:currency }} · {% translate 'Total' %}")


def test_no_source_writes_a_currency_beside_an_amount_by_hand():
    found = []
    for path in _files((".py",)):
        found += _python_findings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for path in _files((".html", ".txt")):
        found += _template_findings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "Write amounts with shop.money.format_money / |money:\n" + "\n".join(found)


def test_no_translation_keeps_a_hand_written_currency_beside_an_amount():
    """The Turkish catalogue has no msgid or msgstr that writes "%(amount)s %(currency)s"."""
    catalogue = (ROOT / "shop/locale/tr/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    joined = re.sub(r'"\n"', "", catalogue)  # wrapped lines read as one
    found = [m.group(0) for p in PY_PATTERNS[:2] for m in p.finditer(joined)]
    assert not found, found
