"""Privacy requests (KVKK): the customer's data export and account erasure."""

import json
import re
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import Review
from crm.customer360.stats import customer_stats_refresh, customer_stats_refresh_one
from crm.models import (
    Callback,
    ChatMessage,
    Conversation,
    CustomerProfile,
    CustomerStats,
    GoodwillApproval,
    Interaction,
)
from crm.notifications.models import Channel, Consent, ConsentCurrent, Message, Status
from crm.notifications.services.consent import consent_set
from crm.notifications.services.outbox import notification_send
from crm.privacy.exceptions import ErasureRefused
from crm.privacy.registry import KEPT_AFTER_ERASURE, kept_columns
from crm.privacy.selectors import privacy_export
from crm.privacy.services import account_erase
from crm.services.profile import profile_update
from crm.staff.callbacks import callback_request
from crm.staff.interactions import interaction_log
from crm.staff.limits import goodwill_approval_request
from orders.models import Address, Coupon, Order, OrderEvent, Return
from orders.services import order_transition
from orders.services.coupons import coupon_issue_personal
from orders.services.invoicing import invoice_issue
from payments.methods.card.client import stripe_client
from payments.methods.card.services import card_customer_for
from payments.methods.stored_value.services import balance_adjust
from payments.models import SavedCard, Tab
from payments.services.points import points_adjust, points_balance
from shop.models import AuditEntry, User
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant, turkish_address

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIRST, LAST = "Nazlıcan", "Karabıyıkoğlu"
PHONE = "+905329876543"
STREET, NEIGHBOURHOOD = "Zümrütevler Sok. 17", "Feneryolu"


def _customer() -> User:
    user = UserFactory(
        email="nazlican.k@example.com", first_name=FIRST, last_name=LAST, phone=PHONE,
        verified=True,
    )  # fmt: skip
    return user


def _address(user: User) -> Address:
    address = turkish_address(
        user=user, full_name=f"{FIRST} {LAST}", phone=PHONE, street=STREET,
        neighbourhood=NEIGHBOURHOOD, is_default_shipping=True,
    )  # fmt: skip
    address.save()
    return address


def _history(user: User, capture) -> Order:
    """A customer with everything the shop keeps: consents, an address, an invoiced order and
    its messages, a queued offer, an approved review."""
    consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    consent_set(user=user, channel=Channel.SMS, granted=True, source=Consent.Source.SIGNUP)
    address = _address(user)
    shipping_setup()
    variant = stocked_variant()
    with capture(execute=True):  # the order's messages are written after commit
        order = place(
            cart_with((variant, 1), user=user),
            shipping_address=address, billing_address=address, phone=PHONE,
        )  # fmt: skip
        order = order_transition(order=order, to="confirmed")  # an event and a message
    invoice_issue(order=order)
    notification_send(
        to=user, kind="promotion", channels=[Channel.EMAIL],
        context={"headline": f"Merhaba {FIRST}", "offer": "%20"},
    )  # fmt: skip
    review = Review.objects.create(
        product=variant.product, user=user, rating=5, body="Çok güzel", verified_purchase=True
    )
    catalog_services.review_moderate(reviews=Review.objects.filter(pk=review.pk), status="approved")
    Return.objects.create(
        order=order, number=f"{order.number}-R1", kind="defect", status="requested",
        reason_code="damaged", reason=f"Kutu ezik geldi, kurye {STREET} adresine gelsin",
        amount=Decimal("0"),
    )  # fmt: skip
    _crm_history(user, order)
    return order


