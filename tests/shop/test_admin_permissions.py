"""Staff permissions in the admin: view permission alone changes nothing and downloads no
money document; moving an order, cancelling one that refunds and reading invoices each need
their own permission.

The walk covers every action of every registered ModelAdmin and every admin-only URL (each
ModelAdmin's get_urls beyond Django's own): a new action that declares no permissions, or only
"view" without a reason here, fails it; so does a new admin URL without a request to try here.
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import URLPattern, reverse

from catalog.models import Review
from crm.notifications.models import Consent, Message
from orders import services as order_services
from orders.models import Cart, CreditNote, DownloadLink, Invoice, Order, Return
from payments.methods.cod.services import refund_account_create
from payments.models import PointsAccount, ReconciliationItem, Refund
from payments.services import (
    balance_adjust,
    echeck_clear,
    echeck_create,
    payment_capture,
    payment_collect_cash,
    payment_create,
    payment_refund,
    payment_start,
)
from payments.states import PaymentStatus
from shop.models import AuditEntry, User
from tests.factories import OrderFactory, StaffFactory, UserFactory, make_category
from tests.orders.conftest import _english  # noqa: F401  (messages asserted in English)
from tests.orders.fulfilment_helpers import digital_variant, packed_order, pay
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant
from tests.orders.returns_helpers import delivered_order
from tests.payments.test_echeck import _details

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Actions a view-only staff member may run, and why: they read, they change nothing.
READ_ONLY_ACTIONS = {
    ("orders.order", "print_pick_list"): "a printout of the lines the order pages show",
    ("orders.order", "print_packing_slips"): "a printout of what the order pages show",
    ("notifications.consent", "export_for_iys"): "the consent list as İYS's CSV, read-only",
}
# Admin-only URLs a view-only staff member may read, and why. The daily report stays readable
# (HTML and CSV alike): sums per method and day, no customer, no money moved.
READ_ONLY_URLS = {
    "payments_payment_daily": "sums per method and day, the same in HTML and CSV",
    "catalog_product_export": "the catalog's variants and prices, public anyway",
    "catalog_product_export_xlsx": "the same as a spreadsheet",
    "notifications_message_preview": "message texts with sample data",
    "catalog/category/children/<str:parent_id>/": "the category tree, expanded",
    "javascript-catalog": "the tree's translations",
    "complaints_ticketattachment_file": "a complaint's photo, for staff who may view complaints",
}
# Money documents and personal data: never served to view-only staff unless listed above.
DOCUMENT_TYPES = ("application/pdf", "text/csv", "application/vnd.openxmlformats")


@pytest.fixture
def shop() -> dict[str, object]:
    """One of each thing an admin action or view acts on, built through the services."""
    shipping_setup()
    packed = packed_order()  # cash due: ships, cash can be recorded
    paid = place(cart_with((stocked_variant(), 1), user=UserFactory(verified=True)))
    order_services.checkout_payment_start(order=paid)
    payment_capture(payment=paid.payments.get())  # confirmed and paid: cancelling refunds
    # The customer chose store credit for this cash, so the refund gives a credit note now.
    refund_account_create(payment=paid.payments.get(), destination="store_credit")
    order_services.invoice_issue(order=paid)
    payment_refund(payment=paid.payments.get(), amount=Decimal("10.00"), reason="Hasar")
    digital = place(
        cart_with((digital_variant(), 1), user=UserFactory(verified=True)), payment_method="card"
    )
    pay(digital)  # its download links are issued
    delivered = delivered_order()
    order_services.return_request(
        order=delivered, quantities={delivered.lines.first().pk: 1}, reason="Vazgeçtim"
    )
    clearing = payment_create(
        order=OrderFactory(payment_method="echeck", total=Decimal("80.00")),
        method="echeck",
        amount=Decimal("80.00"),
        currency="TRY",
    )
    echeck_create(payment=clearing, details=_details())
    clearing = payment_start(payment=clearing)
    cleared = payment_create(
        order=OrderFactory(payment_method="echeck", total=Decimal("60.00")),
        method="echeck",
        amount=Decimal("60.00"),
        currency="TRY",
    )
    echeck_create(payment=cleared, details=_details())
    cleared = echeck_clear(payment=payment_start(payment=cleared))
    waiting = payment_refund(payment=cleared, amount=Decimal("60.00"), reason="İade")
    customer = UserFactory()
    balance_adjust(user=customer, amount=Decimal("25.00"), reason="Hoş geldin", by=StaffFactory())
    ReconciliationItem.objects.create(kind="missing_capture", reference="ch_x", amount=1)
    first, second = make_category("Kitap"), make_category("Müzik")
    Review.objects.create(product=packed.lines.first().variant.product, user=customer, rating=4)
    Message.objects.create(
        kind="order_confirmed", channel="email", category="transactional",
        recipient=customer.email, language="tr", body_text="Merhaba", status="failed",
    )  # fmt: skip
    Consent.objects.create(
        user=customer, channel="sms", granted=True, recipient="+905321234567", source="checkout"
    )
    flagged = payment_collect_cash(  # 3000 typed for 300: recorded and flagged for staff
        payment=packed_order().payments.get(), amount=Decimal("3000.00")
    )
    assert flagged.needs_review
    assert waiting.status == Refund.Status.AWAITING_PAYOUT
    assert DownloadLink.objects.exists() and CreditNote.objects.exists()
    assert Return.objects.exists() and Invoice.objects.exists()
    return {
        "packed": packed,
        "paid": paid,
        "clearing": clearing,
        "cod_due": packed.payments.get(),
        "waiting": waiting,
        "flagged": flagged,
        "categories": (first, second),
    }


def _viewer() -> User:
    """Staff holding every view permission and nothing else."""
    user = StaffFactory(is_superuser=False, email="bakar@example.com")
    # Not the customer 360's: opening one writes an audit entry by design (tests/crm).
    user.user_permissions.add(
        *Permission.objects.filter(codename__startswith="view_").exclude(
            codename="view_customer360"
        )
    )
    return User.objects.get(pk=user.pk)  # no cached permissions


def _snapshot() -> dict[str, str]:
    """A fingerprint of every row of the shop's own apps and the admin log (one query)."""
    parts = []
    for label in (
        "orders", "payments", "catalog", "notifications", "shop", "crm", "admin", "account",
        "complaints",
    ):  # fmt: skip
        for model in apps.get_app_config(label).get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            parts.append(
                f"SELECT '{model._meta.label}', (SELECT md5(coalesce(string_agg(t::text, '|' "
                f"ORDER BY t::text), '')) FROM {table} t)"
            )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def _assert_nothing_changed(before: dict[str, str], what: str) -> None:
    after = _snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"{what} changed {changed} for a view-only staff member"


