"""Back in stock through HTTP: the form on the cached product page works for two anonymous
visitors with their own tokens (the page shows nobody's state), a customer is confirmed at once,
a guest by the link in the email (only that request's link), bad input changes nothing, the
form is rate-limited and the opt-out link cancels without a login."""

import re

import pytest
from django.core import mail
from django.test import Client

from crm.models import StockAlert
from crm.notifications.models import Message
from tests.factories import UserFactory, VariantFactory

from .stock_helpers import restock, sold_out_variant, waiting

pytestmark = pytest.mark.django_db

ASK = "/en/back-in-stock/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(variant) -> str:
    return f"/en/p/{variant.product.slug_en}/"


def _link(message: Message, path: str) -> str:
    return re.search(rf"https?://[^/\s]+(\S*{path}\S*/)", message.body_text).group(1)


@pytest.mark.pagecache
def test_the_form_on_the_cached_page_works_for_two_visitors_and_shows_neither(
    django_capture_on_commit_callbacks,
):
    variant = sold_out_variant()
    Client().get(_page(variant))  # the page is in the cache now
    answers = []
    for email in ("birinci@example.com", "ikinci@example.com"):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(_page(variant))
        assert page["X-Page-Cache"] == "hit"
        assert 'id="stock-alert"' in page.text and "@example.com" not in page.text
        token = re.search(r'id="stock-alert".*?' + TOKEN.pattern, page.text, re.S).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            answer = visitor.post(
                ASK, {"csrfmiddlewaretoken": token, "variant": variant.pk, "email": email}
            )
        assert answer.status_code == 200, answer.text
        assert "Please check your email" in answer.text and email in answer.text
        answers.append(answer.text)
    assert "birinci" not in answers[1]
    assert sorted(StockAlert.objects.values_list("email", flat=True)) == [
        "birinci@example.com",
        "ikinci@example.com",
    ]
    assert "birinci" not in Client().get(_page(variant)).text


def test_a_customer_is_confirmed_at_once_with_the_account_address(
    client, django_capture_on_commit_callbacks
):
    variant = sold_out_variant()
    customer = UserFactory(email="musteri@example.com", language="en")
    client.force_login(customer)
    page = client.get(_page(variant))
    assert "Tell me when it is back" in page.text and 'name="email"' not in page.text
    answer = client.post(ASK, {"variant": variant.pk, "email": "someone@else.com"})
    assert answer.status_code == 200 and "We will email musteri@example.com" in answer.text
    alert = StockAlert.objects.get()
    assert (alert.user, alert.email, alert.state) == (customer, "musteri@example.com", "waiting")
    assert not Message.objects.filter(kind="back_in_stock_confirm").exists()

    restock(variant, 1, django_capture_on_commit_callbacks)
    told = Message.objects.get(kind="back_in_stock")
    assert told.recipient == "musteri@example.com" and told.status == "sent"
    product = client.get(_link(told, "/p/"))
    assert product.status_code == 200 and variant.product.name_en in product.text


def test_a_guest_confirms_by_the_link_and_no_other_link_will_do(
    client, django_capture_on_commit_callbacks
):
    variant = sold_out_variant()
    other = waiting(sold_out_variant(), 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, {"variant": variant.pk, "email": "misafir@example.com"})
        again = client.post(ASK, {"variant": variant.pk, "email": "misafir@example.com"})
    assert "one confirmation email per request" in again.text
    alert = StockAlert.objects.get(email="misafir@example.com")
    (confirmation,) = Message.objects.filter(kind="back_in_stock_confirm")
    assert confirmation.recipient == "misafir@example.com" and confirmation.status == "sent"
    link = _link(confirmation, "/confirm/")
    assert link == f"/en/back-in-stock/{alert.pk}/confirm/{alert.token}/"

    for wrong in (
        f"/en/back-in-stock/{alert.pk}/confirm/{alert.token}x/",
        f"/en/back-in-stock/{alert.pk}/confirm/{other.token}/",  # another request's token
        f"/en/back-in-stock/{other.pk}/confirm/{alert.token}/",
    ):
        assert client.get(wrong).status_code == 404
        assert client.post(wrong).status_code == 404
    alert.refresh_from_db()
    assert alert.state == "unconfirmed"

    page = client.get(link)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200 and "Yes, tell me" in page.text
    alert.refresh_from_db()
    assert alert.state == "unconfirmed"
    assert client.post(link).status_code == 200
    alert.refresh_from_db()
    assert alert.state == "waiting"


@pytest.mark.parametrize(
    "form, status, says",
    [
        ({"email": "not-an-email"}, 400, "Enter a valid email address"),
        ({"email": ""}, 400, "Enter a valid email address"),
        ({"variant": "999999"}, 404, "We could not find this product."),
        ({"variant": "abc"}, 404, "We could not find this product."),
        ({"in_stock": True}, 400, "This item is in stock"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, form, status, says):
    variant = sold_out_variant()
    if form.pop("in_stock", False):
        variant = VariantFactory(on_hand=3)
    answer = client.post(ASK, {"variant": variant.pk, "email": "a@example.com", **form})
    assert answer.status_code == status and says in answer.text
    assert not StockAlert.objects.exists() and not Message.objects.exists()
    assert client.get(ASK).status_code == 405


def test_the_form_is_rate_limited(client, settings):
    settings.JOURNEY_BACK_IN_STOCK_REQUESTS_PER_HOUR = 2
    variant = sold_out_variant()
    for n in range(2):
        answer = client.post(ASK, {"variant": variant.pk, "email": f"{n}@example.com"})
        assert answer.status_code == 200
    answer = client.post(ASK, {"variant": variant.pk, "email": "x@example.com"})
    assert answer.status_code == 429 and "Too many requests" in answer.text
    assert StockAlert.objects.count() == 2


def test_the_opt_out_link_cancels_the_waiting_requests_without_a_login(
    client, django_capture_on_commit_callbacks
):
    shirt, lamp = sold_out_variant(), sold_out_variant()
    (told,) = waiting(shirt, 1)
    StockAlert.objects.create(
        variant=lamp, user=told.user, email=told.email, language="en", token="lamp",
        confirmed_at=told.confirmed_at,
    )  # fmt: skip
    (someone_else,) = waiting(lamp, 1, start=told.created_at)
    restock(shirt, 1, django_capture_on_commit_callbacks)
    link = _link(Message.objects.get(kind="back_in_stock"), "/back-in-stock/stop/")
    assert client.get(link).status_code == 200
    assert StockAlert.objects.waiting().count() == 2  # the GET only asks
    assert client.get(link.replace("/stop/", "/stop/x")).status_code == 404
    answer = client.post(link)
    assert answer.status_code == 200 and told.email in answer.text
    assert list(StockAlert.objects.waiting()) == [someone_else]
    assert len(mail.outbox) == 1