def _crm_history(user: User, order: Order) -> None:
    """What the CRM keeps about her: a profile, two calls (one logged against the order only), a
    callback request, two personal coupons (one used), a goodwill request, points, her figures."""
    agent = StaffFactory(email=f"agent-{user.pk}@example.com")
    profile_update(
        user=user, birth_date=date(1990, 5, 17), gender="female", city="34",
        interest_tags=["Örgü"], interest_categories=[order.lines.get().variant.product.category],
    )  # fmt: skip
    interaction_log(
        agent=agent, channel="phone", direction="inbound", customer=user,
        contact_email=user.email, contact_phone=PHONE, order=order, recording_ref="rec-0042",
        summary=f"{FIRST} {LAST} aradı: {STREET}, {NEIGHBOURHOOD} adresine teslimatı sordu.",
        outcome="information_given",
    )  # fmt: skip
    Interaction.objects.create(  # the courier called about her order; nobody named her account
        order=order, contact_phone=PHONE, channel="phone", direction="inbound", agent=agent,
        summary=f"Kurye {FIRST} Hanım'a ulaşamadı", outcome="follow_up",
    )  # fmt: skip
    now = timezone.now()
    callback_request(
        name=f"{FIRST} {LAST}", phone="0532 987 65 43", topic="delivery", user=user,
        window_start=now + timedelta(hours=1), window_end=now + timedelta(hours=3),
        order_number=order.number,
    )  # fmt: skip
    chat = Conversation.objects.create(  # asked as a guest, about her order
        guest_email=user.email, guest_name=f"{FIRST} {LAST}", order=order
    )
    ChatMessage.objects.create(conversation=chat, author="customer", body=f"Adres: {STREET}")
    for n in range(2):
        coupon_issue_personal(
            user=user, kind="fixed", value=Decimal("50"), valid_days=30,
            reason=f"Özür: {FIRST} Hanım'ın gecikmiş siparişi", issue_key=f"test:{user.pk}:{n}",
        )  # fmt: skip
    Coupon.objects.filter(issue_key=f"test:{user.pk}:1").update(times_used=1)  # used once
    goodwill_approval_request(
        agent=agent, customer=user, kind="coupon", amount=Decimal("500"), reason="Geç teslimat"
    )
    points_adjust(user=user, points=250, reason="Hoş geldin puanı", actor=agent)
    customer_stats_refresh_one(user_id=user.pk)


def _text_columns() -> dict[str, list[str]]:
    """Every table's text and JSON columns, found by the database's own introspection."""
    wanted = {"CharField", "TextField", "JSONField", "EmailField", "GenericIPAddressField"}
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:  # types Django does not map (tsvector): no text to read
                    continue
                if kind in wanted or (connection.vendor == "sqlite" and kind == "TextField"):
                    found.setdefault(table, []).append(column.name)
    return found