def _assert_no_document(response, what: str, allowed: bool) -> None:
    content_type = response.get("Content-Type", "")
    if allowed:
        return
    assert not content_type.startswith(DOCUMENT_TYPES), f"{what} served {content_type}"
    assert not response.get("Content-Disposition"), f"{what} served a download"


def _default_routes(model_admin: admin.ModelAdmin) -> set[str]:
    return {str(p.pattern) for p in admin.ModelAdmin.get_urls(model_admin)}


def _custom_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    defaults = _default_routes(model_admin)
    return [p for p in model_admin.get_urls() if str(p.pattern) not in defaults]


def _payloads(shop: dict[str, object]) -> dict[str, tuple[dict[str, str], list[dict]]]:
    """Per admin-only URL: the URL's arguments, and the POSTs that would change something."""
    packed, paid = shop["packed"], shop["paid"]
    first, second = shop["categories"]
    carrier = packed.shipments.model._meta.get_field("carrier").related_model.objects.first()
    order_return = Return.objects.first()
    note = CreditNote.objects.first()
    ticket = _ticket()
    return {
        "orders_order_step": (
            {"pk": packed.pk},
            [{"step": "cancelled"}, {"step": "preparing"}, {"step": "delivered"}],
        ),
        "orders_order_invoice": ({"pk": paid.pk}, [{}]),
        "orders_order_parcel_returned": (
            {"pk": order_return.order_id, "shipment_pk": order_return.order.shipments.first().pk},
            [{}],
        ),
        "orders_order_ship": (
            {},
            [{f"carrier-{packed.pk}": str(carrier.pk), f"tracking-{packed.pk}": "YK1"}],
        ),
        # Phone orders need a permission of their own: a viewer starts and places nothing.
        "orders_order_phone_start": ({}, [{"email": "telefon@example.com", "language": "en"}]),
        "orders_order_phone": (
            {"cart_id": Cart.objects.create(status="agent").pk},
            [{"action": "add", "sku": "X", "quantity": "1"}, {"action": "place"}],
        ),
        "orders_return_act": (
            {"pk": order_return.pk},
            [{"act": "approve", "decision_note": "ok"}, {"act": "receive"}, {"act": "refund"}],
        ),
        "orders_creditnote_pdf": ({"pk": note.pk}, [{}]),
        "payments_payment_daily": ({}, [{}]),
        "payments_payment_refund": (
            {"pk": paid.payments.get().pk},
            [{"amount": "5.00", "reason": "x", "key": "k1"}],
        ),
        "payments_payment_echeck": ({"pk": shop["clearing"].pk}, [{"decision": "clear"}]),
        "payments_payment_cash": ({"pk": shop["cod_due"].pk}, [{"amount": "1.00"}]),
        "payments_payment_resolve": (
            {"pk": shop["flagged"].pk},
            [
                {"resolution": "accept", "reason": "x", "key": "r1"},
                {"resolution": "correct", "amount": "300.00", "reason": "x", "key": "r2"},
            ],
        ),
        "payments_refund_payout": ({"pk": shop["waiting"].pk}, [{"reference": "EFT-1"}]),
        "payments_pointsaccount_adjust": (
            {"pk": PointsAccount.objects.get_or_create(user=User.objects.first())[0].pk},
            [{"points": "10", "reason": "x"}],
        ),
        "catalog_product_export": ({}, [{}]),
        "catalog_product_export_xlsx": ({}, [{}]),
        "catalog_product_import": ({}, [{"apply": "1"}]),
        "notifications_message_preview": ({}, [{}]),
        "catalog/category/move/": (
            {},
            [{"node": str(second.pk), "target": str(first.pk), "relation": "child"}],
        ),
        "catalog/category/children/<str:parent_id>/": ({"parent_id": str(first.pk)}, [{}]),
        "javascript-catalog": ({}, [{}]),
        "crm_callback_take": ({"pk": _callback().pk}, [{}]),
        "crm_callback_outcome": (
            {"pk": _callback().pk},
            [{"outcome": "resolved", "summary": "x"}, {"release": "1"}],
        ),
        "crm_customer360": ({"user_id": User.objects.first().pk}, []),
        # The 360's actions: each needs its own permission besides viewing.
        "crm_customer360_log": (
            {"user_id": User.objects.first().pk},
            [{"channel": "phone", "direction": "inbound", "outcome": "resolved", "summary": "x"}],
        ),
        "crm_customer360_note": ({"user_id": User.objects.first().pk}, [{"text": "x"}]),
        "crm_customer360_consent": (
            {"user_id": User.objects.first().pk},
            [{"channel": "email", "granted": "1"}],
        ),
        "crm_customer360_message": (
            {"user_id": User.objects.first().pk},
            [{"channel": "email", "subject": "x", "body": "x", "token": "t" * 20}],
        ),
        "crm_customer360_coupon": (
            {"user_id": User.objects.first().pk},
            [{"value": "5", "valid_days": "3", "reason": "x", "token": "t" * 20}],
        ),
        "crm_customer360_points": (
            {"user_id": User.objects.first().pk},
            [{"points": "5", "reason": "x", "token": "t" * 20}],
        ),
        "crm_customer360_resend": (
            {"user_id": User.objects.first().pk, "message_id": 1},
            [{}],
        ),
        "crm_journeys": ({}, []),
        # Campaigns: previewing needs crm.manage_campaigns, sending crm.send_campaign.
        **{
            f"crm_campaign_{name}": ({"pk": _campaign().pk}, posts)
            for name, posts in (
                ("overview", []),
                ("progress", []),
                ("preview", []),
                ("report", []),
                ("send", [{"action": "now"}, {"action": "schedule"}, {"action": "cancel"}]),
            )
        },
        "crm_journey": (
            {"name": "points_expiry"},
            [{"enabled": "", "points_expiring__tr__subject": "x"}],
        ),
        # A complaint's resolution actions need complaints.resolve_ticket.
        "complaints_resolutionaction_resolve": (
            {"ticket_id": _ticket_for(paid).pk},
            [
                {"kind": "refund", "key": "t" * 20, "reason": "x", "amount": "5"},
                {"kind": "cancel", "key": "u" * 20, "reason": "x"},
            ],
        ),
        "crm_segment_count": (  # counts; saves nothing
            {},
            [{"rows": "1", "match": "all", "c0-field": "orders_count", "c0-low": "1"}],
        ),
        "crm_feedback_report": ({}, [{"start": "2027-01-01", "end": "2027-03-01"}]),
        # The chat console needs crm.use_chat_console (tests/crm/chat).
        "crm_chat_console": ({}, []),
        "crm_chat_console_queue": ({}, []),
        "crm_chat_console_chat": ({"pk": _chat().pk}, []),
        "crm_chat_console_poll": ({"pk": _chat().pk}, []),
        "crm_chat_console_take": ({"pk": _chat().pk}, [{}]),
        "crm_chat_console_reply": ({"pk": _chat().pk}, [{"body": "x"}]),
        "crm_chat_console_transfer": ({"pk": _chat().pk}, [{"team": "1"}]),
        "crm_chat_console_end": ({"pk": _chat().pk}, [{}]),
        "crm_chat_console_ticket": ({"pk": _chat().pk}, [{}]),
        # The complaint desk's procedures and quality review (tests/complaints).
        "complaints_procedure_acknowledge": ({}, [{"version": str(_procedure_version().pk)}]),
        "complaints_procedure_acknowledgements": ({}, []),
        "complaints_procedure_follow": (
            {"ticket_id": _resolved_ticket().pk},
            [{"version": str(_procedure_version().pk)}],
        ),
        "complaints_procedure_write": (
            {"pk": _procedure_version().procedure_id},
            [{"how_to_respond_tr": "a", "how_far_to_bend_tr": "b", "where_to_be_firm_tr": "c"}],
        ),
        "complaints_procedure_version": (
            {"pk": _procedure_version().procedure_id, "number": 1},
            [],
        ),
        "complaints_qualityreview_sample": ({}, []),
        "complaints_qualityreview_summary": ({}, []),
        "complaints_qualityreview_review": (
            {"ticket_id": _resolved_ticket().pk},
            [{"greeting": "2", "procedure": "2", "resolution": "2", "language": "2"}],
        ),
        "complaints_ticketattachment_file": ({"pk": 0}, [{}]),
        # The complaint desk's ticket screen: each form needs complaints.work_ticket.
        "complaints_ticket_intake": (
            {},
            [
                {
                    "channel": "phone",
                    "category": "other",
                    "description": "x",
                    "contact_phone": "+905321234567",
                }
            ],
        ),
        **{
            f"complaints_ticket_{name}": ({"pk": ticket.pk}, [data])
            for name, data in (
                ("reply", {"body": "x"}),
                ("note", {"body": "x"}),
                ("status", {"to": "resolved"}),
                ("assign", {"to": str(User.objects.first().pk)}),
                ("reclassify", {"priority": "urgent", "category": "payment"}),
            )
        },
        # The mention inbox and crisis alerts: importing, triage and managing each need their own.
        "complaints_mention_import": ({}, [{}]),
        "complaints_mention_triage": (
            {"pk": _mention().pk},
            [
                {"decision": "dismiss", "reason": "x"},
                {"decision": "crisis", "scenario": "data_leak"},
                {"decision": "ticket", "category": "other", "priority": "normal"},
            ],
        ),
        "complaints_crisisalert_acknowledge": ({"pk": _crisis_alert().pk}, [{"note": "x"}]),
        "complaints_crisisalert_close": ({"pk": _crisis_alert().pk}, [{"note": "x"}]),
        "auth_user_password_change": (
            {"id": User.objects.first().pk},
            [{"password1": "a-New-passw0rd!", "password2": "a-New-passw0rd!"}],
        ),
    }


