"""Crisis detection: a spike of complaints (and mentions) about one category, product or channel
against the same hours of the four weeks before raises one alert — not one per ticket, not one
per run — tells each manager once, shows on the desk with its plan, and is closed by managers."""

import importlib
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from complaints.crisis.selectors import open_crisis_alerts
from complaints.crisis.setup import crisis_panel
from complaints.crisis.tasks import crisis_scan_task
from complaints.exceptions import ComplaintRefused
from complaints.models import CrisisAlert, CrisisPlan, Mention
from complaints.services import (
    complaint_open,
    complaint_transition,
    crisis_alert_acknowledge,
    crisis_alert_close,
    crisis_scan,
)
from complaints.states import Category, Channel, TicketStatus
from crm.notifications.models import Message
from shop.models import AuditEntry
from tests.factories import ProductFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def crisis_plans(db) -> None:
    """The seed's plans: the migration made them, but a transactional test elsewhere flushes
    every table, so they are set up again here (idempotent)."""
    plans = importlib.import_module("complaints.migrations.0011_crisis_plans")
    plans.add_plans(django_apps, None)


IST = ZoneInfo("Europe/Istanbul")
NOW = datetime(2027, 3, 10, 14, 0, tzinfo=IST)  # a Wednesday afternoon


def _open(at: datetime, category: str = Category.LATE_OR_MISSING, channel: str = Channel.WEB):
    with time_machine.travel(at, tick=False):
        return complaint_open(
            channel=channel,
            category=category,
            description="Siparişim gelmedi.",
            contact_email="musteri@example.com",
        )


def _usual_weeks() -> None:
    """Four ordinary weeks: in the same six hours, two "other" web complaints a week and one
    late delivery in two of them (the late-delivery baseline is 0.5, the web channel's 2.5)."""
    for week in range(1, 5):
        base = NOW - timedelta(weeks=week)
        _open(base - timedelta(hours=2), Category.OTHER)
        _open(base - timedelta(hours=3), Category.OTHER)
        if week <= 2:
            _open(base - timedelta(hours=1))


def _spike(count: int = 6, channel: str = Channel.WEB) -> list:
    return [_open(NOW - timedelta(minutes=20 * (i + 1)), channel=channel) for i in range(count)]


def _managers(count: int = 2) -> list:
    group, _ = Group.objects.get_or_create(name="Complaint manager")
    people = [
        StaffFactory(
            email=f"yonetici{i}@example.com", phone=f"+90532111000{i}", first_name="Zeynep"
        )
        for i in range(count)
    ]
    group.user_set.add(*people)
    people[-1].language = "en"
    people[-1].save(update_fields=["language"])
    StaffFactory(email="baska@example.com")  # staff, not a manager: not told
    return people


def test_a_spike_raises_exactly_one_alert_linking_its_tickets_and_each_manager_gets_one_email(
    django_capture_on_commit_callbacks,
):
    _usual_weeks()
    spike = _spike(6)
    managers = _managers()
    with django_capture_on_commit_callbacks(execute=True):
        raised = crisis_scan(now=NOW)
    [alert] = raised
    assert CrisisAlert.objects.count() == 1
    assert (alert.dimension, alert.key, alert.count) == ("category", "late_or_missing", 6)
    assert str(alert.baseline) == "0.50"
    assert alert.scenario == "delivery_collapse"
    assert set(alert.tickets.all()) == set(spike)  # the window's tickets, not the older ones
    assert sorted(email.to[0] for email in mail.outbox) == [m.email for m in managers]
    subjects = {email.to[0]: email.subject for email in mail.outbox}
    assert "Teslimatta çöküş" in subjects["yonetici0@example.com"]
    assert "Delivery collapse" in subjects["yonetici1@example.com"]  # in her own language
    assert "Late or missing delivery" in subjects["yonetici1@example.com"]
    assert Message.objects.filter(kind="complaint_crisis_alert", channel="sms").count() == 2

    # The job runs again (and again, as beat and `make run` may): still one alert, one message
    # each; a new late complaint joins the open alert.
    late = _open(NOW + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert crisis_scan(now=NOW + timedelta(minutes=10)) == []
        crisis_scan(now=NOW + timedelta(minutes=10))
    assert CrisisAlert.objects.count() == 1
    assert len(mail.outbox) == 2
    assert late in alert.tickets.all()


def test_no_spike_no_alert():
    _usual_weeks()
    _spike(4)  # under COMPLAINTS_CRISIS_MIN_COUNT (5)
    assert crisis_scan(now=NOW) == []
    assert not CrisisAlert.objects.exists()


def test_a_busy_category_as_busy_as_usual_is_no_spike(settings):
    for week in range(1, 5):
        for hour in (1, 2, 3):
            _open(NOW - timedelta(weeks=week, hours=hour), channel=Channel.PHONE)
    _spike(6, Channel.PHONE)  # 6 against a mean of 3: under three times the usual
    assert crisis_scan(now=NOW) == []
    settings.COMPLAINTS_CRISIS_FACTOR = 2
    assert {a.key for a in crisis_scan(now=NOW)} == {"late_or_missing", "phone"}


def test_the_scan_task_raises_one_alert_when_run_twice():
    _spike(6)
    with time_machine.travel(NOW, tick=False):
        assert crisis_scan_task() == 2  # the category and the web channel (no history at all)
        assert crisis_scan_task() == 0
    assert CrisisAlert.objects.count() == 2


def test_mentions_about_a_product_spike_with_its_complaints_and_praise_does_not_count():
    product = ProductFactory()
    for i in range(5):
        Mention.objects.create(
            source="twitter", url=f"https://x.com/a/status/{i}", author=f"@kisi{i}",
            text="Kupa ilk yıkamada çatladı", posted_at=NOW - timedelta(hours=1),
            product=product, classification="complaint", received_via="csv",
        )  # fmt: skip
        Mention.objects.create(
            source="instagram", url=f"https://instagram.com/p/{i}", author=f"kisi{i}",
            text="Harika", posted_at=NOW - timedelta(hours=1), product=product,
            classification="praise", received_via="csv",
        )  # fmt: skip
    raised = {(a.dimension, a.key): a for a in crisis_scan(now=NOW)}
    assert set(raised) == {("product", str(product.pk)), ("channel", "social")}
    alert = raised[("product", str(product.pk))]
    assert alert.count == 5 and alert.mentions.count() == 5
    assert alert.scenario == "product_defect" and alert.label == product.name


def test_the_desk_shows_open_alerts_with_their_tickets_grouped_and_the_plan(rf):
    spike = _spike(6)
    complaint_transition(ticket=spike[0], to=TicketStatus.RESOLVED)
    crisis_scan(now=NOW)
    with translation.override("en"):
        crises = {c.alert.dimension: c for c in open_crisis_alerts()}
    crisis = crises["category"]
    assert crisis.plan == CrisisPlan.objects.get(scenario="delivery_collapse")
    groups = {label: len(tickets) for label, tickets in crisis.ticket_groups}
    assert groups == {"New": 5, "Resolved": 1}

    agent = StaffFactory(is_superuser=False)
    agent.user_permissions.add(Permission.objects.get(codename="view_crisisalert"))
    request = rf.get("/")
    request.user = type(agent).objects.get(pk=agent.pk)
    context = crisis_panel(request, spike[1])
    assert [c.alert for c in context["crises"]] == [c.alert for c in open_crisis_alerts()]
    assert context["may_manage"] is False
    unrelated = _open(NOW - timedelta(days=2))
    assert crisis_panel(request, unrelated) is None

    html = Template("{% load complaint_crisis %}{% crisis_banner %}").render(
        Context({"request": request})
    )
    assert "Teslimatta çöküş" in html or "delivery" in html.lower()
    assert spike[1].number in html
    request.user = StaffFactory(is_superuser=False)  # no permission to see alerts: no banner
    assert (
        Template("{% load complaint_crisis %}{% crisis_banner %}")
        .render(Context({"request": request}))
        .strip()
        == ""
    )


def _manager_client(client):
    manager = StaffFactory(is_superuser=False)
    manager.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_crisisalert", "manage_crisis", "view_ticket"]
        )
    )
    client.force_login(manager)
    return manager


