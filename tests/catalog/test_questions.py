"""Product questions and answers: asked by shoppers (guests confirm an email), answered by staff
and verified buyers, published by staff, shown under the reviews from the page cache."""

import json
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.models import (
    AnswerStatus,
    AnswerVote,
    ProductAnswer,
    ProductQuestion,
    QuestionStatus,
)
from catalog.questions import services
from catalog.questions.demo import seed_questions_demo
from catalog.services import product_refresh_listing
from catalog.tasks import expire_unconfirmed_questions
from crm.notifications.models import Message
from payments.services import payment_capture, payment_start
from shop import pagecache
from tests.factories import StaffFactory, UserFactory, listed_product, make_category
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are asserted in English, whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def product():
    shipping_setup()
    variant = stocked_variant()
    product_refresh_listing(product_id=variant.product_id)
    variant.product.refresh_from_db()
    return variant.product


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _buyer(product, **fields):
    user = UserFactory(verified=True, first_name="Ayşe", **fields)
    order = place(cart_with((product.variants.get(), 1), user=user))
    payment_capture(payment=payment_start(payment=order.payments.first()), details={})
    return user


def _staff(*perms: str, superuser: bool = True):
    staff = StaffFactory(is_superuser=superuser)
    for perm in perms:
        app, codename = perm.split(".")
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return _signed_in(staff), staff


def _moderate(client: Client, model: str, action: str, *objects) -> None:
    response = client.post(
        f"/en/admin/catalog/{model}/",
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )
    assert response.status_code == 200


def _asked(product, body="Does it fit a 15-inch laptop?", **fields) -> ProductQuestion:
    user = fields.pop("user", None) or UserFactory(verified=True, first_name="Can")
    _signed_in(user).post(f"/en/p/{product.slug_en}/questions/ask/", {"body": body})
    return ProductQuestion.objects.get(body=body)


def _publish_questions(*questions: ProductQuestion) -> None:
    services.questions_moderate(
        questions=ProductQuestion.objects.filter(pk__in=[q.pk for q in questions]),
        status=QuestionStatus.APPROVED,
        staff=None,
    )


def _answered(product, question, body="Yes, easily.") -> ProductAnswer:
    """A verified buyer's answer to a published question, waiting for staff."""
    if question.status != QuestionStatus.APPROVED:
        _publish_questions(question)
        question.refresh_from_db()
    buyer = _buyer(product)
    response = _signed_in(buyer).post(f"/en/questions/{question.pk}/answer/", {"body": body})
    assert response.status_code == 302
    return ProductAnswer.objects.get(body=body)


@pytest.mark.pagecache
def test_a_question_is_invisible_until_approved_and_approving_changes_the_cached_page(product):
    url = f"/en/p/{product.slug_en}/"
    question = _asked(product, "Is the <script>alert(1)</script> cable long?")
    assert question.status == QuestionStatus.PENDING
    staff = StaffFactory()
    answer = services.answer_post(question=question, user=staff, body="Two metres.")
    assert answer.status == AnswerStatus.PENDING  # outside the admin's box, staff wait too

    Client().get(url)  # fill the page cache
    second = Client().get(url)
    assert second["X-Page-Cache"] == "hit"
    assert "cable long" not in second.text
    assert "No questions answered yet." in second.text

    moderator, _ = _staff()
    _moderate(moderator, "productquestion", "publish", question)
    _moderate(moderator, "productanswer", "publish", answer)
    page = Client().get(url)
    assert "Two metres." in page.text
    # Plain text, escaped, never HTML.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert Client().get(url)["X-Page-Cache"] == "hit"

    _moderate(moderator, "productanswer", "reject", answer)  # un-publishing is at once too
    assert "Two metres." not in Client().get(url).text