def _campaign():
    from crm.models import Campaign, Segment

    campaign = Campaign.objects.filter(name="Yetki").first()
    if campaign is not None:
        return campaign
    segment = Segment.objects.create(name="Yetki", rules={"match": "all", "rules": []})
    return Campaign.objects.create(
        name="Yetki", segment=segment, channel="email", subject_tr="x", body_tr="x",
        subject_en="x", body_en="x",
    )  # fmt: skip


def _chat():
    from crm.models import Conversation

    return Conversation.objects.get_or_create(
        guest_email="sohbet@example.com", defaults={"status": "waiting"}
    )[0]


def _callback():
    from datetime import timedelta

    from django.utils import timezone

    from crm.models import Callback

    start = timezone.now() + timedelta(hours=1)
    return Callback.objects.create(
        name="Ayşe", phone="+905321234567", topic="order", window_start=start,
        window_end=start + timedelta(hours=2), due_at=start,
    )  # fmt: skip


def _procedure_version():
    from complaints.models import ProcedureVersion
    from complaints.services.procedures import VersionTexts, procedure_create

    version = ProcedureVersion.objects.filter(procedure__category="late_or_missing").first()
    if version is not None:
        return version
    texts = VersionTexts(how_to_respond_tr="a", how_far_to_bend_tr="b", where_to_be_firm_tr="c")
    return procedure_create(category="late_or_missing", texts=texts, by=StaffFactory())


