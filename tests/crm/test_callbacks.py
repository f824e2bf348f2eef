""" "Call me back": the site's form (signed in or guest) and the agents' queue in the admin."""

import threading
import zoneinfo
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import translation

from crm.models import Callback, Interaction
from crm.staff.callbacks import callback_close, callback_request, callback_take
from crm.staff.exceptions import CallbackRefused
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import OrderFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.usefixtures("staff_groups")

ISTANBUL = zoneinfo.ZoneInfo("Europe/Istanbul")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ISTANBUL)
PAGE = "/en/call-me-back/"


def _form(**changes: str) -> dict[str, str]:
    return {
        "name": "Ayşe Yılmaz",
        "phone": "0532 123 45 67",
        "window_start": "2026-12-07T14:00",
        "window_end": "2026-12-07T16:00",
        "topic": "delivery",
        "order_number": "",
        **changes,
    }


def _agent(email: str):
    agent = StaffFactory(is_superuser=False, email=email, first_name="Ali", last_name=email[:4])
    agent.groups.add(Group.objects.get(name="Call-centre agent"))
    return agent


def _queued(**changes) -> Callback:
    fields = {
        "name": "Ayşe",
        "phone": "+905321234567",
        "window_start": datetime(2026, 12, 7, 14, 0, tzinfo=ISTANBUL),
        "window_end": datetime(2026, 12, 7, 16, 0, tzinfo=ISTANBUL),
        "topic": "order",
        **changes,
    }
    with time_machine.travel(NOW, tick=False):
        return callback_request(**fields)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_guest_asks_to_be_called_back_and_it_is_queued_due_at_the_window_start():
    client = Client()
    page = client.get(PAGE)
    assert page.status_code == 200
    assert '<label for="id_phone">Phone number to call</label>' in page.text
    assert 'id="call-me-back-link"' in page.text  # linked from every page's footer

    order = OrderFactory(user=None, phone="+905321234567", number="DK-CALL-0001")
    response = client.post(PAGE, _form(order_number="dk-call-0001"), follow=True)

    assert "we will call you back" in response.text
    callback = Callback.objects.get()
    assert callback.phone == "+905321234567"
    assert callback.due_at == datetime(2026, 12, 7, 14, 0, tzinfo=ISTANBUL)
    assert callback.status == Callback.Status.OPEN
    assert callback.customer is None
    assert callback.order == order  # the guest's own order (same phone)
    assert callback.language == "en"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_signed_in_customer_finds_the_form_filled_and_the_request_names_them():
    customer = UserFactory(first_name="Ayşe", last_name="Yılmaz", phone="+905321234567")
    client = Client()
    client.force_login(customer)
    page = client.get("/call-me-back/")  # Turkish, the default language
    assert 'value="+90 532 123 45 67"' in page.text
    assert "Beni geri arayın" in page.text

    client.post("/call-me-back/", _form())
    assert Callback.objects.get().customer == customer


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"window_start": "2026-12-06T14:00", "window_end": "2026-12-06T16:00"},
            "That time has already passed",
        ),
        ({"window_end": "2026-12-07T13:00"}, "The end of the time window must be after its start"),
        ({"phone": "12345"}, "This cannot be a Turkish or international phone number"),
    ],
)
def test_a_window_in_the_past_or_a_bad_phone_gets_a_clear_message_and_nothing_is_saved(
    changes, message
):
    response = Client().post(PAGE, _form(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert not Callback.objects.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_callback_requests_are_rate_limited_per_visitor(settings):
    settings.CALLBACK_REQUESTS_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        client.post(PAGE, _form())
    response = client.post(PAGE, _form())
    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert Callback.objects.count() == 2


@pytest.mark.django_db
def test_an_agent_takes_a_callback_calls_and_logs_the_outcome_as_an_interaction():
    late = _queued(name="Late Lale", window_start=datetime(2026, 12, 7, 10, 30, tzinfo=ISTANBUL))
    later = _queued(name="Later Leyla")
    agent = _agent("ali@example.com")
    client = Client()
    client.force_login(agent)

    with time_machine.travel(datetime(2026, 12, 7, 11, 0, tzinfo=ISTANBUL), tick=False):
        queue = client.get("/en/admin/crm/callback/")
    assert queue.status_code == 200
    page = queue.text
    assert page.index("Late Lale") < page.index("Later Leyla")  # by due time
    assert page.count('class="callback-overdue"') == 1  # only the one past its start

    taken = client.post(f"/en/admin/crm/callback/{late.pk}/take/")
    assert taken["Location"] == f"/en/admin/crm/callback/{late.pk}/outcome/"
    done = client.post(
        f"/en/admin/crm/callback/{late.pk}/outcome/",
        {"outcome": "resolved", "summary": "Parcel arrives tomorrow."},
    )
    assert done.status_code == 302

    late.refresh_from_db()
    assert late.status == Callback.Status.DONE
    assert late.interaction.outcome == Interaction.Outcome.RESOLVED
    assert late.interaction.agent == agent
    assert late.interaction.direction == "outbound"
    assert late.interaction.contact_phone == "+905321234567"

    with translation.override("en"), pytest.raises(CallbackRefused, match="already closed"):
        callback_take(callback_id=late.pk, agent=agent)
    other = _agent("veli@example.com")
    callback_take(callback_id=later.pk, agent=agent)
    with translation.override("en"), pytest.raises(CallbackRefused, match="Another agent"):
        callback_close(callback_id=later.pk, agent=other, outcome="resolved", summary="x")
    callback_close(callback_id=later.pk, agent=agent, outcome="no_answer", summary="No answer")
    assert Callback.objects.get(pk=later.pk).status == Callback.Status.FAILED


@pytest.mark.django_db
def test_staff_without_callback_permissions_cannot_take_one():
    callback = _queued()
    clerk = StaffFactory(is_superuser=False, email="depo@example.com")
    clerk.groups.add(Group.objects.get(name="Warehouse"))
    client = Client()
    client.force_login(clerk)
    assert client.post(f"/en/admin/crm/callback/{callback.pk}/take/").status_code == 403
    assert Callback.objects.get().status == Callback.Status.OPEN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_one_callback_at_once_one_wins():
    callback = _queued()
    agents = [_agent("ali@example.com"), _agent("veli@example.com")]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def take(index: int) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                results[index] = callback_take(callback_id=callback.pk, agent=agents[index])
        except Exception as error:  # the test inspects what each agent got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    won = [r for r in results if isinstance(r, Callback)]
    lost = [r for r in results if isinstance(r, CallbackRefused)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "already taken by Ali" in str(lost[0])
    assert Callback.objects.get().taken_by == won[0].taken_by
