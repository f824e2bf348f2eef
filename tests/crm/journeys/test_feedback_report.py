"""What staff see of the feedback: the NPS report (by week, category and carrier, in a fixed
number of queries, behind its own permission), the answers in the 360; and, with the real
worker, the survey email actually delivered with a link that opens the survey."""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm.journeys.feedback.report import feedback_report
from crm.journeys.feedback.services import feedback_answer, feedback_sweep
from crm.models import FeedbackSurvey
from crm.notifications.models import Message, Status
from crm.staff.groups import staff_groups_setup
from crm.tasks import journey_feedback
from orders.models import Carrier
from shop.models import User
from tests.conftest import wait_until
from tests.factories import StaffFactory, UserFactory, listed_product, make_category

from .feedback_helpers import deliver, delivered_order, order_on_the_road

WEEK_1 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday
WEEK_2 = WEEK_1 + timedelta(days=7)


@pytest.fixture
def known_set(settings) -> dict:
    """Five orders: two weeks, two categories, two carriers; scores 10, 9, 3, 7 and one silent."""
    settings.JOURNEY_FEEDBACK_AFTER_DAYS = 3
    books, lamps = make_category("Kitaplar"), make_category("Lambalar")
    book, lamp = listed_product(category=books), listed_product(category=lamps)
    aras = Carrier.objects.create(name="Aras Kargo")
    yurtici = Carrier.objects.create(name="Yurtiçi Kargo")
    plan = [
        (WEEK_1, [book], aras, 10),
        (WEEK_1, [book, lamp], aras, 9),
        (WEEK_1, [lamp], yurtici, 3),
        (WEEK_2, [lamp], yurtici, 7),
        (WEEK_2, [book], yurtici, None),
    ]
    orders = [
        delivered_order(at=at, products=products, carrier=carrier)
        for at, products, carrier, _score in plan
    ]
    for week in (WEEK_1, WEEK_2):
        with time_machine.travel(week + timedelta(days=3, hours=1), tick=False):
            feedback_sweep()
    for order, (_at, _products, _carrier, score) in zip(orders, plan, strict=True):
        if score is not None:
            feedback_answer(survey=FeedbackSurvey.objects.get(order=order), score=score)
    return {"orders": orders}


def _figures(rows) -> dict:
    return {str(row.label): (row.nps, row.answers, row.sent, row.response_rate) for row in rows}


@pytest.mark.django_db
def test_nps_by_week_category_and_carrier_on_a_known_set(known_set):
    report = feedback_report(start=date(2027, 3, 1), end=date(2027, 3, 31))
    total = report.total
    assert (total.nps, total.answers, total.sent, total.response_rate) == (25, 4, 5, 80)
    assert _figures(report.by_week) == {
        "2027-03-01": (33, 3, 3, 100),  # 10, 9, 3: (2 − 1) / 3
        "2027-03-08": (0, 1, 2, 50),  # a 7 is neither; one did not answer
    }
    assert _figures(report.by_category) == {
        "Kitaplar": (100, 2, 3, 67),  # the two-category order counts once in each
        "Lambalar": (0, 3, 3, 100),
    }
    assert _figures(report.by_carrier) == {
        "Aras Kargo": (100, 2, 2, 100),
        "Yurtiçi Kargo": (-50, 2, 3, 67),
    }
    only_week_2 = feedback_report(start=date(2027, 3, 8), end=date(2027, 3, 14))
    assert (only_week_2.total.sent, only_week_2.total.answers) == (2, 1)


def _in_group(name: str) -> User:
    staff_groups_setup()
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=name))
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_the_report_page_needs_its_permission_and_runs_a_fixed_number_of_queries(
    client, known_set, django_assert_num_queries
):
    url = reverse("admin:crm_feedback_report")
    client.force_login(_in_group("Warehouse"))
    assert client.get(url).status_code == 403
    client.force_login(_in_group("Marketing"))
    query = "?start=2027-03-01&end=2027-03-31"
    client.get(url + query)  # warm: content types, permissions cache
    with django_assert_num_queries(QUERIES):
        page = client.get(url + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Yurtiçi Kargo" in html and "Lambalar" in html and "-50" in html
    # More surveys, the same number of queries.
    for at in (WEEK_1, WEEK_2):
        delivered_order(at=at, carrier=Carrier.objects.create(name=f"Kargo {at:%d}"))
        with time_machine.travel(at + timedelta(days=3, hours=1), tick=False):
            feedback_sweep()
    with django_assert_num_queries(QUERIES):
        client.get(url + query)
    bad = client.get(url + "?start=2027-03-31&end=2027-03-01")
    refused = ("must not be after", "Başlangıç tarihi bitiş tarihinden sonra olamaz.")
    assert bad.status_code == 200 and any(text in bad.content.decode() for text in refused)
    complaint_manager = _in_group("Complaint manager")
    client.force_login(complaint_manager)
    assert client.get(url + query).status_code == 200


# session, user, the permission checks, five report queries
QUERIES = 8


@pytest.mark.django_db
def test_the_360_shows_the_customers_answers(client, settings):
    settings.JOURNEY_FEEDBACK_AFTER_DAYS = 3
    customer = UserFactory()
    order = delivered_order(at=WEEK_1, user=customer)
    with time_machine.travel(WEEK_1 + timedelta(days=3, hours=1), tick=False):
        feedback_sweep()
    feedback_answer(
        survey=FeedbackSurvey.objects.get(order=order), score=4, comment="Kutu ezik geldi."
    )
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:crm_customer360", args=[customer.pk])).content.decode()
    start = page.index('id="c360-feedback"')
    panel = page[start : page.index("</section>", start)]
    assert "4/10" in panel and "Kutu ezik geldi." in panel and order.number in panel


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_the_real_worker_the_survey_email_arrives_and_its_link_opens_the_survey(
    celery_worker, client, settings
):
    settings.JOURNEY_FEEDBACK_AFTER_DAYS = 3
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)  # whatever the hour the suite runs at
    customer = UserFactory(first_name="Ayşe")
    order = deliver(
        order_on_the_road(user=customer, email=customer.email),
        at=timezone.now() - timedelta(days=3, hours=1),
    )
    journey_feedback.delay()
    key = f"feedback:{order.pk}"
    sent = lambda: Message.objects.filter(dedupe_key=key, status=Status.SENT).exists()  # noqa: E731
    assert wait_until(sent)
    subject = Message.objects.get(dedupe_key=key).subject_line
    (email,) = [email for email in mail.outbox if email.subject == subject]
    assert email.to == [customer.email] and order.number in email.subject
    link = re.search(r"https?://\S+/feedback/\S+?/", email.body).group(0)
    survey = client.get(urlsplit(link).path)
    assert survey.status_code == 200 and 'name="score"' in survey.content.decode()