def _resolved_ticket():
    from complaints.models import Ticket
    from complaints.services import complaint_open, complaint_transition

    ticket = Ticket.objects.filter(status="resolved").first()
    if ticket is not None:
        return ticket
    ticket = complaint_open(
        channel="web", category="late_or_missing", description="x", contact_email="a@b.co"
    )
    Ticket.objects.filter(pk=ticket.pk).update(assignee=StaffFactory())
    return complaint_transition(ticket=ticket, to="resolved")


def _ticket():
    from complaints.services import complaint_open

    return complaint_open(
        channel="web", category="other", description="x", contact_email="t@example.com"
    )


def _ticket_for(order):
    from complaints.services import complaint_open

    return complaint_open(
        channel="phone", category="other", description="Kırık", customer=order.user, order=order
    )


def _mention():
    from django.utils import timezone

    from complaints.models import Mention

    return Mention.objects.get_or_create(
        url="https://x.com/a/status/1",
        defaults={"source": "twitter", "author": "@a", "text": "Kargo gelmedi",
                  "posted_at": timezone.now(), "received_via": "csv"},
    )[0]  # fmt: skip


def _crisis_alert():
    from django.utils import timezone

    from complaints.models import CrisisAlert

    now = timezone.now()
    return CrisisAlert.objects.get_or_create(
        dimension="category", key="payment",
        defaults={"label": "Ödeme", "scenario": "payment_outage", "window_start": now,
                  "window_end": now},
    )[0]  # fmt: skip


