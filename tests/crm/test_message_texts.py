"""What a recipient reads in every message: money in their language's format, links that lead
somewhere, the page language matching the text, and a guest pointed to a page they can open."""

import re

import pytest
from django.core import mail

from crm.notifications.kinds import all_kinds
from crm.notifications.models import Channel, Message
from crm.notifications.rendering import default_words, render_message
from payments.services import payment_start
from shop.mail import ConsoleAndFileEmailBackend
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

LANGUAGES = ("tr", "en")
MONEY = {"tr": "₺1.032,90", "en": "₺1,032.90"}
EMAILS_WITH_MONEY = {"order_confirmed", "payment_received", "payment_reminder"}
SMS_WITH_MONEY = {"order_confirmed", "payment_received"}


def rendered(kind, channel: str, language: str, **context: object):
    return render_message(
        kind=kind.name,
        category=kind.category,
        channel=channel,
        language=language,
        context={**kind.sample_context, **context},
        # A journey's kind: its default words (what a customer reads until staff edit them).
        words=default_words(kind=kind, language=language) if kind.text else None,
    )


def every_message() -> list:
    return [
        pytest.param(kind, channel, language, id=f"{kind.name}-{channel}-{language}")
        for kind in all_kinds()
        for channel in kind.channels
        for language in LANGUAGES
    ]


@pytest.mark.parametrize(("kind", "channel", "language"), every_message())
def test_money_reads_as_on_the_site_in_the_recipients_language(kind, channel, language):
    lines = [{"name": "Masa Lambası", "option": "", "quantity": 1, "total": "1032.90"}]
    message = rendered(kind, channel, language, total="1032.90", currency="TRY", lines=lines)
    for part in (message.subject, message.text, message.html):
        assert "1032.90" not in part and "1032,90" not in part
    if channel == Channel.EMAIL and kind.name in EMAILS_WITH_MONEY:
        assert MONEY[language] in message.text and MONEY[language] in message.html
    if channel == Channel.SMS and kind.name in SMS_WITH_MONEY:
        assert MONEY[language] in message.text


@pytest.mark.parametrize(("kind", "channel", "language"), every_message())
def test_no_link_is_empty_and_the_page_language_matches_the_text(kind, channel, language):
    message = rendered(kind, channel, language)
    if channel != Channel.EMAIL:
        return
    links = re.findall(r'href="([^"]*)"', message.html)
    assert links and all(re.match(r"(https?://|mailto:)\S+", link) for link in links), links
    assert f'<html lang="{language}">' in message.html
    hello = {"tr": "Merhaba", "en": "Hello"}[language]
    assert hello in message.html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_account_emails_link_the_site_in_their_footer(client, language):
    prefix = "" if language == "tr" else "/en"
    password = "a-Long-and-unique-pass-42"
    client.post(
        f"{prefix}/account/signup/",
        {"email": "newcomer@example.com", "password1": password, "password2": password},
    )
    (message,) = mail.outbox
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    links = re.findall(r'href="([^"]*)"', html)
    assert links and all(link.startswith("http") for link in links), links
    assert f'<html lang="{language}">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_guests_confirmation_sends_them_to_their_orders_page_not_to_my_orders(language):
    method = shipping_setup()
    order = place(
        cart_with((stocked_variant(price="1032.90"), 1)),
        language=language,
        shipping_method_id=method.pk,
    )
    payment_start(payment=order.payments.first())  # cash on delivery: confirmed, messaged
    email = Message.objects.get(kind="order_confirmed", channel="email", subject_id=str(order.pk))
    order_link = re.compile(rf"https?://\S+/orders/{order.number}/\?t=\S+")
    assert order_link.search(email.body_text)
    pre_information = order.documents.get(kind="pre_information").text
    assert order_link.search(pre_information)  # the withdrawal clause names the real page
    assert "My orders" not in pre_information and "Siparişlerim" not in pre_information
    assert f"1 × {order.lines.get().product_name}: {MONEY[language]}" in email.body_text


def test_development_mail_is_written_readable_next_to_the_raw_message(tmp_path, capsys):
    from django.core.mail import EmailMultiAlternatives

    link = "http://127.0.0.1:8000/account/confirm-email/" + "Mg:1vQx" * 12 + "/"
    message = EmailMultiAlternatives("Doğrulayın", f"Merhaba,\n{link}\n", "a@b.example", ["c@d.tr"])
    message.attach_alternative(f'<a href="{link}">Doğrula</a>', "text/html")
    ConsoleAndFileEmailBackend(file_path=str(tmp_path)).send_messages([message])
    (raw,) = tmp_path.glob("*.eml")
    (readable,) = tmp_path.glob("*.txt")
    assert raw.stem == readable.stem
    text = readable.read_text(encoding="utf-8")
    assert link in text.splitlines() and "Subject: Doğrulayın" in text
    assert link in capsys.readouterr().out.splitlines()
