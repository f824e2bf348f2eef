"""Acting from the customer 360: log a call, add a note, record a consent, send a one-off
message, give a goodwill coupon or points (within the agent's limit, else a lead's approval),
resend an order message. Each action's result is seen where the customer or staff would see
it; bad input and missing permissions change nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from crm.customer360.exceptions import ActionRefused
from crm.customer360.placeholders import placeholder_values, render_placeholders
from crm.models import AgentLimit, Callback, CustomerProfile, GoodwillApproval, Interaction
from crm.notifications.models import Consent, ConsentCurrent, Message
from crm.notifications.services import consent_set
from crm.staff.groups import CALL_CENTRE_AGENT
from orders.models import Coupon
from orders.services import coupon_issue_personal
from payments.services.points import points_balance
from shop.models import AuditEntry, User
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import OrderFactory, StaffFactory, UserFactory, make_category
from tests.orders.conftest import _english  # noqa: F401  (pages asserted in English)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("staff_groups")]

TOKEN = "a-form-token-0123456789"


def _agent(*, coupon_limit: str | None = "100.00") -> User:
    agent = StaffFactory(is_superuser=False, email="agent@example.com", first_name="Deniz")
    group = Group.objects.get(name=CALL_CENTRE_AGENT)
    agent.groups.add(group)
    if coupon_limit is not None:
        AgentLimit.objects.create(
            group=group, max_coupon_value=Decimal(coupon_limit), max_goodwill_points=500
        )
    return agent


@pytest.fixture
def agent(client) -> User:
    agent = _agent()
    client.force_login(agent)
    return agent


@pytest.fixture
def customer() -> User:
    return UserFactory(first_name="Ayşe", last_name="Kaya", email="ayse@example.com")


def _url(name: str, customer: User, *args: object) -> str:
    return reverse(f"admin:crm_customer360_{name}", args=[customer.pk, *args])


def _page(client, customer: User) -> str:
    return client.get(reverse("admin:crm_customer360", args=[customer.pk])).content.decode()


def _panel(page: str, name: str) -> str:
    start = page.index(f'id="c360-{name}"')
    return page[start : page.index("</section>", start)]


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- log an interaction, add a note -------------------------------------------------------------


def test_an_agent_logs_a_call_about_her_order_and_sees_it_on_the_360(client, agent, customer):
    order = OrderFactory(user=customer)
    page = _page(client, customer)
    assert f'href="{_url("log", customer)}"' in _panel(page, "actions").replace("c360-actions", "")

    response = client.post(
        _url("log", customer),
        {
            "channel": "phone", "direction": "inbound", "outcome": "resolved",
            "summary": "Kargo gecikmesi soruldu, takip numarası verildi.",
            "order": order.number.lower(), "recording_ref": "REC-991",
        },
        follow=True,
    )  # fmt: skip

    assert response.redirect_chain[-1][0] == reverse("admin:crm_customer360", args=[customer.pk])
    assert "The interaction is logged." in _messages(response)
    logged = Interaction.objects.get(customer=customer)
    assert (logged.agent, logged.order, logged.channel, logged.recording_ref) == (
        agent, order, "phone", "REC-991",
    )  # fmt: skip
    panel = _panel(response.content.decode(), "interactions")
    for shown in ("Kargo gecikmesi soruldu", "Resolved", "Deniz", order.number, "REC-991"):
        assert shown in panel
    timeline = _panel(response.content.decode(), "timeline")
    assert "Phone / call centre (inbound): Resolved" in timeline


def test_another_customers_order_is_refused_and_nothing_is_logged(client, agent, customer):
    someone_elses = OrderFactory(user=UserFactory())
    response = client.post(
        _url("log", customer),
        {
            "channel": "phone", "direction": "inbound", "outcome": "resolved",
            "summary": "Sipariş soruldu", "order": someone_elses.number,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert f"{someone_elses.number} is not an order of this customer." in response.content.decode()
    assert not Interaction.objects.exists()


def test_an_empty_summary_is_refused(client, agent, customer):
    response = client.post(
        _url("log", customer),
        {"channel": "phone", "direction": "inbound", "outcome": "resolved", "summary": "  "},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_note_joins_the_same_panel_and_timeline(client, agent, customer):
    response = client.post(
        _url("note", customer), {"text": "Sabah aranmayı tercih ediyor."}, follow=True
    )
    assert "The note is saved." in _messages(response)
    note = Interaction.objects.get(customer=customer)
    assert (note.channel, note.direction, note.outcome, note.agent) == (
        "note", "internal", "noted", agent,
    )  # fmt: skip
    page = response.content.decode()
    assert "Sabah aranmayı tercih ediyor." in _panel(page, "interactions")
    assert "Internal note" in _panel(page, "interactions")
    assert re.search(r"Note</a>\s*<span class=\"c360-detail\">Sabah", _panel(page, "timeline"))


# --- consents -----------------------------------------------------------------------------------


def test_a_consent_given_on_the_call_is_recorded_with_the_staff_source(client, agent, customer):
    response = client.post(
        _url("consent", customer),
        {"channel": "sms", "granted": "1", "note": "Kampanya SMS'i istiyor"},
        follow=True,
    )
    assert "Consent recorded as given." in _messages(response)
    current = ConsentCurrent.objects.get(user=customer, channel="sms")
    assert (current.granted, current.source) == (True, "staff")
    assert Consent.objects.get(user=customer, channel="sms").recorded_by == agent
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.actor == agent and entry.reason == "Kampanya SMS'i istiyor"
    consents = _panel(response.content.decode(), "contact")
    sms_row = consents[consents.index(">SMS<") : consents.index("</tr>", consents.index(">SMS<"))]
    assert "Given" in sms_row and "Staff" in sms_row

    response = client.post(
        _url("consent", customer), {"channel": "sms", "granted": "0"}, follow=True
    )
    assert "Consent recorded as withdrawn." in _messages(response)
    assert ConsentCurrent.objects.get(user=customer, channel="sms").granted is False


# --- a one-off message --------------------------------------------------------------------------


def _message(client, customer: User, **fields: str):
    data = {"channel": "email", "subject": "", "body": "", "order": "", "complaint": ""}
    return client.post(_url("message", customer), {"token": TOKEN, **data, **fields}, follow=True)


def test_a_message_about_her_order_is_transactional_and_goes_without_marketing_consent(
    client, agent, customer
):
    order = OrderFactory(user=customer)
    response = _message(
        client, customer, order=order.number,
        subject="{order_number} hakkında",
        body="{first_name} Hanım, siparişiniz {order_number} yarın kargoda.",
    )  # fmt: skip
    message = Message.objects.get(user=customer)
    assert (message.kind, message.category, message.status) == (
        "staff_message", "transactional", "queued",
    )  # fmt: skip
    assert (message.subject_type, message.subject_id) == ("order", str(order.pk))
    assert message.subject_line == f"{order.number} hakkında"
    assert f"Ayşe Hanım, siparişiniz {order.number} yarın kargoda." in message.body_text
    assert "Merhaba Ayşe," in message.body_html  # the greeting in her language (tr)
    assert any("on its way" in text for text in _messages(response))
    assert AuditEntry.objects.filter(action="customer.message", actor=agent).count() == 1

    _message(client, customer, order=order.number, subject="x", body="again")  # same token
    assert Message.objects.filter(user=customer).count() == 1  # a double submit sends once


def test_a_message_about_nothing_is_marketing_and_without_consent_the_agent_is_told(
    client, agent, customer
):
    response = _message(client, customer, subject="Kış indirimi", body="{first_name}, %20!")
    message = Message.objects.get(user=customer)
    assert (message.kind, message.category, message.status, message.status_reason) == (
        "staff_message_marketing", "marketing", "suppressed", "no consent",
    )  # fmt: skip
    assert (
        "The message was not sent: the customer has not consented to marketing on this channel."
        in _messages(response)
    )


def test_with_consent_a_marketing_message_goes_with_an_unsubscribe_link(client, agent, customer):
    consent_set(user=customer, channel="email", granted=True, source="profile")
    _message(client, customer, subject="Kış indirimi", body="Size özel %20.")
    message = Message.objects.get(user=customer)
    assert message.status == "queued" and "/unsubscribe/" in message.body_text


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("Kodunuz {voucher}", "Unknown placeholder {voucher}."),
        ("{first_name.__class__}", "Unknown placeholder {first_name.__class__}."),
        ("{first_name!r}", "Unknown placeholder {first_name}."),
        ("Merhaba {first_name", "A brace is not closed."),
        ("Siparişiniz {order_number}", "{order_number} needs the order the message is about."),
    ],
)
def test_a_bad_placeholder_is_explained_and_nothing_is_sent(client, agent, customer, body, says):
    response = _message(client, customer, subject="Konu", body=body)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert (
        not Message.objects.exists()
        and not AuditEntry.objects.filter(action="customer.message").exists()
    )


def test_the_form_names_the_placeholders_in_the_agents_language(client, agent, customer):
    page = client.get(_url("message", customer)).content.decode()
    assert "is added for you. You can use: {first_name}, {last_name}" in page
    assert 'for="id_body"' in page and 'name="token"' in page


def test_an_sms_to_a_customer_without_a_phone_is_refused(client, agent):
    customer = UserFactory(phone="")
    response = _message(client, customer, channel="sms", body="Merhaba")
    assert "The customer has no mobile phone number." in response.content.decode()
    assert not Message.objects.exists()


def test_placeholders_are_plain_values_never_a_template():
    customer = UserFactory(first_name="{{ secret }}", last_name="Kaya")
    values = placeholder_values(customer=customer)
    assert render_placeholders("Merhaba {first_name} {{x}}", values) == "Merhaba {{ secret }} {x}"
    with pytest.raises(ActionRefused):
        render_placeholders("{0}", values)


# --- a goodwill coupon --------------------------------------------------------------------------


def _coupon(client, customer: User, **fields: str):
    data = {"token": TOKEN, "value": "50", "valid_days": "30", "reason": "Geç teslimat"}
    return client.post(_url("coupon", customer), {**data, **fields}, follow=True)


def test_a_goodwill_coupon_within_the_limit_is_hers_once_and_audited(client, agent, customer):
    response = _coupon(client, customer)
    coupon = Coupon.objects.get(user=customer)
    assert (coupon.kind, coupon.value, coupon.max_uses, coupon.issued_by) == (
        "fixed", Decimal("50.00"), 1, agent,
    )  # fmt: skip
    assert coupon.ends_at.date() == (timezone.now() + timedelta(days=30)).date()
    assert any(coupon.code in text and "₺50.00" in text for text in _messages(response))
    entry = AuditEntry.objects.get(action="coupon_issue_personal")
    assert entry.actor == agent and entry.reason == "Geç teslimat"
    coupons = _panel(response.content.decode(), "coupons")
    assert coupon.code in coupons and "Valid" in coupons and "₺50.00" in coupons
    timeline = _panel(response.content.decode(), "timeline")
    assert f"Personal coupon {coupon.code} issued" in timeline

    _coupon(client, customer)  # the same form posted twice
    assert Coupon.objects.filter(user=customer).count() == 1


def test_above_the_limit_nothing_is_given_and_a_lead_can_be_asked(client, agent, customer):
    response = _coupon(client, customer, value="500")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A coupon worth ₺500.00 is above your limit of ₺100.00." in page
    assert 'name="request_approval"' in page
    assert not Coupon.objects.exists()

    response = _coupon(client, customer, value="500", request_approval="1")
    approval = GoodwillApproval.objects.get(customer=customer)
    assert (approval.kind, approval.amount, approval.status, approval.requested_by) == (
        "coupon", Decimal("500.00"), "pending", agent,
    )  # fmt: skip
    assert not Coupon.objects.exists()
    assert AuditEntry.objects.filter(action="goodwill.request", actor=agent).exists()
    assert any("A team lead has been asked" in text for text in _messages(response))


def test_without_a_reason_no_coupon_is_given(client, agent, customer):
    response = _coupon(client, customer, reason="")
    assert response.status_code == 200 and not Coupon.objects.exists()


# --- resend an order message --------------------------------------------------------------------


def _order_message(order, *, status: str, user: User | None = None) -> Message:
    return Message.objects.create(
        kind="order_shipped", channel="email", category="transactional", user=user,
        recipient=order.email, language="tr", subject_line=f"{order.number} kargoda",
        body_text="...", status=status, subject_type="order", subject_id=str(order.pk),
    )  # fmt: skip


def test_a_delivered_order_message_is_resent_from_the_messages_panel(client, agent, customer):
    order = OrderFactory(user=customer)
    delivered = _order_message(order, status="delivered")  # stored against the order only
    panel = _panel(_page(client, customer), "messages")
    assert _url("resend", customer, delivered.pk) in panel

    response = client.post(_url("resend", customer, delivered.pk), follow=True)

    assert "The message is sent again." in _messages(response)
    copy = Message.objects.get(resend_of=delivered)
    assert (copy.recipient, copy.status, copy.subject_line) == (
        order.email, "queued", delivered.subject_line,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="message.resend")
    assert entry.actor == agent and entry.details["resend_of"] == delivered.pk


def test_a_failed_or_someone_elses_message_is_not_resent(client, agent, customer):
    failed = _order_message(OrderFactory(user=customer), status="failed")
    theirs = _order_message(OrderFactory(user=UserFactory()), status="delivered")
    for message in (failed, theirs):
        response = client.post(_url("resend", customer, message.pk), follow=True)
        assert response.status_code == 200
    assert not Message.objects.filter(resend_of__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="message.resend").exists()


# --- the panels ---------------------------------------------------------------------------------


def test_the_panels_show_her_profile_open_callbacks_and_coupons(client, agent, customer):
    profile = CustomerProfile.objects.create(
        user=customer, gender="female", city="34", interest_tags=["örgü"],
        preferred_channel="sms", birth_date=timezone.localdate().replace(year=1990, day=1),
    )  # fmt: skip
    profile.interest_categories.add(make_category("Kitaplar"))
    now = timezone.now()
    Callback.objects.create(
        customer=customer, name="Ayşe", phone="+905321234567", topic="delivery",
        window_start=now + timedelta(hours=1), window_end=now + timedelta(hours=2),
        due_at=now + timedelta(hours=1),
    )  # fmt: skip
    used = coupon_issue_personal(
        user=customer, kind="fixed", value=Decimal("20"), valid_days=10, reason="r", issue_key="a"
    )
    Coupon.objects.filter(pk=used.pk).update(times_used=1)
    valid = coupon_issue_personal(
        user=customer, kind="percent", value=Decimal("10"), valid_days=10, reason="r", issue_key="b"
    )

    page = _page(client, customer)

    shown = _panel(page, "profile")
    for text in ("1990-", "Woman", "İstanbul", "Kitaplar", "örgü", "SMS"):
        assert text in shown, text
    assert "A product question" not in _panel(page, "callbacks")
    assert "Delivery" in _panel(page, "callbacks")
    coupons = _panel(page, "coupons")
    assert re.search(rf"{used.code}.*Used", coupons, re.S)
    assert re.search(rf"{valid.code}.*Valid", coupons, re.S)


# --- goodwill points ---------------------------------------------------------------------------


def _points(client, customer: User, **fields: str):
    data = {"token": TOKEN, "points": "200", "reason": "Kargo gecikti"}
    return client.post(_url("points", customer), {**data, **fields}, follow=True)


def test_goodwill_points_within_the_limit_are_hers_once_shown_and_audited(client, agent, customer):
    response = _points(client, customer)
    assert points_balance(user_id=customer.pk) == 200
    assert any("200 goodwill points" in text for text in _messages(response))
    entry = AuditEntry.objects.get(action="points.adjust")
    assert entry.actor == agent and entry.reason == "Kargo gecikti"
    panel = _panel(response.content.decode(), "points")
    assert "<strong>200</strong>" in panel and "Kargo gecikti" in panel

    _points(client, customer)  # the same form posted twice
    assert points_balance(user_id=customer.pk) == 200


def test_goodwill_points_above_the_limit_give_nothing_and_a_lead_can_be_asked(
    client, agent, customer
):
    response = _points(client, customer, points="900")
    assert response.status_code == 200 and 'name="request_approval"' in response.text
    assert points_balance(user_id=customer.pk) == 0
    _points(client, customer, points="900", request_approval="1")
    approval = GoodwillApproval.objects.get(customer=customer)
    assert (approval.kind, approval.amount, approval.status) == ("points", 900, "pending")
    assert points_balance(user_id=customer.pk) == 0


@pytest.mark.parametrize("points", ["0", "-5", "abc"])
def test_goodwill_points_that_are_not_a_positive_number_are_refused(
    client, agent, customer, points
):
    response = _points(client, customer, points=points)
    assert response.status_code == 200 and points_balance(user_id=customer.pk) == 0


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["log", "note", "consent", "message", "coupon", "points"])
def test_staff_without_the_actions_permission_get_403_and_nothing_changes(client, action):
    customer = UserFactory()
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="crm", codename="view_customer360")
    )
    client.force_login(staff)
    assert client.get(_url(action, customer)).status_code == 403
    data = {"channel": "phone", "direction": "inbound", "outcome": "resolved", "summary": "x",
            "text": "x", "granted": "1", "body": "x", "token": TOKEN, "value": "5",
            "valid_days": "3", "reason": "x", "points": "5"}  # fmt: skip
    assert client.post(_url(action, customer), data).status_code == 403
    assert not Interaction.objects.exists() and not Coupon.objects.exists()
    assert not Message.objects.exists() and not Consent.objects.exists()
    assert points_balance(user_id=customer.pk) == 0
    page = _page(client, customer)
    assert 'id="c360-actions"' not in page and "Resend" not in page


def test_the_actions_need_the_360_permission_too(client, customer):
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="crm", codename="add_interaction")
    )
    client.force_login(staff)
    assert client.get(_url("log", customer)).status_code == 403
    message = _order_message(OrderFactory(user=customer), status="delivered")
    assert client.post(_url("resend", customer, message.pk)).status_code == 403
