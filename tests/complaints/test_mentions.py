"""The mention inbox: a CSV upload or a signed webhook brings mentions in (all or nothing; bad
rows reported by number; an address already there skipped), and staff triage each one — a
ticket (linked both ways), a dismissal with a reason, or a crisis."""

import json
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from complaints.exceptions import ComplaintRefused
from complaints.inbound.webhook import inbound_signature
from complaints.models import CrisisAlert, Mention, Ticket, TicketEvent
from complaints.services import (
    mention_crisis_flag,
    mention_dismiss,
    mention_ticket_make,
)
from crm.notifications.models import Message
from shop.embedded import DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET
from shop.models import AuditEntry
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HEADER = "source,url,author,text,posted_at,classification,sku,order\n"


def _mention(**fields) -> Mention:
    values = {
        "source": "twitter",
        "url": "https://x.com/ayse/status/1",
        "author": "@ayse",
        "text": "Siparişim 10 gündür gelmedi!",
        "posted_at": timezone.now() - timedelta(hours=1),
        "classification": "complaint",
        "received_via": "csv",
    }
    return Mention.objects.create(**(values | fields))


def _staff(client, *codenames: str):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def _upload(client, text: str, name: str = "mentions.csv", encoding: str = "utf-8"):
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(reverse("admin:complaints_mention_import"), {"file": file}, follow=True)


def test_a_csv_upload_imports_every_row_and_skips_an_address_already_in_the_inbox(client):
    shipping_setup()
    variant = stocked_variant(sku="KUPA-01")
    order = place(cart_with((variant, 1), user=UserFactory(verified=True)))
    _mention(url="https://x.com/zaten/status/9")
    staff = _staff(client, "view_mention", "import_mentions")
    csv = HEADER + (
        "X,https://x.com/zaten/status/9,@zaten,Eski,2026-11-05 10:00,,,\n"
        f"Şikayetvar,https://www.sikayetvar.com/dukkan/kupa,Mehmet K.,Kupa kırık,"
        f"2026-11-05 10:00,Şikayet,KUPA-01,{order.number}\n"
        "\n"
        "instagram,https://instagram.com/p/abc,ayse.y,Harika!,2026-11-05T09:30:00+03:00,praise,,\n"
    )
    with translation.override("en"):
        page = _upload(client, csv).content.decode()
    assert "2 mentions imported; 1 already in the inbox." in page
    complaint = Mention.objects.get(url="https://www.sikayetvar.com/dukkan/kupa")
    assert (complaint.source, complaint.classification) == ("complaint_site", "complaint")
    assert (complaint.product, complaint.order) == (variant.product, order)
    assert complaint.imported_by == staff and complaint.status == "new"
    assert Mention.objects.get(url="https://instagram.com/p/abc").classification == "praise"
    assert AuditEntry.objects.filter(action="mention.import", actor=staff).exists()


def test_a_csv_with_bad_rows_lists_each_by_number_and_imports_nothing(client):
    _staff(client, "view_mention", "import_mentions")
    csv = HEADER + (
        "twitter,https://x.com/a/status/1,@a,Geç kaldı,2026-11-05 10:00,,,\n"
        "myspace,https://myspace.com/a,@b,Merhaba,2026-11-05 10:00,,,\n"
        "twitter,not a url,@c,Merhaba,2026-11-05 10:00,,,\n"
        "twitter,https://x.com/a/status/4,@d,,2026-11-05 10:00,,,\n"
        "twitter,https://x.com/a/status/5,@e,Merhaba,dün,,,\n"
        "twitter,https://x.com/a/status/6,@f,Merhaba,2026-11-05 10:00,öfke,,\n"
        "twitter,https://x.com/a/status/7,@g,Merhaba,2026-11-05 10:00,,YOK-1,\n"
        "twitter,https://x.com/a/status/8,@h,Merhaba,2999-01-05 10:00,,,\n"
    )
    with translation.override("en"):
        page = _upload(client, csv).content.decode()
    assert "7 rows are wrong; nothing was imported." in page
    for row, reason in [
        (3, "Unknown source"),
        (4, "is not a web address"),
        (5, "“text” is empty."),
        (6, "is not a date and time"),
        (7, "Unknown classification"),
        (8, "No product has the SKU"),
        (9, "dated in the future"),
    ]:
        assert f"<td>{row}</td><td>" in page and reason in page, (row, reason)
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    ("content", "encoding", "error"),
    [
        ("url,author\nhttps://x.com/1,@a\n", "utf-8", "lacks the columns: source, text, posted_at"),
        (HEADER + "twitter,https://x.com/1,@ğ,Ş,2026-11-05,,,\n", "cp1254", "not UTF-8"),
        (HEADER, "utf-8", "no rows under its header"),
        ("", "utf-8", "The submitted file is empty."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(client, content, encoding, error):
    _staff(client, "view_mention", "import_mentions")
    with translation.override("en"):
        page = _upload(client, content, encoding=encoding)
    assert page.status_code == 200 and error in page.content.decode()
    assert not Mention.objects.exists()


def test_import_and_triage_need_their_own_permissions(client):
    mention = _mention()
    _staff(client, "view_mention")
    assert client.get(reverse("admin:complaints_mention_import")).status_code == 403
    response = client.post(
        reverse("admin:complaints_mention_triage", args=[mention.pk]),
        {"decision": "dismiss", "reason": "Reklam"},
    )
    assert response.status_code == 403
    mention.refresh_from_db()
    assert mention.status == "new"


def _webhook(client, payload, *, secret=DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET, sent_at=None):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()) if sent_at is None else sent_at)
    return client.post(
        "/complaints/mentions/webhook/",
        body,
        content_type="application/json",
        headers={
            "X-Dukkan-Signature": inbound_signature(secret=secret, timestamp=timestamp, body=body),
            "X-Dukkan-Timestamp": timestamp,
        },
    )