def test_a_guest_question_waits_for_the_emailed_link_then_for_staff(
    client, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/p/{product.slug_en}/questions/ask/",
            {"body": "Is it dimmable?", "email": "Guest@Example.com"},
        )
    assert response.status_code == 200
    assert "we have emailed a link to guest@example.com" in response.text
    question = ProductQuestion.objects.get()
    assert question.status == QuestionStatus.UNCONFIRMED and question.user is None
    [email] = mail.outbox
    assert email.to == ["guest@example.com"]
    assert "Is it dimmable?" in email.body
    link = re.search(r"http\S+/questions/\d+/confirm/\S+/", email.body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]

    # A scanner following the link changes nothing; a wrong token is refused.
    assert "Yes, send my question" in client.get(path).text
    question.refresh_from_db()
    assert question.status == QuestionStatus.UNCONFIRMED
    assert client.post(f"/en/questions/{question.pk}/confirm/wrong/").status_code == 404

    assert "your question is with our team" in client.post(path).text
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING and question.confirmed_at
    assert client.post(path).status_code == 404  # the link is spent


def test_unconfirmed_guest_question_cannot_be_published(product):
    question = services.question_ask(
        product=product, user=None, email="g@example.com", body="Colour?", language="en"
    )
    moderator, _ = _staff()
    _moderate(moderator, "productquestion", "publish", question)
    question.refresh_from_db()
    assert question.status == QuestionStatus.UNCONFIRMED


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write your question."),
        ("   ", "Please write your question."),
        ("x" * 501, "Please keep your question to 500 characters (it has 501)."),
    ],
)
def test_empty_or_too_long_questions_say_why_and_save_nothing(product, body, message):
    client = _signed_in(UserFactory(verified=True))
    response = client.post(f"/en/p/{product.slug_en}/questions/ask/", {"body": body})
    assert response.status_code == 400
    assert message in response.text
    assert not ProductQuestion.objects.exists()


