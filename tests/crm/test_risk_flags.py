"""Risk flags: each kind is raised from data made through the services (or factories for plain
order histories), thresholds hold, a dismissed flag stays quiet until a new incident, the job is
safe to run twice, staff need the permission, and cash on delivery is hidden from a flagged
customer only when the setting says so."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from crm.models import RiskFlag
from crm.risk.selectors import risk_summary
from crm.risk.services import (
    RiskError,
    address_key,
    risk_flag_dismiss,
    risk_flag_mark_reviewed,
    risk_flags_refresh,
)
from crm.tasks import refresh_risk_flags
from orders import selectors, services
from orders.exceptions import CheckoutError
from orders.models import Return
from payments.interface import Outcome, ProviderResult
from payments.methods.echeck.services import echeck_bounce, echeck_create
from payments.services import Operation, payment_create, payment_record, payment_start
from shop.models import AuditEntry
from tests.factories import OrderFactory, StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import packed_order, simulated_carrier
from tests.orders.helpers import (
    cart_with,
    make_checkout_request,
    shipping_setup,
    stocked_variant,
    turkish_address,
)
from tests.payments.test_echeck import _details

pytestmark = pytest.mark.django_db

K = RiskFlag.Kind


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.RISK_REFUSED_COD_MIN = 1
    settings.RISK_BOUNCED_ECHECK_MIN = 1
    settings.RISK_DECLINED_CARDS_MIN = 3
    settings.RISK_DECLINED_CARDS_DAYS = 7
    settings.RISK_RATIO_MIN_ORDERS = 4
    settings.RISK_CANCEL_RATIO_PERCENT = 50
    settings.RISK_RETURN_RATIO_PERCENT = 50
    settings.PAYMENTS_HIDE_COD_FOR_FLAGGED = False


def _flags(kind: str) -> set[str]:
    return set(RiskFlag.objects.filter(kind=kind, active=True).values_list("subject", flat=True))


def _refused(user=None, **address: str) -> None:
    """A cash-on-delivery order whose parcel staff record as returned to sender."""
    if not shipping_setup_done():
        shipping_setup()
    order = packed_order(user=user, shipping_address=turkish_address(**address))
    shipment = services.order_ship(
        order=order,
        carrier=simulated_carrier(name=f"K{order.pk}"),
        tracking_number=f"RF{order.pk}",
    )
    services.shipment_report_returned(shipment=shipment)


def shipping_setup_done() -> bool:
    from orders.models import ShippingMethod

    return ShippingMethod.objects.exists()


def _bounced(user) -> None:
    order = OrderFactory(user=user, payment_method="echeck")
    payment = payment_create(order=order, method="echeck", amount=order.total, currency="TRY")
    echeck_create(payment=payment, details=_details())
    payment_start(payment=payment)
    echeck_bounce(payment=payment, reason="Karşılıksız")


def _declined(user, times: int) -> None:
    order = OrderFactory(user=user, payment_method="card", status="pending_payment")
    for attempt in range(times):
        payment = payment_create(order=order, method="card", amount=order.total, currency="TRY")
        payment_record(
            payment_id=payment.pk,
            result=ProviderResult(Outcome.FAILED, order.total, currency="TRY", message="declined"),
            operation=Operation.START,
            operation_key=f"decline-{payment.pk}-{attempt}",
        )


def test_a_refused_cod_parcel_flags_the_customer_and_the_folded_address():
    customer = UserFactory(verified=True)
    _refused(customer, street="Caferağa Sok. 5")
    _refused(None, street="CAFERAĞA SOK 5")  # a guest at the same door, written differently
    _refused(UserFactory(verified=True), street="Bahariye Cad. 12")

    risk_flags_refresh()

    key = address_key(turkish_address(street="Caferağa Sok. 5").__dict__)
    assert key == address_key(turkish_address(street="caferaga sok 5").__dict__)
    assert f"user:{customer.pk}" in _flags(K.REFUSED_COD)
    assert "email:misafir@example.com" in _flags(K.REFUSED_COD)
    address = RiskFlag.objects.get(kind=K.REFUSED_COD, subject=f"address:{key}")
    assert (address.count, address.customer_id) == (2, None)
    assert len(_flags(K.REFUSED_COD)) == 5  # three people, two addresses


def test_the_refused_threshold_holds(settings):
    settings.RISK_REFUSED_COD_MIN = 2
    customer = UserFactory(verified=True)
    _refused(customer)
    risk_flags_refresh()
    assert not _flags(K.REFUSED_COD)
    _refused(customer)
    risk_flags_refresh()
    assert f"user:{customer.pk}" in _flags(K.REFUSED_COD)


def test_a_bounced_echeck_flags_its_customer():
    customer, other = UserFactory(), UserFactory()
    _bounced(customer)
    risk_flags_refresh()
    flag = RiskFlag.objects.get(kind=K.BOUNCED_ECHECK)
    assert (flag.customer_id, flag.email, flag.count) == (customer.pk, customer.email, 1)
    assert f"user:{other.pk}" not in _flags(K.BOUNCED_ECHECK)


def test_declined_cards_count_only_within_the_window_and_from_the_threshold():
    steady, unlucky, long_ago = UserFactory(), UserFactory(), UserFactory()
    _declined(steady, 2)
    _declined(unlucky, 3)
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        _declined(long_ago, 5)
    risk_flags_refresh()
    assert _flags(K.DECLINED_CARDS) == {f"user:{unlucky.pk}"}
    assert RiskFlag.objects.get(kind=K.DECLINED_CARDS).count == 3

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        risk_flags_refresh()  # they age out of the window: the flag goes quiet
    assert not _flags(K.DECLINED_CARDS)
    assert RiskFlag.objects.filter(kind=K.DECLINED_CARDS, active=False).count() == 1


def _history(user, *, delivered: int = 0, customer_cancels: int = 0, failures: int = 0):
    for _ in range(delivered):
        OrderFactory(user=user, status="delivered")
    for _ in range(customer_cancels):
        OrderFactory(user=user, status="cancelled", cancel_reason="customer")
    for index in range(failures):
        reason = ("expired", "payment_failed")[index % 2]
        OrderFactory(user=user, status="cancelled", cancel_reason=reason)


def test_an_unusual_cancellation_ratio_counts_customer_cancellations_not_checkout_failures():
    cancels_most = UserFactory()
    _history(cancels_most, delivered=2, customer_cancels=3)  # 3 of 5: 60 %
    half = UserFactory()
    _history(half, delivered=2, customer_cancels=2)  # 2 of 4: not above 50 %
    failing = UserFactory()
    _history(failing, delivered=2, customer_cancels=1, failures=4)  # 1 of 3 counted
    few = UserFactory()
    _history(few, customer_cancels=3)  # 3 of 3, under the minimum of 4 orders
    risk_flags_refresh()
    assert _flags(K.CANCELLATIONS) == {f"user:{cancels_most.pk}"}
    flag = RiskFlag.objects.get(kind=K.CANCELLATIONS)
    assert (flag.count, flag.base) == (3, 5)


def test_an_unusual_return_ratio_counts_non_rejected_returns_of_delivered_orders():
    returner, fussy = UserFactory(), UserFactory()
    histories = ((returner, ["approved", "refunded", "requested"]), (fussy, ["rejected"] * 3))
    for user, outcomes in histories:
        for index in range(4):
            order = OrderFactory(user=user, status="delivered")
            if index < len(outcomes):
                Return.objects.create(
                    order=order,
                    number=f"{order.number}-R1",
                    kind="withdrawal",
                    status=outcomes[index],
                    amount=Decimal("100.00"),
                )
    risk_flags_refresh()
    assert _flags(K.RETURNS) == {f"user:{returner.pk}"}
    assert RiskFlag.objects.get(kind=K.RETURNS).count == 3


def test_the_job_is_safe_to_run_twice_and_a_dismissed_flag_waits_for_a_new_incident():
    customer = UserFactory()
    staff = StaffFactory()
    _bounced(customer)
    assert refresh_risk_flags() == 1
    assert refresh_risk_flags() == 0  # nothing changed, nothing written
    flag = RiskFlag.objects.get()

    with pytest.raises(RiskError):
        risk_flag_dismiss(flag=flag, by=staff, note="  ")
    risk_flag_dismiss(flag=flag, by=staff, note="Bank error, paid in cash")
    assert AuditEntry.objects.filter(action="risk_flag.dismiss", reason__contains="Bank").exists()
    assert risk_flags_refresh() == 0
    flag.refresh_from_db()
    assert (flag.review, flag.reviewed_by, flag.flagged) == ("dismissed", staff, False)
    assert risk_summary()["total"] == 0

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        _bounced(customer)  # something new happens
    risk_flags_refresh()
    flag.refresh_from_db()
    assert (flag.review, flag.count, flag.flagged) == ("open", 2, True)

    risk_flag_mark_reviewed(flag=flag, by=staff)
    risk_flags_refresh()
    assert RiskFlag.objects.get().review == "reviewed"


def test_risk_summary_counts_live_flags_per_kind_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    _bounced(UserFactory())
    _declined(UserFactory(), 3)
    _bounced(UserFactory())
    risk_flags_refresh()
    with django_assert_num_queries(2):
        summary = risk_summary(rows=2)
    counts = {row["kind"]: row["count"] for row in summary["by_kind"]}
    assert counts == {
        "refused_cod": 0,
        "bounced_echeck": 2,
        "declined_cards": 1,
        "cancellations": 0,
        "returns": 0,
    }
    assert summary["total"] == 3 and len(summary["newest"]) == 2
    assert summary["newest"][0]["last_at"] >= summary["newest"][1]["last_at"]


def _staff_with(*codenames: str):
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return staff


def test_staff_need_the_permission_to_see_the_list_and_another_to_dismiss(client):
    customer = UserFactory()
    _bounced(customer)
    risk_flags_refresh()
    flag = RiskFlag.objects.get()
    url = reverse("admin:crm_riskflag_changelist")

    client.force_login(_staff_with())
    assert client.get(url).status_code == 403

    client.force_login(_staff_with("view_riskflag"))
    page = client.get(url, {"kind": "bounced_echeck"})
    assert page.status_code == 200 and customer.email in page.content.decode()
    assert 'value="dismiss"' not in page.content.decode()
    client.post(url, {"action": "dismiss", "_selected_action": [flag.pk], "note": "ok"})
    assert RiskFlag.objects.get().review == "open"

    reviewer = _staff_with("view_riskflag", "review_riskflag")
    client.force_login(reviewer)
    assert 'value="dismiss"' in client.get(url).content.decode()
    client.post(url, {"action": "dismiss", "_selected_action": [flag.pk], "note": "Known"})
    flag.refresh_from_db()
    assert (flag.review, flag.reviewed_by, flag.review_note) == ("dismissed", reviewer, "Known")


# --- cash on delivery at checkout -------------------------------------------------------------


def _cod_offered(user) -> bool:
    cart = cart_with((stocked_variant(), 1), user=user)
    quote = selectors.cart_quote(
        cart=cart,
        user=user,
        email=user.email,
        country="TR",
        province="İstanbul",
        payment_method="cod",
    )
    return next(c for c in quote.payment_options if c.method == "cod").availability.available


@pytest.mark.parametrize("hide", [True, False])
def test_cod_is_hidden_from_a_flagged_customer_only_with_the_setting(settings, hide):
    shipping_setup()
    flagged, other = UserFactory(verified=True), UserFactory(verified=True)
    _bounced(flagged)
    risk_flags_refresh()
    settings.PAYMENTS_HIDE_COD_FOR_FLAGGED = hide

    assert _cod_offered(other) is True
    assert _cod_offered(flagged) is (not hide)

    cart = cart_with((stocked_variant(), 1), user=flagged)
    request = make_checkout_request(cart, payment_method="cod")
    if hide:
        with pytest.raises(CheckoutError):  # posted anyway: refused, nothing placed
            services.order_place(request=request)
        assert not flagged.orders.filter(payment_method="cod").exists()
    else:
        order, created = services.order_place(request=request)
        assert created and order.payment_method == "cod"


def test_a_dismissed_flag_offers_cod_again(settings):
    shipping_setup()
    settings.PAYMENTS_HIDE_COD_FOR_FLAGGED = True
    customer = UserFactory(verified=True)
    _bounced(customer)
    risk_flags_refresh()
    assert _cod_offered(customer) is False
    risk_flag_dismiss(flag=RiskFlag.objects.get(), by=StaffFactory(), note="Paid in cash")
    assert _cod_offered(customer) is True
