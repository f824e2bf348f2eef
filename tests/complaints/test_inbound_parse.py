"""Reading inbound email for the desk: sender, thread, Turkish text, HTML-only mail, quoted
history, attachments, and the messages it refuses."""

import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from complaints.inbound.exceptions import InboundRefused
from complaints.inbound.parse import inbound_parse

MAIL = Path(__file__).parent / "mail"


def _raw(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def _tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_plain_turkish_message_keeps_its_letters_sender_and_recipients():
    email = inbound_parse(_raw("plain_turkish.eml"))

    assert email.sender == "Ayse.Yilmaz@example.com"
    assert email.sender_name == "Ayşe Yılmaz"
    assert email.subject == "Siparişim hâlâ gelmedi — DKN-1042"
    assert email.message_id == "CAF3x9q+TR-01@mail.example.com"
    assert email.body.startswith("Merhaba,\n\n28 Ekim'de verdiğim DKN-1042 numaralı sipariş")
    assert "İade mi etmeliyim" in email.body
    assert email.body.endswith("Teşekkürler,\nAyşe")
    assert email.recipients == ("destek@dukkan.example",)
    assert email.in_reply_to == () and email.references == () and email.thread_ids == ()
    assert email.attachments == ()
    assert email.sent_at is not None and email.sent_at.isoformat() == "2026-11-03T10:14:55+03:00"
    assert not email.auto_submitted


def test_rfc2047_subject_and_sender_name_are_decoded_across_charsets():
    email = inbound_parse(_raw("encoded_subject.eml"))

    assert email.subject == "İade talebim: ürün ısınıyor, şarj olmuyor"
    assert email.sender_name == "İlkay Şahin"
    assert email.body == "İade etmek istiyorum, ürün şarj olmuyor."


def test_html_only_message_becomes_plain_text_without_tags_scripts_or_styles():
    email = inbound_parse(_raw("html_only.eml"))

    assert email.body == (
        "Merhaba,\n\nSipariş ettim: Mavi tişört (M), gelen: kırmızı L.\n\n"
        "- Sipariş no: DKN-2077\n- Tarih: 01.11.2026\n\n"
        "Değişim & iade için ne yapmalıyım?\nMehmet"
    )
    for leftover in ("<", "alert", "color", "tracker", "Mail"):
        assert leftover not in email.body
    assert email.recipients == ("destek@dukkan.example", "muhasebe@example.org")
    assert email.attachments == ()


def test_reply_threads_by_in_reply_to_and_references_and_drops_the_quoted_history():
    email = inbound_parse(_raw("reply_quoted.eml"))

    assert email.in_reply_to == ("desk.reply.1@dukkan.example",)
    assert email.references == ("CAF3x9q+TR-01@mail.example.com", "desk.reply.1@dukkan.example")
    assert email.thread_ids == ("desk.reply.1@dukkan.example", "CAF3x9q+TR-01@mail.example.com")
    assert email.body == (
        "Paket bugün geldi ama kutu ezik, ürünün camı kırık. Fotoğraf ekleyeceğim."
    )
    assert "Kargonuz yarın elinizde olacak." in email.full_body
    assert email.recipients == ("destek+0f1e2d3c.ffffffffffffffffffff@dukkan.example",)


@pytest.mark.parametrize(
    "history",
    [
        "On Tue, Nov 3, 2026 at 11:02 AM Dükkan Destek <destek@dukkan.example> wrote:\n> eski",
        "-----Original Message-----\nFrom: Dükkan\nSent: Tuesday\n\neski",
        "Kimden: Dükkan Destek <destek@dukkan.example>\nGönderildi: 3 Kasım 2026 Salı\n\neski",
        "> eski\n> daha eski",
    ],
)
def test_common_quoting_styles_are_trimmed(history):
    message = EmailMessage()
    message["From"] = "musteri@example.com"
    message.set_content(f"Yeni yanıtım bu.\n\n{history}\n")

    assert inbound_parse(message.as_bytes()).body == "Yeni yanıtım bu."


def test_a_message_that_is_all_quotes_keeps_its_text():
    message = EmailMessage()
    message["From"] = "musteri@example.com"
    message.set_content("> yalnızca alıntı\n")

    assert inbound_parse(message.as_bytes()).body == "> yalnızca alıntı"


def test_jpeg_attachment_is_exposed_with_its_bytes_name_and_type():
    jpeg = _tiny_jpeg()
    message = EmailMessage()
    message["From"] = "Ayşe Yılmaz <ayse.yilmaz@example.com>"
    message["To"] = "destek@dukkan.example"
    message["Subject"] = "Kırık ürün fotoğrafı"
    message["Message-ID"] = "<photo-1@example.com>"
    message.set_content("Fotoğraf ekte.")
    message.add_attachment(jpeg, maintype="image", subtype="jpeg", filename="../../kırık ürün.jpg")
    message.add_attachment(b"%PDF-1.4 fatura", maintype="application", subtype="pdf")

    email = inbound_parse(message.as_bytes())

    assert email.body == "Fotoğraf ekte."
    assert [(item.filename, item.content_type) for item in email.attachments] == [
        ("kırık ürün.jpg", "image/jpeg"),
        ("attachment-2.pdf", "application/pdf"),
    ]
    (photo,) = email.images
    assert photo.content == jpeg
    assert Image.open(io.BytesIO(photo.content)).size == (4, 3)


def test_a_message_without_from_is_refused_with_a_clear_reason():
    with pytest.raises(InboundRefused) as refused:
        inbound_parse(_raw("no_from.eml"))
    assert refused.value.code == "no_sender"
    with translation.override("en"):
        assert refused.value.message == "The email has no usable sender address."
    with translation.override("tr"):
        assert refused.value.message == "E-postada kullanılabilir bir gönderen adresi yok."


@pytest.mark.parametrize("sender", ["Ayşe", "not-an-address@", "<@example.com>", "undisclosed:;"])
def test_a_message_whose_from_is_no_address_is_refused(sender):
    raw = f"From: {sender}\nSubject: x\n\nmetin\n".encode()
    with pytest.raises(InboundRefused) as refused:
        inbound_parse(raw)
    assert refused.value.code == "no_sender"


def test_a_message_over_the_size_cap_or_empty_is_refused_unread(settings):
    settings.COMPLAINTS_INBOUND_MAX_BYTES = 500
    raw = _raw("plain_turkish.eml")
    assert len(raw) > 500
    with pytest.raises(InboundRefused) as refused:
        inbound_parse(raw)
    assert refused.value.code == "too_large"
    with pytest.raises(InboundRefused):
        inbound_parse(b"  \n")


def test_without_message_id_the_same_message_gets_the_same_id_by_any_route():
    original = _raw("plain_turkish.eml").replace(
        b"Message-ID: <CAF3x9q+TR-01@mail.example.com>\n", b""
    )
    by_other_route = b"Received: from relay.example by maildir.host; Tue, 03 Nov 2026\n" + original
    other_message = original.replace(b"gelmedi.", b"gelmedi!")

    first = inbound_parse(original).message_id
    assert first.startswith("sha256-")
    assert inbound_parse(by_other_route).message_id == first
    assert inbound_parse(other_message).message_id != first


def test_auto_replies_are_marked_so_the_desk_never_answers_them():
    message = EmailMessage()
    message["From"] = "ayse@example.com"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Ofis dışındayım.")
    assert inbound_parse(message.as_bytes()).auto_submitted


def test_an_html_only_gmail_reply_loses_its_quoted_history():
    message = EmailMessage()
    message["From"] = "ayse@example.com"
    message.set_content(
        '<div dir="ltr">Ürün hâlâ bozuk.</div><br><div class="gmail_quote">'
        '<div dir="ltr">4 Kas 2026 Çar, 11:02 tarihinde Dükkan &lt;destek@dukkan.example&gt; '
        "şunu yazdı:<br></div><blockquote>Merhaba Ayşe Hanım,<br>Değişim yolda.</blockquote></div>",
        subtype="html",
    )

    email = inbound_parse(message.as_bytes())

    assert email.body == "Ürün hâlâ bozuk."
    assert "Değişim yolda." in email.full_body