def test_a_manager_takes_a_crisis_on_from_the_ticket_and_closes_it(client):
    spike = _spike(6)
    [alert, _channel] = sorted(crisis_scan(now=NOW), key=lambda a: a.dimension)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        manager = _manager_client(client)
        page = client.get(reverse("admin:complaints_crisisalert_change", args=[alert.pk]))
        assert page.status_code == 200
        plan = CrisisPlan.objects.get(scenario=alert.scenario)
        assert plan.first_message_tr in page.content.decode()
        response = client.post(
            reverse("admin:complaints_crisisalert_acknowledge", args=[alert.pk]),
            {"ticket": spike[0].pk, "scenario": "social_storm", "note": "PR ajansı arandı"},
        )
        assert response.url == reverse("admin:complaints_ticket_change", args=[spike[0].pk])
        alert.refresh_from_db()
        assert (alert.status, alert.scenario, alert.acknowledged_by) == (
            "acknowledged", "social_storm", manager,
        )  # fmt: skip

        client.post(reverse("admin:complaints_crisisalert_close", args=[alert.pk]), {"note": ""})
        alert.refresh_from_db()
        assert alert.status == "acknowledged"  # a close needs a note
        client.post(
            reverse("admin:complaints_crisisalert_close", args=[alert.pk]),
            {"note": "Kargo düzeldi"},
        )
        alert.refresh_from_db()
        assert alert.status == "closed" and alert.closed_by == manager
        assert (
            AuditEntry.objects.filter(action__in=["crisis.acknowledge", "crisis.close"]).count()
            == 2
        )
        assert alert not in [c.alert for c in open_crisis_alerts()]
        # The closed spike stays closed while its window lasts; the channel's alert is untouched.
        assert crisis_scan(now=NOW + timedelta(minutes=15)) == []
    with translation.override("en"), pytest.raises(ComplaintRefused, match="closed"):
        crisis_alert_acknowledge(alert=alert, by=manager)


def test_staff_without_the_crisis_permission_cannot_acknowledge_or_close(client):
    _spike(6)
    alert = crisis_scan(now=NOW)[0]
    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_crisisalert"))
    client.force_login(viewer)
    for name in ("acknowledge", "close"):
        response = client.post(
            reverse(f"admin:complaints_crisisalert_{name}", args=[alert.pk]), {"note": "x"}
        )
        assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"
    with pytest.raises(ComplaintRefused):
        crisis_alert_close(alert=alert, by=viewer, note="")


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_one_alert():
    """Beat and `make run` (or two workers) scanning at the same moment: the database keeps
    one open alert per spike; the loser links its tickets to the winner's alert."""
    spike = _spike(6, Channel.PHONE)
    for week in range(1, 5):  # the phone channel is busy as usual: only the category spikes
        for hour in (1, 2, 3, 4):
            _open(NOW - timedelta(weeks=week, hours=hour), Category.OTHER, Channel.PHONE)
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def scan(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = crisis_scan(now=NOW)
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not any(isinstance(result, Exception) for result in results), results
    assert sorted(len(result) for result in results) == [0, 1]
    [alert] = CrisisAlert.objects.all()
    assert alert.key == "late_or_missing" and set(alert.tickets.all()) == set(spike)