ITEM = {
    "source": "facebook",
    "url": "https://facebook.com/dukkan/posts/1",
    "author": "Ali Veli",
    "text": "Ödeme sayfası açılmıyor",
    "posted_at": "2026-11-05T10:00:00+03:00",
    "classification": "complaint",
}


def test_the_webhook_takes_signed_mentions_once_and_refuses_forged_ones(client, settings):
    settings.COMPLAINTS_MENTIONS_WEBHOOK_SECRET = DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET
    second = {**ITEM, "url": "https://facebook.com/dukkan/posts/2", "classification": ""}
    response = _webhook(client, {"mentions": [ITEM, second]})
    assert response.status_code == 200 and response.json() == {"imported": 2, "skipped": 0}
    assert Mention.objects.get(url=ITEM["url"]).received_via == "webhook"
    assert _webhook(client, {"mentions": [ITEM]}).json() == {"imported": 0, "skipped": 1}

    third = {**ITEM, "url": "https://facebook.com/dukkan/posts/3"}
    assert _webhook(client, {"mentions": [third]}, secret="guessed").status_code == 403
    stale = int(time.time()) - 3600
    assert _webhook(client, {"mentions": [third]}, sent_at=stale).status_code == 403
    assert (
        client.post("/complaints/mentions/webhook/", b"{}", "application/json").status_code == 403
    )
    settings.COMPLAINTS_MENTIONS_WEBHOOK_SECRET = ""  # production without a secret: refuses all
    assert _webhook(client, {"mentions": [third]}, secret="").status_code == 403
    assert Mention.objects.count() == 2


def test_the_webhook_reports_bad_items_by_position_and_imports_nothing(client):
    bad = {**ITEM, "url": "https://facebook.com/dukkan/posts/9", "source": "myspace"}
    with translation.override("en"):
        response = _webhook(client, {"mentions": [ITEM, bad]})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["row"] == 2 and "Unknown source" in error["error"]
    assert _webhook(client, {"mentions": "x"}).status_code == 400
    assert _webhook(client, ["not", "an", "object"]).status_code == 400
    assert _webhook(client, {"mentions": [1]}).status_code == 400
    assert not Mention.objects.exists()


def test_a_mention_about_an_order_becomes_the_customers_ticket_linked_both_ways():
    shipping_setup()
    ayse = UserFactory(verified=True)
    order = place(cart_with((stocked_variant(), 1), user=ayse))
    mention = _mention(order=order)
    agent = StaffFactory()
    ticket = mention_ticket_make(mention=mention, by=agent, category="late_or_missing")
    mention.refresh_from_db()
    assert mention.status == "ticket_made" and mention.ticket == ticket
    assert mention.triaged_by == agent and mention.triaged_at is not None
    assert list(ticket.mentions.all()) == [mention]
    assert (ticket.channel, ticket.customer, ticket.order) == ("social", ayse, order)
    assert mention.url in ticket.messages.get().body
    assert TicketEvent.objects.filter(ticket=ticket, kind="from_mention", note=mention.url).exists()

    with translation.override("en"), pytest.raises(ComplaintRefused, match="already triaged"):
        mention_dismiss(mention=mention, by=agent, reason="x")
    assert Ticket.objects.count() == 1