def _url_of(model_admin: admin.ModelAdmin, pattern: URLPattern, kwargs: dict) -> str:
    opts = model_admin.model._meta
    base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), str(pattern.pattern))
    return base + route


def test_view_permission_alone_changes_nothing_and_downloads_no_money_document(client, shop):
    viewer = _viewer()
    client.force_login(viewer)
    payloads = _payloads(shop)
    before = _snapshot()
    walked = 0
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in model_admin._get_base_actions():
            name = action.name
            permissions = getattr(action.func, "allowed_permissions", ())
            assert permissions, f"{label}: the action {name} declares no permissions"
            read_only = (label, name) in READ_ONLY_ACTIONS
            assert set(permissions) != {"view"} or read_only, (
                f"{label}: the action {name} needs only view permission; "
                "say why in READ_ONLY_ACTIONS if it only reads"
            )
            selected = [str(pk) for pk in model.objects.values_list("pk", flat=True)]
            response = client.post(
                changelist,
                {"action": name, "_selected_action": selected, "index": "0", "post": "yes"},
            )
            assert response.status_code < 500, f"{label}: the action {name}"
            _assert_nothing_changed(before, f"{label}: the action {name}")
            _assert_no_document(response, f"{label}: the action {name}", read_only)
            walked += 1
        for pattern in _custom_urls(model_admin):
            key = pattern.name or f"{label.replace('.', '/')}/{pattern.pattern}"
            assert key in payloads, f"{label}: the admin URL {key} has no request to try here"
            kwargs, posts = payloads[key]
            url = _url_of(model_admin, pattern, kwargs)
            read_only = key in READ_ONLY_URLS
            for method, data in [("get", {}), *(("post", post) for post in posts)]:
                response = getattr(client, method)(url, data)
                assert response.status_code < 500, f"{method.upper()} {url}"
                _assert_nothing_changed(before, f"{method.upper()} {url}")
                _assert_no_document(response, f"{method.upper()} {url}", read_only)
            walked += 1
    assert walked > 30  # the walk reached the shop's admin, not an empty registry


