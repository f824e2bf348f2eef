"""The customer 360: one staff page per customer with its own permission, every opening audited,
every panel's latest rows, one timeline, and the same number of queries for 3 orders or 300."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from crm.bulk_orders import seed_orders
from crm.customer360.stats import customer_stats_refresh
from crm.models import Callback, CustomerProfile, Interaction
from crm.notifications.models import Message
from crm.notifications.services import consent_set
from crm.registry import (
    ComplaintRow,
    ComplaintSource,
    register_complaint_source,
    unregister_complaint_source,
)
from orders.models import Order
from orders.services import coupon_issue_personal
from payments.models import Tab
from shop.models import AuditEntry, User
from tests.factories import StaffFactory, UserFactory, VariantFactory, make_category
from tests.orders.conftest import _english  # noqa: F401  (pages asserted in English)

from .history import customer_history

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The staff member, their permissions (user and group), the customer, the audit entry (in a
# savepoint: 3 statements), the current consents, the profile, figures, orders, returns,
# cancellations, interactions and notes, open callbacks, personal coupons, messages, the
# balance and its entries, the tab, the points (lots, movements, tiers), the feedback answers
# (the session is in the cache): the same for any history.
QUERIES = 25  # the complaints app's source adds its one query


def _agent(**fields: object) -> User:
    """Staff with the 360's permission and nothing else (not a superuser)."""
    agent = StaffFactory(is_superuser=False, **fields)
    agent.user_permissions.add(
        Permission.objects.get(content_type__app_label="crm", codename="view_customer360")
    )
    return User.objects.get(pk=agent.pk)


def _url(user: User) -> str:
    return reverse("admin:crm_customer360", args=[user.pk])


@pytest.fixture
def agent_client(client):
    client.force_login(_agent())
    return client


def _with_tab(customer: User) -> Tab:
    return Tab.objects.create(user=customer)


def test_it_shows_orders_returns_cancellations_messages_balance_and_tab(
    agent_client, django_capture_on_commit_callbacks
):
    # No phone on her account: her order SMS go to the checkout phone, stored against the order.
    customer = UserFactory(
        phone="", first_name="Ayşe", last_name="Kaya", language="en", verified=True
    )
    history = customer_history(customer, capture_on_commit=django_capture_on_commit_callbacks)
    consent_set(user=customer, channel="email", granted=True, source="signup")
    consent_set(user=customer, channel="email", granted=False, source="profile")
    consent_set(user=customer, channel="sms", granted=True, source="checkout")
    _with_tab(customer)
    customer_stats_refresh()
    order_messages = Message.objects.filter(
        user__isnull=True, subject_type="order", subject_id=str(history.delivered.pk)
    )
    assert order_messages.exists()  # the case the panel must not miss

    response = agent_client.get(_url(customer))

    assert response.status_code == 200
    page = response.content.decode()
    for order in (history.delivered, history.cancelled, history.pending):
        assert order.number in page
    assert f"{history.delivered.number}-R1" in page and "Bedeni uymadı" in page
    assert "Cancelled by the customer" in page and "Müşteri vazgeçti" in page
    # Messages by user and the order's SMS stored without a user, with their delivery status.
    sms = order_messages.filter(channel="sms").first()
    assert sms is not None and sms.recipient in page
    assert "+905321234567" in page
    # Consents: the latest decision per channel (email withdrawn after being given).
    consents = page[page.index('class="c360-consents"') :]
    email_row = consents[consents.index("Email") : consents.index("</tr>", consents.index("Email"))]
    assert "Withdrawn" in email_row and "Given" not in email_row
    # Balance: the refunded mug back on her balance; the tab; the figures.
    balance = page[page.index('id="c360-balance"') : page.index('id="c360-tab"')]
    assert "₺80.00" in balance and "Refund" in balance
    tab = page[page.index('id="c360-tab"') : page.index('id="c360-timeline"')]
    assert "Open" in tab and "₺0.00" in tab
    stats = customer.customer_stats
    assert stats.orders_count == 1 and stats.cancellations_count == 1 and stats.returns_count == 1
    assert 'id="c360-figures"' in page
    # One timeline with orders and messages; the complaint desk's panel, empty for her.
    assert 'id="c360-timeline"' in page and f"Order {history.pending.number} placed" in page
    complaints = page[page.index('id="c360-complaints"') :]
    assert "No complaints." in complaints[: complaints.index("</section>")]
    assert 'id="c360-actions"' not in page  # no action registered yet: no empty box