def test_a_complaint_site_mention_without_an_order_needs_a_contact():
    mention = _mention(source="complaint_site", url="https://www.sikayetvar.com/dukkan/1")
    agent = StaffFactory()
    with translation.override("en"), pytest.raises(ComplaintRefused, match="email address"):
        mention_ticket_make(mention=mention, by=agent, category="wrong_or_damaged")
    mention.refresh_from_db()
    assert mention.status == "new" and not Ticket.objects.exists()
    ticket = mention_ticket_make(
        mention=mention, by=agent, category="wrong_or_damaged", contact_email="yazar@example.com"
    )
    assert ticket.channel == "complaint_site" and ticket.contact_email == "yazar@example.com"


def test_a_dismissal_needs_a_reason():
    mention = _mention()
    agent = StaffFactory()
    with pytest.raises(ComplaintRefused):
        mention_dismiss(mention=mention, by=agent, reason="  ")
    mention_dismiss(
        mention=mention, by=agent, reason="Rakip hesabı", classification="competitor_attack"
    )
    mention.refresh_from_db()
    assert (mention.status, mention.dismiss_reason, mention.classification) == (
        "dismissed", "Rakip hesabı", "competitor_attack",
    )  # fmt: skip


def test_flagging_crises_raises_one_alert_per_scenario_and_tells_the_managers_once(
    django_capture_on_commit_callbacks,
):
    group, _ = Group.objects.get_or_create(name="Complaint manager")
    group.user_set.add(StaffFactory(email="yonetici@example.com"))
    agent = StaffFactory()
    first = _mention(classification="leak")
    second = _mention(url="https://x.com/b/status/2", classification="leak")
    with django_capture_on_commit_callbacks(execute=True):
        alert = mention_crisis_flag(mention=first, by=agent, scenario="data_leak")
        again = mention_crisis_flag(mention=second, by=agent, scenario="data_leak")
    assert again == alert and CrisisAlert.objects.count() == 1
    assert (alert.dimension, alert.key, alert.raised_by) == ("manual", "data_leak", agent)
    assert set(alert.mentions.all()) == {first, second}
    assert Message.objects.filter(kind="complaint_crisis_alert", channel="email").count() == 1
    first.refresh_from_db()
    assert first.status == "crisis_flagged"

    third = _mention(url="https://x.com/c/status/3")
    assert mention_crisis_flag(mention=third, by=agent, alert=alert) == alert
    with pytest.raises(ComplaintRefused):
        mention_crisis_flag(mention=_mention(url="https://x.com/d/status/4"), by=agent)


def test_staff_triage_a_mention_from_the_admin(client):
    mention = _mention()
    _staff(client, "view_mention", "triage_mention", "view_ticket")
    with translation.override("en"):
        url = reverse("admin:complaints_mention_triage", args=[mention.pk])
    page = client.get(url)
    assert page.status_code == 200 and mention.text in page.content.decode()
    with translation.override("en"):
        refused = client.post(
            url, {"decision": "ticket", "category": "late_or_missing", "priority": "normal"}
        )
    assert "email address or a phone number" in refused.content.decode()
    response = client.post(
        url,
        {
            "decision": "ticket",
            "category": "late_or_missing",
            "priority": "high",
            "contact_phone": "0532 123 45 67",
        },
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("admin:complaints_ticket_change", args=[ticket.pk])
    assert ticket.priority == "high" and ticket.contact_phone == "+905321234567"
    other = _mention(url="https://x.com/z/status/2")
    response = client.post(
        reverse("admin:complaints_mention_triage", args=[other.pk]),
        {"decision": "crisis", "scenario": "social_storm"},
    )
    alert = CrisisAlert.objects.get()
    assert response.url == reverse("admin:complaints_crisisalert_change", args=[alert.pk])


def test_the_inbox_lists_new_mentions_with_a_triage_button_and_the_import_link(client):
    mention = _mention()
    done = _mention(url="https://x.com/b/status/2")
    mention_dismiss(mention=done, by=StaffFactory(), reason="Övgü")
    _staff(client, "view_mention", "import_mentions", "triage_mention")
    page = client.get(reverse("admin:complaints_mention_changelist")).content.decode()
    assert reverse("admin:complaints_mention_import") in page
    assert reverse("admin:complaints_mention_triage", args=[mention.pk]) in page
    assert reverse("admin:complaints_mention_triage", args=[done.pk]) not in page
    detail = client.get(reverse("admin:complaints_mention_change", args=[done.pk]))
    assert detail.status_code == 200 and "Övgü" in detail.content.decode()