def test_only_the_actions_a_permission_allows_are_offered(rf):
    viewer = _viewer()
    request = rf.get("/")
    request.user = viewer
    for model, model_admin in admin.site._registry.items():
        offered = set(model_admin.get_actions(request))
        label = model._meta.label_lower
        assert offered <= {name for lbl, name in READ_ONLY_ACTIONS if lbl == label}, label


def _staff(*codenames: str) -> User:
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def _cancel(client, *orders: Order):
    return client.post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "cancel_orders",
            "_selected_action": [str(o.pk) for o in orders],
            "index": "0",
        },
        follow=True,
    )


def test_staff_who_may_move_orders_but_not_refund_cancel_only_what_refunds_nothing(client, shop):
    paid, packed = shop["paid"], shop["packed"]
    payment = paid.payments.get()
    refunds, audit = Refund.objects.count(), AuditEntry.objects.count()
    client.force_login(_staff("view_order", "change_order"))
    page = _cancel(client, paid, packed).content.decode()
    assert f"{paid.number} was not cancelled" in page
    assert "you may not refund payments" in page
    assert "1 orders cancelled" in page
    paid.refresh_from_db()
    packed.refresh_from_db()
    payment.refresh_from_db()
    assert (paid.status, payment.status) == ("confirmed", PaymentStatus.PARTIALLY_REFUNDED)
    assert packed.status == "cancelled"  # cash due: nothing was taken, nothing goes back
    assert Refund.objects.count() == refunds
    assert AuditEntry.objects.count() == audit

    # The order's own "Cancelled" button is refused the same way.
    client.post(reverse("admin:orders_order_step", args=[paid.pk]), {"step": "cancelled"})
    paid.refresh_from_db()
    assert paid.status == "confirmed" and Refund.objects.count() == refunds


def test_with_the_refund_permission_the_cancel_refunds_once(
    client, shop, django_capture_on_commit_callbacks
):
    paid = shop["paid"]
    payment = paid.payments.get()
    before = set(Refund.objects.filter(payment=payment).values_list("pk", flat=True))
    client.force_login(_staff("view_order", "change_order", "refund_payment"))
    with django_capture_on_commit_callbacks(execute=True):
        page = _cancel(client, paid).content.decode()
        _cancel(client, paid)  # a second click refunds nothing more
    assert "1 orders cancelled" in page
    paid.refresh_from_db()
    payment.refresh_from_db()
    assert paid.status == "cancelled"
    new = Refund.objects.filter(payment=payment).exclude(pk__in=before)
    assert [r.amount for r in new] == [payment.amount - Decimal("10.00")]  # the rest taken
    assert payment.status == PaymentStatus.REFUNDED


