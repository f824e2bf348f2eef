"""Inbound email into tickets: a new ticket per new conversation, one ticket however often the
same message arrives (webhook retry, webhook and maildir, two at once), replies threaded by the
reply address or by In-Reply-To to the desk's own email; refused without a sender, no
acknowledgement to an auto-reply."""

import mailbox
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from complaints.exceptions import ComplaintRefused
from complaints.inbound.parse import inbound_parse
from complaints.inbound.tokens import reply_address
from complaints.inbound.webhook import inbound_signature
from complaints.models import Ticket, TicketAttachment, TicketMessage
from complaints.services import complaint_reply, complaint_transition
from complaints.services.inbound import complaint_from_email, complaint_from_raw_email
from complaints.states import Category, Channel, TicketStatus
from crm.notifications.models import Message
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant
from tests.orders.test_concurrency import run_together

from .inbound_helpers import png_bytes, raw_email

SECRET = "a-long-random-inbound-secret"


@pytest.fixture
def signed_post(client, settings):
    settings.COMPLAINTS_INBOUND_WEBHOOK_SECRET = SECRET

    def post(raw: bytes, *, secret: str = SECRET, signed: bool = True):
        headers = {}
        if signed:
            timestamp = str(int(time.time()))
            headers = {
                "HTTP_X_DUKKAN_TIMESTAMP": timestamp,
                "HTTP_X_DUKKAN_SIGNATURE": inbound_signature(
                    secret=secret, timestamp=timestamp, body=raw
                ),
            }
        return client.post(
            reverse("complaints_callbacks:inbound_email"),
            data=raw,
            content_type="message/rfc822",
            **headers,
        )

    return post


@pytest.mark.django_db
def test_the_same_email_twice_makes_one_ticket_and_one_acknowledgement(
    django_capture_on_commit_callbacks,
):
    ayse = UserFactory(email="ayse@example.com", first_name="Ayşe", verified=True)
    raw = raw_email()
    with django_capture_on_commit_callbacks(execute=True):
        first = complaint_from_raw_email(raw=raw)
        again = complaint_from_raw_email(raw=raw)

    assert first.created and not first.duplicate
    assert again.duplicate and again.ticket == first.ticket
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and ticket.category == Category.OTHER
    assert ticket.customer == ayse and ticket.subject == "Kargom gelmedi"
    assert ticket.messages.get().body == "Siparişim bir haftadır gelmedi."
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == ["ayse@example.com"]
    assert acknowledgement.reply_to == [reply_address(ticket.token)]
    assert ticket.number in acknowledgement.subject


@pytest.mark.django_db
def test_a_reply_to_the_reply_address_threads_and_takes_a_waiting_ticket_up_again():
    ticket = complaint_from_raw_email(raw=raw_email()).ticket
    complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER)
    # The customer's client dropped the threading headers; only the address names the ticket.
    reply = raw_email(
        to=reply_address(ticket.token),
        subject="Re: Kargom gelmedi",
        body="Fotoğrafı ekledim.",
        message_id="<CA+second@mail.example.com>",
        attachments=(
            ("kutu.png", "image/png", png_bytes()),
            ("fatura.pdf", "application/pdf", b"%PDF-1.4 not a photo"),
        ),
    )
    result = complaint_from_raw_email(raw=reply)

    assert not result.created and result.ticket == ticket
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert list(ticket.messages.values_list("body", flat=True)) == [
        "Siparişim bir haftadır gelmedi.",
        "Fotoğrafı ekledim.",
    ]
    [photo] = TicketAttachment.objects.filter(ticket=ticket)
    assert photo.original_name == "kutu.png" and photo.message == result.message
    assert "fatura.pdf" in ticket.events.get(kind="attachments_dropped").note


