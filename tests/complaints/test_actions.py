"""Resolution actions from the ticket: a refund, a replacement order, goodwill, a cancellation —
through the shop's own services, within the agent's limit or after a lead's approval, each on
the ticket's history and the audit trail; bad input changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import Variant
from complaints.admin.actions import actions_panel
from complaints.exceptions import ActionRefused
from complaints.models import ResolutionAction, Ticket
from complaints.services import complaint_transition
from complaints.services.actions import resolution_request
from complaints.states import TicketStatus
from crm.models import GoodwillApproval
from crm.staff.limits import goodwill_approval_decide
from orders.models import Coupon, Order, OrderEvent
from orders.services import ReplacementRefused, replacement_order_create
from payments.models import PointsEntry, Refund
from payments.services import balance_of
from shop.models import AuditEntry
from tests.factories import StaffFactory
from tests.orders.helpers import stocked_variant

from .actions_helpers import agent, balance_order, lead, staff_with, ticket_about, token

pytestmark = pytest.mark.django_db

Kind = ResolutionAction.Kind


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True))


# --- refund ----------------------------------------------------------------------------------


def test_a_refund_of_one_item_within_the_limit_goes_back_at_once_and_shows_everywhere(
    django_capture_on_commit_callbacks,
):
    order = balance_order()
    mug = order.lines.order_by("pk").first()  # 2 × 100.00
    ticket = ticket_about(order, mug)
    ayse = agent(refund="150.00")
    before = balance_of(user_id=order.user_id)

    with django_capture_on_commit_callbacks(execute=True):
        action = resolution_request(
            ticket=ticket, by=ayse, kind=Kind.REFUND, key=token(), reason="Kırık",
            lines={mug.pk: 1},
        )  # fmt: skip

    action.refresh_from_db()
    refund = Refund.objects.get()
    assert (action.status, action.amount) == ("done", Decimal("100.00"))
    assert (action.result_type, action.result_id) == ("payments.refund", str(refund.pk))
    assert refund.payment.order == order and refund.status == Refund.Status.SUCCEEDED
    assert refund.request_key == f"complaint-action-{action.pk}"
    assert balance_of(user_id=order.user_id) == before + Decimal("100.00")
    order.refresh_from_db()
    assert order.payment_status == "partially_refunded"
    assert list(action.lines.values_list("order_line", "quantity")) == [(mug.pk, 1)]
    assert kinds(ticket)[-2:] == ["action_requested", "action_done"]
    assert "100,00" in ticket.events.last().note or "100.00" in ticket.events.last().note
    audited = set(AuditEntry.objects.filter(actor=ayse).values_list("action", flat=True))
    assert {"complaint.action.refund", "refund.reserve"} <= audited


def test_the_same_form_posted_twice_refunds_once(django_capture_on_commit_callbacks):
    order = balance_order()
    ticket = ticket_about(order)
    ayse, key = agent(refund="500.00"), token()

    with django_capture_on_commit_callbacks(execute=True):
        first = resolution_request(
            ticket=ticket, by=ayse, kind=Kind.REFUND, key=key, reason="Gecikme", amount="20"
        )
        second = resolution_request(
            ticket=ticket, by=ayse, kind=Kind.REFUND, key=key, reason="Gecikme", amount="20"
        )

    assert first.pk == second.pk
    assert Refund.objects.get().amount == Decimal("20.00")


def test_a_whole_order_refund_gives_back_everything_still_refundable(
    django_capture_on_commit_callbacks,
):
    order = balance_order()
    ticket = ticket_about(order)
    with django_capture_on_commit_callbacks(execute=True):
        action = resolution_request(
            ticket=ticket, by=agent(refund="1000"), kind=Kind.REFUND, key=token(), reason="x"
        )
    assert Refund.objects.get().amount == order.total == action.amount
    order.refresh_from_db()
    assert order.payment_status == "refunded"


# --- over the limit: a lead approves -----------------------------------------------------------


def test_above_the_limit_nothing_is_refunded_until_a_lead_approves(
    django_capture_on_commit_callbacks,
):
    order = balance_order()
    ticket = ticket_about(order)
    ayse, leyla = agent(refund="50.00"), lead()

    action = resolution_request(
        ticket=ticket, by=ayse, kind=Kind.REFUND, key=token(), reason="Hasarlı", amount="80"
    )

    assert action.status == "awaiting_approval" and not Refund.objects.exists()
    approval = action.approval
    assert (approval.kind, approval.amount) == ("refund", Decimal("80.00"))
    assert approval.status == "pending"
    assert approval.customer == order.user and ticket.number in approval.reason
    assert "above your limit" in ticket.events.get(kind="action_approval_asked").note

    with django_capture_on_commit_callbacks(execute=True):
        goodwill_approval_decide(approval_id=approval.pk, by=leyla, approve=True)

    action.refresh_from_db()
    refund = Refund.objects.get()
    assert (action.status, refund.amount, refund.status) == ("done", Decimal("80.00"), "succeeded")
    assert refund.created_by == leyla
    assert kinds(ticket)[-2:] == ["action_approved", "action_done"]


def test_a_lead_refusing_refuses_the_action_and_says_so_on_the_ticket():
    order = balance_order()
    ticket = ticket_about(order)
    action = resolution_request(
        ticket=ticket, by=agent(), kind=Kind.COUPON, key=token(), reason="Özür", amount="100",
        valid_days=30,
    )  # fmt: skip
    goodwill_approval_decide(approval_id=action.approval_id, by=lead(), approve=False, note="Fazla")
    action.refresh_from_db()
    assert (action.status, action.error) == ("refused", "Fazla")
    assert not Coupon.objects.exists()
    assert ticket.events.last().kind == "action_refused" and "Fazla" in ticket.events.last().note


def test_an_approved_coupon_is_issued_above_the_limits_of_agent_and_lead():
    order = balance_order()
    ticket = ticket_about(order)
    action = resolution_request(
        ticket=ticket, by=agent(coupon="50"), kind=Kind.COUPON, key=token(), reason="Özür",
        amount="150", valid_days=30,
    )  # fmt: skip
    assert action.status == "awaiting_approval"
    goodwill_approval_decide(approval_id=action.approval_id, by=lead(), approve=True)
    action.refresh_from_db()
    coupon = Coupon.objects.get()
    assert (coupon.user, coupon.value, coupon.max_uses) == (order.user, Decimal("150.00"), 1)
    assert (action.status, action.result_id) == ("done", str(coupon.pk))


def test_an_approval_no_longer_possible_fails_the_action_and_keeps_the_decision(
    django_capture_on_commit_callbacks,
):
    order = balance_order()
    ticket = ticket_about(order)
    waiting = resolution_request(
        ticket=ticket, by=agent(refund="10"), kind=Kind.REFUND, key=token(), reason="x"
    )  # the whole order, above the limit
    with django_capture_on_commit_callbacks(execute=True):
        resolution_request(  # meanwhile a manager without limits refunds it all
            ticket=ticket, by=StaffFactory(), kind=Kind.REFUND, key=token(), reason="y"
        )
        goodwill_approval_decide(approval_id=waiting.approval_id, by=lead(), approve=True)
    waiting.refresh_from_db()
    assert waiting.status == "failed" and "at most" in waiting.error
    assert GoodwillApproval.objects.get(pk=waiting.approval_id).status == "approved"
    assert Refund.objects.count() == 1
    assert ticket.events.filter(kind="action_failed").count() == 1


# --- replacement -------------------------------------------------------------------------------


def test_a_replacement_makes_one_zero_total_order_for_the_chosen_items():
    order = balance_order()
    mug = order.lines.order_by("pk").first()
    ticket = ticket_about(order, mug)
    ayse, key = agent(), token()
    allocated = Variant.objects.get(pk=mug.variant_id).allocated

    action = resolution_request(
        ticket=ticket, by=ayse, kind=Kind.REPLACEMENT, key=key, reason="Kırık", lines={mug.pk: 1}
    )
    again = resolution_request(
        ticket=ticket, by=ayse, kind=Kind.REPLACEMENT, key=key, reason="Kırık", lines={mug.pk: 1}
    )

    replacement = Order.objects.get(replacement_for=order)
    assert again.pk == action.pk and action.status == "done"
    assert (action.result_type, action.result_id) == ("orders.order", str(replacement.pk))
    assert (replacement.total, replacement.status, replacement.payment_status) == (
        Decimal("0.00"), "confirmed", "paid",
    )  # fmt: skip
    assert replacement.source == "replacement" and replacement.user == order.user
    assert replacement.shipping_address == order.shipping_address
    line = replacement.lines.get()
    assert (line.variant_id, line.quantity, line.total) == (mug.variant_id, 1, Decimal("0.00"))
    assert Variant.objects.get(pk=mug.variant_id).allocated == allocated + 1
    assert OrderEvent.objects.filter(order=order, kind="replacement").get().note == (
        replacement.number
    )
    assert replacement.number in ticket.events.last().note


def test_the_replacement_service_twice_with_one_key_makes_one_order():
    order = balance_order()
    line = order.lines.order_by("pk").first()
    first = replacement_order_create(order=order, lines={line.pk: 2}, key="k-1")
    second = replacement_order_create(order=order, lines={line.pk: 2}, key="k-1")
    assert first.pk == second.pk and Order.objects.filter(replacement_for=order).count() == 1


def test_a_replacement_out_of_stock_is_refused_and_nothing_is_written():
    last = stocked_variant(on_hand=2, price="100.00")
    order = balance_order((last, 2))
    ticket = ticket_about(order)
    line = order.lines.get()
    events = ticket.events.count()

    with pytest.raises(ActionRefused, match=r"out of stock \(0 left\): no replacement"):
        resolution_request(
            ticket=ticket, by=agent(), kind=Kind.REPLACEMENT, key=token(), reason="Kırık",
            lines={line.pk: 1},
        )  # fmt: skip

    assert not ResolutionAction.objects.exists() and Order.objects.count() == 1
    assert Variant.objects.get(pk=last.pk).allocated == 2
    assert ticket.events.count() == events


def test_a_replacement_of_nothing_is_refused():
    order = balance_order()
    with pytest.raises(ReplacementRefused):
        replacement_order_create(order=order, lines={}, key="k")


# --- cancel ------------------------------------------------------------------------------------


def test_cancelling_from_the_ticket_gives_the_reason_complaint(django_capture_on_commit_callbacks):
    order = balance_order()
    ticket = ticket_about(order)
    with django_capture_on_commit_callbacks(execute=True):
        action = resolution_request(
            ticket=ticket, by=agent(refund="1000"), kind=Kind.CANCEL, key=token(), reason="Geç"
        )
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "complaint")
    assert action.status == "done" and action.amount == order.total
    assert order.events.last().note == ticket.number
    assert balance_of(user_id=order.user_id) == Decimal("1000.00")  # refunded in full


def test_cancelling_a_paid_order_above_the_refund_limit_waits_for_a_lead():
    order = balance_order()
    action = resolution_request(
        ticket=ticket_about(order), by=agent(refund="10"), kind=Kind.CANCEL, key=token(),
        reason="Geç",
    )  # fmt: skip
    assert action.status == "awaiting_approval"
    assert Order.objects.get(pk=order.pk).status == "confirmed"


# --- goodwill --------------------------------------------------------------------------------


def test_coupon_and_points_within_the_limit_are_given_at_once():
    order = balance_order()
    ticket = ticket_about(order)
    ayse = agent(coupon="100", points=500)
    coupon_action = resolution_request(
        ticket=ticket, by=ayse, kind=Kind.COUPON, key=token(), reason="Özür", amount="75,50",
        valid_days=14,
    )  # fmt: skip
    points_action = resolution_request(
        ticket=ticket, by=ayse, kind=Kind.POINTS, key=token(), reason="Özür", amount="300"
    )
    coupon = Coupon.objects.get(user=order.user)
    entry = PointsEntry.objects.get(pk=points_action.result_id)
    assert (coupon_action.status, coupon.value) == ("done", Decimal("75.50"))
    assert (points_action.status, entry.points) == ("done", 300)
    assert not GoodwillApproval.objects.exists()


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "bogus"}, "Choose an action."),
        ({"reason": "  "}, "Give a reason"),
        ({"key": "short"}, "The form has expired"),
        ({"amount": "abc"}, "Enter an amount"),
        ({"amount": "-5"}, "more than zero"),
        ({"amount": "100000"}, "at most"),
        ({"lines": {999999: 1}}, "not in this order"),
        ({"lines": "mine"}, "whole numbers"),
        ({"kind": Kind.COUPON, "amount": "10", "valid_days": 0}, "valid for 1 to 365"),
        ({"kind": Kind.COUPON, "amount": ""}, "coupon's value"),
        ({"kind": Kind.POINTS, "amount": "1.5"}, "at least one point"),
        ({"kind": Kind.REPLACEMENT}, "Choose at least one item"),
        ({"kind": Kind.CANCEL, "lines": "first"}, "only for a refund or a replacement"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(fields, error):
    order = balance_order()
    ticket = ticket_about(order)
    if fields.get("lines") == "first":
        fields["lines"] = {order.lines.first().pk: 1}
    elif fields.get("lines") == "mine":
        fields["lines"] = {order.lines.first().pk: "two"}
    events = ticket.events.count()
    values = {"kind": Kind.REFUND, "key": token(), "reason": "Neden", **fields}
    with pytest.raises(ActionRefused, match=error):
        resolution_request(ticket=ticket, by=agent(refund="1000", coupon="1000"), **values)
    assert not ResolutionAction.objects.exists() and not Refund.objects.exists()
    assert not GoodwillApproval.objects.exists() and ticket.events.count() == events


def test_more_items_than_bought_another_order_and_a_shipped_order_are_refused():
    order = balance_order()
    ticket = ticket_about(order)
    line = order.lines.order_by("pk").first()
    ayse = agent(refund="1000")
    with pytest.raises(ActionRefused, match="bought 2 times"):
        resolution_request(
            ticket=ticket, by=ayse, kind=Kind.REFUND, key=token(), reason="x", lines={line.pk: 3}
        )
    other = balance_order()
    with pytest.raises(ActionRefused, match="not in this order"):
        resolution_request(
            ticket=ticket, by=ayse, kind=Kind.REPLACEMENT, key=token(), reason="x",
            lines={other.lines.first().pk: 1},
        )  # fmt: skip
    assert not ResolutionAction.objects.exists()


def test_no_permission_a_closed_ticket_and_goodwill_for_a_guest_are_refused():
    order = balance_order()
    ticket = ticket_about(order)
    with pytest.raises(ActionRefused, match="may not"):
        resolution_request(
            ticket=ticket, by=staff_with(), kind=Kind.REFUND, key=token(), reason="x"
        )
    guest_ticket = ticket_about(balance_order())
    Ticket.objects.filter(pk=guest_ticket.pk).update(customer=None)
    Order.objects.filter(pk=guest_ticket.order_id).update(user=None)
    guest_ticket.refresh_from_db()
    with pytest.raises(ActionRefused, match="customer account"):
        resolution_request(
            ticket=guest_ticket, by=agent(points=10), kind=Kind.POINTS, key=token(),
            reason="x", amount="5",
        )  # fmt: skip
    for status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        complaint_transition(ticket=ticket, to=status)
    with pytest.raises(ActionRefused, match="closed"):
        resolution_request(
            ticket=ticket, by=agent(refund="1000"), kind=Kind.REFUND, key=token(), reason="x"
        )
    assert not ResolutionAction.objects.exists()


# --- the admin endpoint and the panel ----------------------------------------------------------


def _post(client, ticket: Ticket, **data: object):
    url = reverse("admin:complaints_resolutionaction_resolve", args=[ticket.pk])
    return client.post(url, {"key": token(), "reason": "Kırık", **data}, follow=True)


def test_the_panel_form_posts_a_refund_and_comes_back_to_the_ticket(
    client, django_capture_on_commit_callbacks
):
    order = balance_order()
    ticket = ticket_about(order)
    line = order.lines.order_by("pk").first()
    client.force_login(agent(refund="500"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, ticket, kind="refund", **{f"line-{line.pk}": "1"})
    assert response.redirect_chain[-1][0] == reverse(
        "admin:complaints_ticket_change", args=[ticket.pk]
    )
    # "Done" once the provider answered (after commit; the captured callbacks run later here).
    assert [str(m) for m in response.context["messages"]] == ["Refund: Requested."]
    assert Refund.objects.get().status == "succeeded"
    assert Refund.objects.get().amount == Decimal("100.00")


def test_bad_input_on_the_endpoint_is_a_message_and_nothing_changes(client):
    order = balance_order()
    ticket = ticket_about(order)
    client.force_login(agent(refund="500"))
    response = _post(client, ticket, kind="refund", amount="99999")
    shown = [str(m) for m in response.context["messages"]]
    assert response.status_code == 200 and any("at most" in m for m in shown)
    response = _post(client, ticket, kind="refund", reason="")
    assert any("Reason" in str(m) for m in response.context["messages"])
    assert not ResolutionAction.objects.exists() and not Refund.objects.exists()


def test_the_endpoint_needs_the_permission_and_a_post(client):
    ticket = ticket_about(balance_order())
    url = reverse("admin:complaints_resolutionaction_resolve", args=[ticket.pk])
    client.force_login(staff_with("complaints.view_resolutionaction"))
    assert client.post(url, {"kind": "refund", "key": token(), "reason": "x"}).status_code == 403
    client.force_login(agent())
    assert client.get(url).status_code == 405
    missing = reverse("admin:complaints_resolutionaction_resolve", args=[999999])
    assert client.post(missing, {"kind": "refund"}).status_code == 404
    assert not ResolutionAction.objects.exists()


def test_the_panel_lists_the_actions_and_offers_forms_only_to_who_may_act(rf):
    order = balance_order()
    ticket = ticket_about(order)
    resolution_request(
        ticket=ticket, by=agent(points=50), kind=Kind.POINTS, key=token(), reason="x", amount="20"
    )
    request = rf.get("/")
    request.user = staff_with()
    assert actions_panel(request, ticket) is None
    request.user = staff_with("complaints.view_resolutionaction")
    seen = actions_panel(request, ticket)
    assert [row["action"].kind for row in seen["rows"]] == ["points"]
    assert seen["rows"][0]["amount"] == "20 points" and not seen["can_resolve"]
    request.user = agent(refund="100")
    offered = actions_panel(request, ticket)
    assert offered["can_resolve"] and len(set(offered["tokens"].values())) == len(Kind.values)
    assert "100.00" in offered["limit_refund"]


def test_the_panel_renders_in_both_languages(rf):
    from django.template.loader import render_to_string

    order = balance_order()
    ticket = ticket_about(order)
    request = rf.get("/")
    request.user = agent(refund="100")
    context = actions_panel(request, ticket)
    for language, words in (("en", "Resolution actions"), ("tr", "Çözüm işlemleri")):
        with translation.override(language):
            html = render_to_string(
                "admin/complaints/panels/actions.html",
                {**context, "ticket": ticket, "request": request},
            )
        assert words in html and 'name="line-' in html


def test_a_guest_has_no_goodwill_forms(rf):
    order = balance_order()
    Order.objects.filter(pk=order.pk).update(user=None)
    ticket = ticket_about(Order.objects.get(pk=order.pk))
    Ticket.objects.filter(pk=ticket.pk).update(customer=None)
    ticket.refresh_from_db()
    request = rf.get("/")
    request.user = agent()
    assert actions_panel(request, ticket)["has_customer"] is False


def test_the_customer_and_staff_see_the_replacement_order(client):
    order = balance_order()
    line = order.lines.order_by("pk").first()
    replacement = replacement_order_create(order=order, lines={line.pk: 1}, key="seen")
    client.force_login(order.user)
    page = client.get(reverse("orders:confirmation", args=[replacement.number]))
    assert page.status_code == 200 and replacement.number in page.content.decode()
    assert replacement.number in client.get(reverse("orders:order_list")).content.decode()
    client.force_login(StaffFactory())
    admin_page = client.get(reverse("admin:orders_order_change", args=[replacement.pk]))
    assert admin_page.status_code == 200 and order.number in admin_page.content.decode()


def test_the_customer_is_told_of_the_replacement_once(django_capture_on_commit_callbacks):
    from crm.notifications.models import Message

    order = balance_order()
    line = order.lines.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        replacement = replacement_order_create(order=order, lines={line.pk: 1}, key="told")
    about = Message.objects.filter(subject_type="order", subject_id=str(replacement.pk))
    assert about.exists() and not about.filter(status="failed").exists()
    # The original order's silent step sends nothing new about it.
    assert not Message.objects.filter(
        subject_type="order", subject_id=str(order.pk), created_at__gte=replacement.placed_at
    ).exists()