def test_view_only_staff_cannot_move_an_order_or_extend_a_link(client, shop):
    packed = shop["packed"]
    link = DownloadLink.objects.first()
    client.force_login(_staff("view_order", "view_downloadlink"))
    response = client.post(
        reverse("admin:orders_order_step", args=[packed.pk]), {"step": "cancelled"}, follow=True
    )
    assert "You may not change orders." in response.content.decode()
    assert client.get(reverse("admin:orders_order_ship") + f"?ids={packed.pk}").status_code == 403
    client.post(
        reverse("admin:orders_downloadlink_changelist"),
        {"action": "extend_links", "_selected_action": [str(link.pk)], "index": "0"},
    )
    packed.refresh_from_db()
    assert packed.status == "packed"
    assert DownloadLink.objects.get(pk=link.pk).expires_at == link.expires_at


def test_invoice_and_credit_note_pdfs_need_their_permission_and_each_download_is_audited(
    client, shop
):
    paid = shop["paid"]
    invoice, note = Invoice.objects.get(order=paid), CreditNote.objects.get(order=paid)
    invoice_url = reverse("admin:orders_order_invoice", args=[paid.pk])
    note_url = reverse("admin:orders_creditnote_pdf", args=[note.pk])
    order_page = reverse("admin:orders_order_change", args=[paid.pk])
    notes_page = reverse("admin:orders_creditnote_changelist")
    client.force_login(_staff("view_order", "view_invoice", "view_creditnote"))
    assert invoice_url not in client.get(order_page).content.decode()
    assert note_url not in client.get(notes_page).content.decode()
    invoice_page = client.get(reverse("admin:orders_invoice_change", args=[invoice.pk]))
    assert invoice.number in invoice_page.content.decode()
    assert "field-buyer" not in invoice_page.content.decode()  # the buyer's identity
    for url in (invoice_url, note_url):
        response = client.get(url)
        assert response.status_code == 403 and b"%PDF" not in response.content
    assert not AuditEntry.objects.filter(action__endswith=".download").exists()

    clerk = _staff("view_order", "view_invoice", "view_creditnote", "download_invoice")
    client.force_login(clerk)
    assert invoice_url in client.get(order_page).content.decode()
    assert note_url in client.get(notes_page).content.decode()
    assert (
        "field-buyer"
        in client.get(reverse("admin:orders_invoice_change", args=[invoice.pk])).content.decode()
    )
    for url in (invoice_url, note_url, invoice_url):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    trail = AuditEntry.objects.filter(actor=clerk).order_by("pk")
    assert [(e.action, e.object_type, e.object_id) for e in trail] == [
        ("invoice.download", "orders.invoice", str(invoice.pk)),
        ("credit_note.download", "orders.creditnote", str(note.pk)),
        ("invoice.download", "orders.invoice", str(invoice.pk)),
    ]
    assert trail[0].details["number"] == invoice.number


def test_a_balance_entry_page_opens_and_a_staff_adjustment_is_audited(client):
    staff = StaffFactory()
    customer = UserFactory()
    client.force_login(staff)
    added = client.post(
        reverse("admin:payments_balanceentry_add"),
        {"customer": str(customer.pk), "amount": "40.00", "reason": "Özür hediyesi"},
    )
    assert added.status_code == 302
    entry = customer.balance_account.entries.get()
    page = client.get(reverse("admin:payments_balanceentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert "Özür hediyesi" in page.content.decode()
    audit = AuditEntry.objects.get(action="balance.adjust")
    assert (audit.actor, audit.object_id, audit.reason) == (staff, str(entry.pk), "Özür hediyesi")
    assert audit.details == {"customer": customer.pk, "amount": "40.00", "currency": "TRY"}
    # The page is read-only: a POST changes nothing.
    client.post(
        reverse("admin:payments_balanceentry_change", args=[entry.pk]),
        {"amount": "999.00", "reason": "x"},
    )
    entry.refresh_from_db()
    assert entry.amount == Decimal("40.00")