def test_the_same_number_of_queries_for_3_orders_and_300(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    agent = _agent()
    small = UserFactory(phone="", verified=True)
    customer_history(small, capture_on_commit=django_capture_on_commit_callbacks)
    big = UserFactory()
    seeded = seed_orders(orders=300, customers=1, customer_ids=[big.pk], seed=7)
    assert seeded.orders == 300 and Order.objects.filter(user=big).count() == 300
    Message.objects.bulk_create(
        Message(
            kind="order_confirmed", channel="sms", category="transactional", recipient="+90532",
            language="tr", body_text="x", status="delivered", subject_type="order",
            subject_id=str(pk),
        )
        for pk in Order.objects.filter(user=big).values_list("pk", flat=True)
    )  # fmt: skip
    for customer in (small, big):
        _with_tab(customer)
    _full_crm_history(big, agent)
    client.force_login(agent)
    for customer in (small, big):
        client.get(_url(customer))  # warm: content types, translations

    for customer in (small, big):
        with django_assert_num_queries(QUERIES):
            response = client.get(_url(customer))
        assert response.status_code == 200
    page = client.get(_url(big)).content.decode()
    shown = page[page.index('id="c360-orders"') : page.index('id="c360-returns"')]
    assert shown.count("<tr>") == 1 + 20  # the latest 20 of 300, and a header
    assert f"?user__id__exact={big.pk}" in shown  # "more": every order of hers
    for panel, rows in (("interactions", 20), ("callbacks", 20), ("coupons", 20)):
        start = page.index(f'id="c360-{panel}"')
        shown = page[start : page.index("</section>", start)]
        assert shown.count("<tr") == 1 + rows, panel  # the latest 20, a header, a "more" link
        assert f"__id__exact={big.pk}" in shown, panel


def _full_crm_history(customer: User, agent: User) -> None:
    """A profile with interests, 30 interactions and notes, 25 open callbacks, 25 personal
    coupons: more than a panel shows."""
    profile = CustomerProfile.objects.create(user=customer, city="06", interest_tags=["kitap"])
    profile.interest_categories.add(make_category("Kitaplar"), make_category("Oyuncak"))
    order = Order.objects.filter(user=customer).first()
    Interaction.objects.bulk_create(
        Interaction(customer=customer, agent=agent, channel="phone", direction="inbound",
                    summary=f"Arama {n}", outcome="resolved", order=order)
        for n in range(30)
    )  # fmt: skip
    now = timezone.now()
    Callback.objects.bulk_create(
        Callback(customer=customer, name="Ayşe", phone="+905321234567", topic="order",
                 window_start=now, window_end=now + timedelta(hours=1), due_at=now, taken_by=agent)
        for _ in range(25)
    )  # fmt: skip
    for n in range(25):
        coupon_issue_personal(
            user=customer, kind="fixed", value=Decimal("10"), valid_days=5, reason="r",
            issue_key=f"pin:{n}", issued_by=agent,
        )  # fmt: skip


def test_without_the_permission_staff_get_403_and_nothing_is_recorded(client):
    customer = UserFactory()
    client.force_login(StaffFactory(is_superuser=False))

    response = client.get(_url(customer))

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="customer360.view").exists()


def test_a_customer_cannot_open_it(client):
    customer = UserFactory(verified=True)
    client.force_login(customer)
    response = client.get(_url(customer))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_view_is_recorded_in_the_audit_trail(client):
    agent, customer = _agent(), UserFactory()
    client.force_login(agent)

    client.get(_url(customer))
    client.get(_url(customer))

    entries = AuditEntry.objects.filter(action="customer360.view", actor=agent)
    assert entries.count() == 2
    assert {(e.object_type, e.object_id) for e in entries} == {("shop.user", str(customer.pk))}


def test_an_unknown_customer_is_404_and_not_audited(agent_client):
    assert agent_client.get(reverse("admin:crm_customer360", args=[999_999])).status_code == 404
    assert not AuditEntry.objects.filter(action="customer360.view").exists()


def test_the_user_and_order_screens_link_to_it(agent_client, client):
    customer = UserFactory()
    VariantFactory()  # something to order
    seed_orders(orders=1, customers=1, customer_ids=[customer.pk], seed=3)
    order = Order.objects.get(user=customer)
    admin = StaffFactory()  # a superuser: may open the user and order screens
    client.force_login(admin)
    for url in (
        reverse("admin:shop_user_change", args=[customer.pk]),
        reverse("admin:orders_order_change", args=[order.pk]),
    ):
        page = client.get(url).content.decode()
        assert f'href="{_url(customer)}"' in page, url


def test_a_complaint_source_fills_a_panel_and_the_timeline(agent_client):
    customer = UserFactory()
    opened = timezone.now() - timedelta(days=2)
    row = ComplaintRow(
        object_type="complaints.ticket", object_id="7", number="CMP-7", subject="Kırık kupa",
        status="In progress", is_open=True, opened_at=opened, url="/admin/complaints/ticket/7/",
    )  # fmt: skip
    register_complaint_source(
        ComplaintSource(
            name="test", for_customer=lambda user, limit: [row] if user == customer else []
        )
    )
    try:
        page = agent_client.get(_url(customer)).content.decode()
    finally:
        unregister_complaint_source("test")
    assert 'id="c360-complaints"' in page and "CMP-7" in page and "Kırık kupa" in page
    timeline = page[page.index('id="c360-timeline"') :]
    assert "CMP-7: Kırık kupa" in timeline


def test_it_reads_in_turkish(client):
    agent = _agent(language="tr")
    customer = UserFactory()
    client.force_login(agent)
    with translation.override("tr"):
        url = _url(customer)
    assert not url.startswith("/en/")
    page = client.get(url).content.decode()
    assert "Siparişler" in page and "Zaman çizelgesi" in page
