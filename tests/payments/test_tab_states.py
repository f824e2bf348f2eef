"""A tab's status changes only through one door that follows its table (like refunds')."""

import pytest

from payments.methods.micropayment.services import tab_transition
from payments.methods.micropayment.states import TAB_TRANSITIONS
from payments.models import Tab
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_paid_tab_is_never_opened_or_charged_again() -> None:
    tab = Tab.objects.create(user=UserFactory(), status=Tab.Status.SETTLED)

    assert not tab_transition(tab=tab, to=Tab.Status.OPEN)
    assert not tab_transition(tab=tab, to=Tab.Status.SETTLING)

    tab.refresh_from_db()
    assert tab.status == Tab.Status.SETTLED


def test_a_declined_tab_is_charged_again_before_it_takes_purchases() -> None:
    tab = Tab.objects.create(user=UserFactory(), status=Tab.Status.BLOCKED)

    assert not tab_transition(tab=tab, to=Tab.Status.OPEN)
    assert tab_transition(tab=tab, to=Tab.Status.SETTLING, settle_attempts=2)

    tab.refresh_from_db()
    assert (tab.status, tab.settle_attempts) == (Tab.Status.SETTLING, 2)
    assert set(TAB_TRANSITIONS) == set(Tab.Status.values)