def _readable(value: object) -> str:
    """A column's value as text, JSON decoded (SQLite stores 'Ş' as '\\u015e')."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(json.loads(value), ensure_ascii=False)
    except ValueError:
        return value


def _where_found(needles: list[str]) -> set[tuple[str, str]]:
    """(table, column) pairs holding any of the needles, over the whole database."""
    hits = set()
    folded = [n.casefold() for n in needles]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns in _text_columns().items():
            for column in columns:
                cursor.execute(
                    f"SELECT {qn(column)} FROM {qn(table)} WHERE {qn(column)} IS NOT NULL"
                )
                for (value,) in cursor.fetchall():
                    if (table, column) == ("django_session", "session_data"):
                        value = SessionStore().decode(value)  # signed and compressed
                    text = _readable(value).casefold()
                    if any(needle in text for needle in folded):
                        hits.add((table, column))
                        break
    return hits


def _doc_kept() -> set[tuple[str, str]]:
    """The kept-after-erasure table of docs/privacy.md as (table, column) pairs."""
    doc = (ROOT / "docs" / "privacy.md").read_text()
    block = doc.split("<!-- kept-after-erasure:start -->")[1].split(
        "<!-- kept-after-erasure:end -->"
    )[0]
    pairs = set()
    for row in block.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            table = cells[0].strip("`")
            pairs |= {(table, col) for col in re.findall(r"`([^`]+)`", cells[1])}
    return pairs


def test_the_doc_lists_exactly_the_columns_erasure_keeps():
    assert _doc_kept() == kept_columns()
    columns = _text_columns()
    for kept in KEPT_AFTER_ERASURE:  # each kept column exists, so the list cannot go stale
        assert set(kept.columns) <= set(columns[kept.table]), kept.table


def test_erasure_leaves_the_customer_only_in_the_snapshots_and_consent_proof(
    client, django_capture_on_commit_callbacks
):
    user = _customer()
    order = _history(user, django_capture_on_commit_callbacks)
    needles = [user.email, FIRST, LAST, PHONE, PHONE[3:], STREET, NEIGHBOURHOOD]
    product_url = reverse("catalog:product", args=[Review.objects.get(user=user).product.slug])
    assert FIRST in client.get(product_url).text  # the review shows with the customer's name
    assert _where_found(needles) - kept_columns()  # before: all over the database

    elsewhere = Client()  # signed in on another device too
    elsewhere.force_login(user)
    client.force_login(user)
    assert client.get(reverse("crm:account_delete")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("crm:account_delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # signed out
    assert elsewhere.get(reverse("crm:your_data")).status_code == 302  # there as well

    found = _where_found(needles)
    assert found <= kept_columns(), found - kept_columns()
    assert {("orders_order", "email"), ("orders_invoice", "buyer")} <= found  # kept by law
    assert ("notifications_consent", "recipient") in found  # proof of consent

    user.refresh_from_db()
    assert user.email == f"deleted-{user.pk}@invalid" and not user.is_active
    assert not user.has_usable_password() and user.first_name == user.phone == ""
    assert not Address.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    order.refresh_from_db()
    assert order.billing_address["full_name"] == f"{FIRST} {LAST}"  # the snapshot stays
    latest = Consent.objects.filter(user=user).order_by("-created_at", "-pk")
    assert {(c.channel, c.granted, c.source) for c in latest[:2]} == {
        (Channel.EMAIL, False, "erasure"),
        (Channel.SMS, False, "erasure"),
    }
    offer = Message.objects.get(user=user, kind="promotion")
    assert offer.status == Status.SUPPRESSED and offer.recipient == "" and offer.body_text == ""
    assert FIRST not in client.get(product_url).text  # the page cache followed
    assert AuditEntry.objects.filter(action="privacy.erase", object_id=str(user.pk)).count() == 1

    # The CRM: profile and figures gone; contacts and callbacks stay as events naming no one.
    assert not CustomerProfile.objects.filter(user=user).exists()
    assert not CustomerStats.objects.filter(user=user).exists()
    assert not ConsentCurrent.objects.filter(user=user).exclude(recipient="").exists()
    calls = Interaction.objects.filter(order=order)
    assert calls.count() == 2 and set(calls.values_list("customer", flat=True)) == {user.pk}
    assert set(calls.values_list("summary", "contact_email", "contact_phone", "recording_ref")) == {
        ("", "", "", "")
    }
    callback = Callback.objects.get(order=order)
    assert (callback.name, callback.phone, callback.status) == ("", "", Callback.Status.FAILED)
    chat = Conversation.objects.get(order=order)
    assert (chat.customer, chat.guest_email, chat.guest_name) == (user, "", "")
    assert chat.status == "ended" and not chat.messages.exists()
    coupons = dict(Coupon.objects.filter(user=user).values_list("times_used", "is_active"))
    assert coupons == {0: False, 1: True}  # the unused one stops working; the used one stays
    assert not Coupon.objects.filter(user=user).exclude(reason="").exists()
    assert Return.objects.filter(order=order, reason="", reason_code="damaged").exists()
    waiting = GoodwillApproval.objects.get(customer=user)
    assert waiting.status == GoodwillApproval.Status.REFUSED and waiting.reason == ""
    assert points_balance(user_id=user.pk) == 0  # written off; the statement stays
    customer_stats_refresh()  # the periodic job does not bring her figures back
    assert not CustomerStats.objects.filter(user=user).exists()


def test_order_messages_stored_without_a_user_are_scrubbed_too(django_capture_on_commit_callbacks):
    user = _customer()
    order = _history(user, django_capture_on_commit_callbacks)
    Message.objects.filter(subject_type="order", subject_id=str(order.pk)).update(user=None)
    assert Message.objects.filter(user=None, recipient=user.email).exists()
    account_erase(user=user)
    assert not Message.objects.filter(recipient__in=[user.email, PHONE]).exists()


def test_erasure_twice_is_harmless():
    user = _customer()
    _address(user)
    first = account_erase(user=user)
    second = account_erase(user=User.objects.get(pk=user.pk))
    assert not first.already_erased and second.already_erased
    assert AuditEntry.objects.filter(action="privacy.erase").count() == 1
    assert User.objects.get(pk=user.pk).email == f"deleted-{user.pk}@invalid"


def test_erasure_is_refused_while_a_balance_is_held(client):
    user = _customer()
    balance_adjust(user=user, amount=Decimal("25.00"), reason="goodwill", by=StaffFactory())
    client.force_login(user)
    response = client.post(reverse("crm:account_delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "prepaid balance" in response.text or "bakiye" in response.text
    with pytest.raises(ErasureRefused):
        account_erase(user=user)
    user.refresh_from_db()
    assert user.is_active and user.email == "nazlican.k@example.com"
    assert not AuditEntry.objects.filter(action="privacy.erase").exists()


def test_erasure_is_refused_while_a_tab_is_unpaid():
    user = _customer()
    Tab.objects.create(user=user, status=Tab.Status.BLOCKED)
    with pytest.raises(ErasureRefused, match="tab"):
        account_erase(user=user)
    assert User.objects.get(pk=user.pk).is_active


def test_a_wrong_password_deletes_nothing(client):
    user = _customer()
    client.force_login(user)
    response = client.post(reverse("crm:account_delete"), {"password": "not-it"})
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).is_active


def test_saved_cards_are_detached_at_stripe_and_a_second_run_is_harmless(
    fake_stripe, django_capture_on_commit_callbacks
):
    user = _customer()
    customer = card_customer_for(user=user)
    client = stripe_client()
    method = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer})
    SavedCard.objects.create(
        user=user, payment_method_id=method.id, brand="visa", last4="4242", exp_month=12,
        exp_year=2040, is_default=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=user)
    assert not SavedCard.objects.filter(user=user).exists()
    assert not client.v1.payment_methods.retrieve(method.id).customer
    assert client.v1.customers.retrieve(customer).email == f"deleted-{user.pk}@invalid"
    with django_capture_on_commit_callbacks(execute=True):  # again: nothing left to call, no error
        account_erase(user=User.objects.get(pk=user.pk))


def test_the_export_holds_every_section_and_is_audited(client, django_capture_on_commit_callbacks):
    user = _customer()
    order = _history(user, django_capture_on_commit_callbacks)
    SavedCard.objects.create(
        user=user, payment_method_id="pm_x", brand="visa", last4="4242", exp_month=1,
        exp_year=2040,
    )  # fmt: skip
    client.force_login(user)
    assert client.get(reverse("crm:your_data")).status_code == 200
    response = client.post(reverse("crm:privacy_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(b"".join(response.streaming_content))
    assert data["account"]["email"] == user.email
    assert {c["channel"] for c in data["consents"]} == {"email", "sms"}
    assert data["addresses"][0]["street"] == STREET
    exported = data["orders"][0]
    assert exported["number"] == order.number and exported["lines"] and exported["events"]
    assert exported["invoice_number"]
    assert {m["kind"] for m in data["messages"]} >= {"promotion"}
    assert any(m["subject_type"] == "order" for m in data["messages"])
    assert data["reviews"][0]["rating"] == 5
    assert data["balance"]["entries"] == [] and data["tabs"] == []
    assert data["saved_cards"] == [{"brand": "visa", "last4": "4242"}]
    assert exported["source"] == "web"
    assert [(r["reason_code"], STREET in r["reason"]) for r in exported["returns"]] == [
        ("damaged", True)
    ]
    profile = data["profile"]
    assert (profile["birth_date"], profile["city_name"], profile["interest_tags"]) == (
        "1990-05-17", "İstanbul", ["örgü"]
    )  # fmt: skip
    assert profile["interest_categories"] == [order.lines.get().variant.product.category.name]
    assert {c["order__number"] for c in data["interactions"]} == {order.number}
    assert any(STREET in c["summary"] and c["recording_ref"] for c in data["interactions"])
    assert len(data["interactions"]) == 2  # also the call logged against her order only
    assert [(c["name"], c["phone"]) for c in data["callbacks"]] == [(f"{FIRST} {LAST}", PHONE)]
    [chat] = data["chats"]
    assert chat["order__number"] == order.number
    assert [(m["author"], m["body"]) for m in chat["messages"]] == [
        ("customer", f"Adres: {STREET}")
    ]
    assert sorted(c["times_used"] for c in data["personal_coupons"]) == [0, 1]
    assert all(FIRST in c["reason"] for c in data["personal_coupons"])
    assert data["customer_stats"]["orders_count"] == 1
    assert data["points"]["balance"] == 250
    assert [(e["kind"], e["points"]) for e in data["points"]["entries"]] == [("adjustment", 250)]
    assert AuditEntry.objects.filter(
        action="privacy.export", object_type="user", object_id=str(user.pk)
    ).exists()


def test_the_export_runs_the_same_queries_for_one_order_and_for_many(
    django_capture_on_commit_callbacks,
):
    user = _customer()
    order = _history(user, django_capture_on_commit_callbacks)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            privacy_export(user=user)
        return len(captured)

    few = queries()
    for n in range(5):  # more orders with lines, events and messages
        copy = Order.objects.create(
            **{
                f.attname: getattr(order, f.attname)
                for f in Order._meta.concrete_fields
                if not f.primary_key
            }
            | {"number": f"DK-MORE-{n}", "checkout_token": f"more-{n}"}
        )
        for line in order.lines.all():
            line.pk, line.order = None, copy
            line.save()
        OrderEvent.objects.create(order=copy, from_status="pending_payment", to_status="confirmed")
        Message.objects.create(
            kind="order_confirmed", channel="email", category="transactional", user=None,
            recipient=user.email, language="tr", body_text="x", subject_type="order",
            subject_id=str(copy.pk),
        )  # fmt: skip
        Interaction.objects.create(
            customer=user, order=copy, channel="email", direction="outbound", summary="x",
            outcome="resolved",
        )  # fmt: skip
        Callback.objects.create(
            customer=user, name=FIRST, phone=PHONE, topic="order", window_start=order.placed_at,
            window_end=order.placed_at + timedelta(hours=1), due_at=order.placed_at,
        )  # fmt: skip
        coupon_issue_personal(
            user=user, kind="percent", value=Decimal("10"), valid_days=7, reason="x",
            issue_key=f"more:{n}",
        )  # fmt: skip
    assert queries() == few
    data = privacy_export(user=user)
    assert len(data["orders"]) == 6 and len(data["interactions"]) == 7
    assert len(data["callbacks"]) == 6 and len(data["personal_coupons"]) == 7


def test_the_export_is_always_the_signed_in_customers_own(client):
    owner, other = _customer(), UserFactory()
    _address(owner)
    client.force_login(other)
    data = json.loads(b"".join(client.post(reverse("crm:privacy_export")).streaming_content))
    assert data["account"]["email"] == other.email and data["addresses"] == []
    assert client.get(reverse("crm:privacy_export")).status_code == 405
    assert client.post(f"{reverse('crm:privacy_export')}{owner.pk}/").status_code == 404
    client.logout()
    assert client.post(reverse("crm:privacy_export")).status_code == 302  # to sign in


def test_erasure_is_of_the_account_so_guest_contacts_with_the_same_phone_stay():
    """A guest call or callback is not the account's: the phone on an account is not verified
    (anyone may type someone else's number), so matching it could erase another person's record."""
    user = _customer()
    guest_call = interaction_log(
        agent=None, channel="phone", direction="inbound", contact_phone=PHONE,
        summary="Misafir: kargo sorusu", outcome="information_given",
    )  # fmt: skip
    now = timezone.now()
    guest_callback = callback_request(
        name="Misafir", phone=PHONE, topic="other",
        window_start=now + timedelta(hours=1), window_end=now + timedelta(hours=2),
    )  # fmt: skip
    account_erase(user=user)
    guest_call.refresh_from_db()
    guest_callback.refresh_from_db()
    assert guest_call.contact_phone == PHONE and guest_call.summary and not guest_call.customer
    assert (guest_callback.phone, guest_callback.status) == (PHONE, Callback.Status.OPEN)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_erasure_does_not_wait_for_a_coupon_a_checkout_holds():
    """A checkout locks its coupon, then the balance the erasure already holds: the erasure
    skips that coupon (it is being used) instead of waiting into a deadlock."""
    user = _customer()
    held, spare = (
        coupon_issue_personal(
            user=user, kind="fixed", value=Decimal("20"), valid_days=7, reason="x", issue_key=key
        )
        for key in ("held", "spare")
    )
    locked, release = threading.Event(), threading.Event()

    def checkout_holding_the_coupon() -> None:
        try:
            with transaction.atomic():
                Coupon.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=checkout_holding_the_coupon)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")  # waiting would fail, not hang
            erasure = account_erase(user=user)
    finally:
        release.set()
        thread.join(timeout=30)
    assert erasure.counts["personal_coupons"] == 1
    assert not Coupon.objects.get(pk=spare.pk).is_active
    assert Coupon.objects.get(pk=held.pk).is_active  # redeemed by that checkout, if it goes on


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_erasure_is_refused_while_a_return_is_being_refunded(
    django_capture_on_commit_callbacks,
):
    user = _customer()
    order = _history(user, django_capture_on_commit_callbacks)
    busy = Return.objects.get(order=order)
    locked, release = threading.Event(), threading.Event()

    def refund_in_progress() -> None:
        try:
            with transaction.atomic():
                Return.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=refund_in_progress)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with pytest.raises(ErasureRefused, match=r"returns|İadeleriniz"):
            account_erase(user=user)
    finally:
        release.set()
        thread.join(timeout=30)
    assert User.objects.get(pk=user.pk).email == "nazlican.k@example.com"
    assert STREET in Return.objects.get(pk=busy.pk).reason
    assert account_erase(user=user).counts["return_reasons"] == 1  # once the refund is done


@pytest.mark.parametrize(
    ("prefix", "heading", "crm", "guests"),
    [
        ("/en", "When you delete your account", "We also erase your profile", "without signing in"),
        ("", "Hesabınızı sildiğinizde", "Ayrıca profilinizi", "Giriş yapmadan"),
    ],
)
def test_the_privacy_notice_says_what_erasure_keeps(client, prefix, heading, crm, guests):
    page = client.get(f"{prefix}/legal/privacy/").text
    assert heading in page and crm in page and guests in page