@pytest.mark.django_db
def test_an_altered_reply_address_or_a_made_up_message_id_opens_a_new_ticket():
    ticket = complaint_from_raw_email(raw=raw_email()).ticket
    forged = reply_address(ticket.token).replace("destek+", "destek+0")
    other = complaint_from_raw_email(
        raw=raw_email(
            to=forged,
            message_id="<x1@evil.example>",
            in_reply_to="<n1.00000000000000000000@dukkan.local>",
        )
    )
    assert other.created and other.ticket != ticket


@pytest.mark.django_db
def test_a_reply_naming_only_the_desks_own_email_threads(django_capture_on_commit_callbacks):
    ticket = complaint_from_raw_email(raw=raw_email(sender="misafir@example.com")).ticket
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = complaint_reply(ticket=ticket, by=StaffFactory(), body="Kargonuz yolda.")
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == f"<{reply.message_id}>"
    assert sent.reply_to == [reply_address(ticket.token)]

    answer = raw_email(
        sender="misafir@example.com",
        to="destek@dukkan.local",  # answered the From address, not Reply-To
        subject="Re: Kargonuz yolda",
        body="Teşekkürler, geldi.\n\nOn Mon, Dec 7 Dükkan wrote:\n> Kargonuz yolda.",
        message_id="<CA+third@mail.example.com>",
        in_reply_to=sent.extra_headers["Message-ID"],
    )
    result = complaint_from_raw_email(raw=answer)
    assert result.ticket == ticket and not result.created
    assert result.message.body == "Teşekkürler, geldi."