def test_a_guest_needs_a_valid_email(client, product):
    response = client.post(
        f"/en/p/{product.slug_en}/questions/ask/", {"body": "Colour?", "email": "nope"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address" in response.text
    assert not ProductQuestion.objects.exists()


def test_questions_are_rate_limited_per_visitor(product, settings):
    settings.CATALOG_QUESTIONS_PER_HOUR = 2
    client = _signed_in(UserFactory(verified=True))
    url = f"/en/p/{product.slug_en}/questions/ask/"
    for n in range(2):
        assert client.post(url, {"body": f"Question {n}?"}).status_code == 302
    response = client.post(url, {"body": "One more?"})
    assert response.status_code == 429
    assert "Too many questions" in response.text
    assert ProductQuestion.objects.count() == 2


def test_only_verified_buyers_and_staff_answer(product):
    question = _asked(product)
    services.questions_moderate(
        questions=ProductQuestion.objects.all(), status=QuestionStatus.APPROVED, staff=None
    )
    url = f"/en/questions/{question.pk}/answer/"
    stranger = _signed_in(UserFactory(verified=True))
    response = stranger.post(url, {"body": "Sure"})
    assert response.status_code == 403
    assert "Only customers who bought this product can answer" in response.text
    assert Client().post(url, {"body": "Sure"}).status_code == 302  # to sign in
    assert not ProductAnswer.objects.exists()

    buyer = _signed_in(_buyer(product))
    too_long = buyer.post(url, {"body": "y" * 2001})
    assert too_long.status_code == 400
    assert "Please keep your answer to 2000 characters (it has 2001)." in too_long.text
    assert buyer.post(url, {"body": ""}).status_code == 400
    assert not ProductAnswer.objects.exists()
    assert buyer.post(url, {"body": "It does."}).status_code == 302
    answer = ProductAnswer.objects.get()
    assert answer.status == AnswerStatus.PENDING and not answer.by_staff


def test_the_answer_form_shows_under_questions_only_for_buyers(product):
    question = _asked(product)
    answer = _answered(product, question, "Yes.")
    services.questions_moderate(
        questions=ProductQuestion.objects.all(), status=QuestionStatus.APPROVED, staff=None
    )
    services.answers_moderate(
        answers=ProductAnswer.objects.all(), status=AnswerStatus.APPROVED, staff=None
    )
    open_question = _asked(product, "Does it come with a bulb?")
    services.questions_moderate(
        questions=ProductQuestion.objects.filter(pk=open_question.pk),
        status=QuestionStatus.APPROVED,
        staff=None,
    )
    url = f"/en/p/{product.slug_en}/"
    buyer_page = _signed_in(answer.user).get(url).text
    assert f'action="/en/questions/{question.pk}/answer/"' in buyer_page
    assert f'action="/en/questions/{open_question.pk}/answer/"' in buyer_page
    assert "Does it come with a bulb?" in buyer_page
    for other in (Client(), _signed_in(UserFactory(verified=True))):
        page = other.get(url).text
        assert "/answer/" not in page
        assert "Does it come with a bulb?" not in page  # not answered yet: not public


def test_the_asker_is_told_once_when_an_answer_is_published(
    product, django_capture_on_commit_callbacks
):
    asker = UserFactory(verified=True, first_name="Emma", language="en")
    question = _asked(product, "Is it heavy?", user=asker)
    answer = _answered(product, question, "About a kilo.")
    assert not Message.objects.filter(kind="product_question_answered").exists()
    moderator, _ = _staff()
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(moderator, "productanswer", "publish", answer)
        _moderate(moderator, "productquestion", "publish", question)  # already: nothing new
    [message] = Message.objects.filter(kind="product_question_answered")
    assert message.recipient == asker.email
    [email] = [m for m in mail.outbox if m.to == [asker.email]]
    assert email.subject == f"Your question about {product.name_en} has an answer"
    assert "Hello Emma," in email.body and "About a kilo." in email.body


def test_staff_answer_in_the_admin_publishes_with_the_question(product):
    question = _asked(product, "Warranty?")
    client, _staff_member = _staff(
        "catalog.view_productquestion",
        "catalog.change_productquestion",
        "catalog.add_productanswer",
        superuser=False,
    )
    response = client.post(
        f"/en/admin/catalog/productquestion/{question.pk}/change/",
        {
            "staff_answer": "Two years.",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    answer = ProductAnswer.objects.get()
    assert answer.by_staff and answer.status == AnswerStatus.APPROVED
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED
    assert question.body == "Warranty?"
    page = Client().get(f"/en/p/{product.slug_en}/").text
    assert "Two years." in page and "From the shop" in page


def test_moderation_needs_its_own_permission(product):
    question = _asked(product)
    viewer, _ = _staff("catalog.view_productquestion", superuser=False)
    viewer.post(
        "/en/admin/catalog/productquestion/",
        {"action": "publish", "_selected_action": [question.pk]},
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


def test_helpful_votes_count_once_per_visitor(product):
    question = _asked(product)
    answer = _answered(product, question)
    services.questions_moderate(
        questions=ProductQuestion.objects.all(), status=QuestionStatus.APPROVED, staff=None
    )
    services.answers_moderate(
        answers=ProductAnswer.objects.all(), status=AnswerStatus.APPROVED, staff=None
    )
    url = f"/en/p/{product.slug_en}/answers/{answer.pk}/vote/"
    visitor = Client()
    assert visitor.post(url, {"helpful": "yes"}).status_code == 302
    page = visitor.post(url, {"helpful": "yes"}, follow=True).text
    assert "You have already voted on this answer." in page
    Client().post(url, {"helpful": "no"})
    answer.refresh_from_db()
    assert (answer.helpful_yes, answer.helpful_no) == (1, 1)
    assert AnswerVote.objects.count() == 2
    assert "Yes (1)" in Client().get(f"/en/p/{product.slug_en}/").text
    assert Client().post(url, {"helpful": "maybe"}).status_code == 302
    hidden = _answered(product, question, "Not published.")
    hidden_url = f"/en/p/{product.slug_en}/answers/{hidden.pk}/vote/"
    assert Client().post(hidden_url, {"helpful": "yes"}).status_code == 404
    other = listed_product()
    elsewhere = f"/en/p/{other.slug_en}/answers/{answer.pk}/vote/"  # another product's page
    assert Client().post(elsewhere, {"helpful": "yes"}).status_code == 404
    answer.refresh_from_db()
    assert answer.helpful_yes == 1


def test_json_ld_carries_the_published_questions_and_answers(product):
    question = _asked(product, 'Is it "waterproof"?')
    _answered(product, question, "Splash-proof only.")
    _client, staff = _staff()
    services.questions_moderate(
        questions=ProductQuestion.objects.all(), status=QuestionStatus.APPROVED, staff=staff
    )
    services.answers_moderate(
        answers=ProductAnswer.objects.all(), status=AnswerStatus.APPROVED, staff=staff
    )
    services.answer_post(question=question, user=staff, body="Rated IP44.", publish=True)
    html = Client().get(f"/en/p/{product.slug_en}/").text
    blocks = [json.loads(block) for block in LD_JSON.findall(html)]
    [data] = [block for block in blocks if block["@type"] == "Product"]
    [entry] = data["subjectOf"]
    assert entry["@type"] == "Question" and entry["text"] == 'Is it "waterproof"?'
    assert entry["answerCount"] == 2
    assert entry["acceptedAnswer"]["@type"] == "Answer"
    assert entry["acceptedAnswer"]["text"] == "Rated IP44."
    assert [a["text"] for a in entry["suggestedAnswer"]] == ["Splash-proof only."]


def _page_queries(client: Client, url: str) -> int:
    pagecache.bump(pagecache.CATALOG)  # nothing kept: the page is made again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_product_page_costs_one_query_for_its_questions_however_many(
    product, settings, signed_in
):
    settings.PAGE_CACHE_ENABLED = False  # what a signed-in visitor (or a cache miss) costs
    url = f"/en/p/{product.slug_en}/"
    client = _signed_in(UserFactory(verified=True)) if signed_in else Client()
    client.get(url)
    without = _page_queries(client, url)
    first = _asked(product, "First?")
    _answered(product, first, "One.")
    services.answers_moderate(
        answers=ProductAnswer.objects.all(), status=AnswerStatus.APPROVED, staff=None
    )
    with_one = _page_queries(client, url)
    for n in range(4):
        question = _asked(product, f"Question {n}?")
        for m in range(2):
            _answered(product, question, f"Answer {n}.{m}")
    _publish_questions(_asked(product, "Still open?"))
    services.answers_moderate(
        answers=ProductAnswer.objects.all(), status=AnswerStatus.APPROVED, staff=None
    )
    page = client.get(url).text
    assert "Answer 3.1" in page and "Still open?" not in page
    assert _page_queries(client, url) == with_one
    # Signed in: once per page, "did they buy it?" for the answer forms.
    assert with_one == without + (1 if signed_in else 0)


def test_demo_questions_are_answered_published_and_seeded_once():
    StaffFactory()
    lamp = listed_product(category=make_category("Lighting"), name_en="Demo Lamp")
    assert seed_questions_demo() == 2
    assert seed_questions_demo() == 2
    page = Client().get(f"/en/p/{lamp.slug_en}/").text
    assert "E27 duy" in page and "From the shop" in page
    turkish = Client().get(f"/p/{lamp.slug_tr}/").text
    assert "Sorular ve yanıtlar" in turkish and "Mağazadan" in turkish
    assert '<label for="question-body">Sorunuz</label>' in turkish


def test_unconfirmed_guest_questions_are_forgotten_after_their_days(product, settings):
    settings.CATALOG_QUESTION_CONFIRM_DAYS = 7
    with time_machine.travel("2026-12-01 10:00", tick=False):
        old = services.question_ask(
            product=product, user=None, email="old@example.com", body="Old?", language="en"
        )
    with time_machine.travel("2026-12-09 10:00", tick=False):
        new = services.question_ask(
            product=product, user=None, email="new@example.com", body="New?", language="en"
        )
        client = Client()
        assert client.get(f"/en/questions/{old.pk}/confirm/{old.token}/").status_code == 404
        assert expire_unconfirmed_questions() == 1
    assert list(ProductQuestion.objects.values_list("pk", flat=True)) == [new.pk]


def test_an_erased_customers_questions_and_answers_leave_the_page(product):
    asker = UserFactory(verified=True)
    question = _asked(product, "Gone soon?", user=asker)
    answer = _answered(product, question, "Still here.")
    services.answers_moderate(
        answers=ProductAnswer.objects.all(), status=AnswerStatus.APPROVED, staff=None
    )
    url = f"/en/p/{product.slug_en}/"
    assert "Still here." in Client().get(url).text
    assert services.questions_remove_of(user_id=answer.user_id) == 1
    assert "Still here." not in Client().get(url).text
    assert services.questions_remove_of(user_id=asker.pk) == 1
    assert not ProductQuestion.objects.exists()