@pytest.mark.django_db
def test_a_reply_to_the_acknowledgement_threads_by_its_message_id(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = complaint_from_raw_email(raw=raw_email()).ticket
    [acknowledgement] = mail.outbox
    answer = raw_email(
        message_id="<CA+fourth@mail.example.com>",
        references=f"<CA+first-1@elsewhere.example> {acknowledgement.extra_headers['Message-ID']}",
        body="Bir şey daha: kutu da ezikti.",
    )
    assert complaint_from_raw_email(raw=answer).ticket == ticket


@pytest.mark.django_db
def test_an_answer_to_a_closed_ticket_opens_a_new_one_that_says_so():
    ticket = complaint_from_raw_email(raw=raw_email()).ticket
    for status in (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CLOSED):
        complaint_transition(ticket=ticket, to=status)
    result = complaint_from_raw_email(
        raw=raw_email(to=reply_address(ticket.token), message_id="<CA+late@mail.example.com>")
    )
    assert result.created and result.ticket != ticket
    assert ticket.number in result.ticket.events.get(kind="follows").note


@pytest.mark.django_db
def test_an_automatic_reply_is_stored_but_never_answered_and_moves_nothing(
    django_capture_on_commit_callbacks,
):
    auto = {"Auto-Submitted": "auto-replied"}
    with django_capture_on_commit_callbacks(execute=True):
        opened = complaint_from_raw_email(raw=raw_email(headers=auto, body="Ofis dışındayım."))
    assert opened.created and opened.message.body == "Ofis dışındayım."
    assert not mail.outbox
    assert not Message.objects.filter(kind="complaint_received").exists()

    human = raw_email(message_id="<CA+human@mail.example.com>")
    ticket = complaint_from_raw_email(raw=human).ticket
    complaint_transition(ticket=ticket, to=TicketStatus.WAITING_ON_CUSTOMER)
    complaint_from_raw_email(
        raw=raw_email(to=reply_address(ticket.token), headers=auto, message_id="<ooo@x.example>")
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_ON_CUSTOMER
    assert ticket.messages.count() == 2


@pytest.mark.django_db
def test_an_email_without_a_usable_sender_is_refused_and_nothing_is_written(signed_post):
    response = signed_post(raw_email(sender="undisclosed-recipients:;"))
    assert response.status_code == 400
    assert response.json()["error"] == "no_sender"
    assert not Ticket.objects.exists() and not TicketMessage.objects.exists()

    parsed = inbound_parse(raw_email())
    with pytest.raises(ComplaintRefused):
        complaint_from_email(email=type(parsed)(**{**parsed.__dict__, "sender": ""}))
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_the_webhook_takes_a_signed_message_once_and_refuses_bad_signatures(client, signed_post):
    raw = raw_email()
    assert signed_post(raw, signed=False).status_code == 403
    assert signed_post(raw, secret="guessed").status_code == 403
    assert client.get(reverse("complaints_callbacks:inbound_email")).status_code == 405
    assert not Ticket.objects.exists()

    first = signed_post(raw)
    retry = signed_post(raw)
    assert first.status_code == retry.status_code == 200
    assert first.json()["new_ticket"] and retry.json()["duplicate"]
    assert first.json()["ticket"] == retry.json()["ticket"] == Ticket.objects.get().number


@pytest.mark.django_db
def test_the_maildir_and_the_webhook_give_the_same_ticket_and_a_second_run_takes_nothing(
    tmp_path, settings, signed_post
):
    raw = raw_email()
    assert signed_post(raw).status_code == 200
    box = mailbox.Maildir(tmp_path / "desk", create=True)
    key = box.add(raw)
    reply_key = box.add(
        raw_email(
            to=reply_address(Ticket.objects.get().token),
            message_id="<CA+maildir-reply@mail.example.com>",
            body="Hâlâ bekliyorum.",
        )
    )
    no_sender_key = box.add(raw_email(sender="", message_id="<nobody@x.example>"))
    settings.COMPLAINTS_INBOUND_MAILDIR = str(tmp_path / "desk")

    out = StringIO()
    call_command("complaints_read_maildir", stdout=out)
    assert "threaded: 1, duplicates: 1, refused: 1" in out.getvalue()
    call_command("complaints_read_maildir", stdout=out)

    ticket = Ticket.objects.get()
    assert ticket.messages.count() == 2
    assert not list((tmp_path / "desk" / "new").iterdir())
    done = sorted(path.name for path in (tmp_path / "desk" / "cur").iterdir())
    assert done == sorted(f"{k}:2,S" for k in (key, reply_key, no_sender_key))


@pytest.mark.django_db(transaction=True)
def test_the_same_email_delivered_twice_at_once_makes_one_ticket():
    raw = raw_email(attachments=(("kutu.png", "image/png", png_bytes()),))
    results = run_together(lambda body: complaint_from_raw_email(raw=body), [raw, raw])

    assert not any(isinstance(result, Exception) for result in results), results
    assert Ticket.objects.count() == 1 and TicketMessage.objects.count() == 1
    assert sorted(result.duplicate for result in results) == [False, True]
    assert TicketAttachment.objects.count() == 1


@pytest.mark.django_db
def test_an_order_number_in_the_email_ties_the_ticket_only_to_the_senders_own_order():
    shipping_setup()
    ayse = UserFactory(email="ayse@example.com", verified=True)
    order = place(cart_with((stocked_variant(), 1), user=ayse))
    mine = complaint_from_raw_email(
        raw=raw_email(subject=f"Sipariş {order.number.lower()} hakkında")
    ).ticket
    assert mine.order == order

    someone_else = complaint_from_raw_email(
        raw=raw_email(
            sender="baska@example.com",
            message_id="<CA+other@mail.example.com>",
            body=f"{order.number} numaralı sipariş gelmedi.",
        )
    ).ticket
    assert someone_else.order is None


@pytest.mark.django_db
def test_the_command_says_when_there_is_no_maildir_and_the_webhook_refuses_a_huge_message(
    tmp_path, settings, signed_post
):
    settings.COMPLAINTS_INBOUND_MAILDIR = ""
    with pytest.raises(CommandError, match="No maildir"):
        call_command("complaints_read_maildir")
    with pytest.raises(CommandError, match="is not a maildir"):
        call_command("complaints_read_maildir", maildir=str(tmp_path / "nowhere"))

    settings.COMPLAINTS_INBOUND_MAX_BYTES = 1000
    answer = signed_post(raw_email(body="uzun " * 400))
    assert answer.status_code == 413 and not Ticket.objects.exists()
