"""The staff pages the benchmark measures and the data behind them: the customer 360 of a
customer with 300 orders, the journeys and feedback reports, the complaint desk (queue, ticket,
report) and the promise report, opened by a staff member holding only their permissions."""

import dashboard
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.urls import reverse
from django.utils import translation
from plan import _session


def _feedback_answers(count: int = 2000) -> None:
    """Answered surveys on the seeded delivered orders, for the report (bulk, idempotent)."""
    import random

    from crm.models import FeedbackSurvey
    from orders.models import Order

    missing = count - FeedbackSurvey.objects.filter(answered_at__isnull=False).count()
    if missing <= 0:
        return
    orders = Order.objects.filter(status="delivered", feedback__isnull=True).values_list(
        "pk", "user_id", "placed_at"
    )[:missing]
    pick = random.Random(27)
    FeedbackSurvey.objects.bulk_create(
        FeedbackSurvey(
            order_id=pk,
            user_id=user_id,
            delivered_at=placed,
            sent_at=placed,
            answered_at=placed,
            score=pick.choice([3, 6, 7, 8, 9, 9, 10, 10]),
        )
        for pk, user_id, placed in orders
    )


DESK_PERMS = [
    "view_ticket", "change_ticket", "work_ticket", "view_procedure", "acknowledge_procedure",
    "resolve_ticket", "view_ticketreport",
]  # fmt: skip


def _complaint_desk(customer: object) -> int:
    """2,000 tickets over the last twelve weeks (bulk, once), a quarter answered surveys, and
    one ticket of the customer about her latest order with a 30-message conversation; returns
    that ticket's id (the ticket screen's)."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from complaints.models import SatisfactionSurvey, Ticket, TicketLine, TicketMessage
    from complaints.states import Category, Channel, TicketStatus
    from orders.models import Order

    pick = random.Random(28)
    if not Ticket.objects.filter(number__startswith="SK-BN").exists():
        now = timezone.now()
        tickets = []
        for index in range(2000):
            opened = now - timedelta(minutes=pick.randrange(60, 12 * 7 * 24 * 60))
            status = pick.choice([TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED,
                                  TicketStatus.RESOLVED, TicketStatus.CLOSED])  # fmt: skip
            done = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
            tickets.append(
                Ticket(
                    number=f"SK-BN{index // 10000:02d}-{index % 10000:04d}",
                    contact_email=f"bench-{index}@dukkan.local",
                    channel=pick.choice(Channel.values),
                    category=pick.choice(Category.values),
                    subject="Bench",
                    status=status,
                    created_at=opened,
                    first_response_at=opened + timedelta(minutes=pick.randrange(5, 600)),
                    resolved_at=opened + timedelta(hours=pick.randrange(1, 90)) if done else None,
                    due_at=None if done else opened + timedelta(hours=4),
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=500)
        resolved = Ticket.objects.filter(number__startswith="SK-BN", resolved_at__isnull=False)
        SatisfactionSurvey.objects.bulk_create(
            SatisfactionSurvey(
                ticket_id=pk, score=pick.choice([1, 3, 4, 5, 5]), answered_at=at, created_at=at
            )
            for pk, at in resolved.values_list("pk", "resolved_at")[:500]
        )
    ticket = Ticket.objects.filter(number="SK-BNCH-0360").first()
    if ticket is None:
        order = Order.objects.filter(user=customer).order_by("-placed_at").first()
        ticket = Ticket.objects.create(
            number="SK-BNCH-0360", customer=customer, contact_email=customer.email, order=order,
            channel=Channel.WEB, category=Category.WRONG_OR_DAMAGED, subject="Bench ticket",
        )  # fmt: skip
        TicketLine.objects.bulk_create(
            TicketLine(ticket=ticket, order_line=line) for line in order.lines.all()[:3]
        )
        TicketMessage.objects.bulk_create(
            TicketMessage(ticket=ticket, kind=kind, body=f"Message {n}")
            for n, kind in zip(range(30), ["customer", "reply", "note"] * 10, strict=True)
        )
    return ticket.pk


def _segment() -> int:
    """A saved three-rule segment with a nested group (made once), for the builder's page."""
    from crm.models import Segment
    from crm.segments.services import segment_save

    found = Segment.objects.filter(name="Bench: ordered, consented").first()
    if found is not None:
        return found.pk
    rules = {
        "match": "all",
        "rules": [
            {"field": "orders_count", "min": 2},
            {"field": "consent", "channel": "email"},
            {"match": "any", "rules": [{"field": "age", "min": 25, "max": 40}]},
        ],
    }
    return segment_save(name="Bench: ordered, consented", rules=rules, staff=None).pk


def _campaign() -> int:
    """A campaign sent three days ago to every seeded customer (a tenth held out), its
    recipients bulk-written once; returns its id (the preview's and the report's)."""
    from datetime import timedelta

    from django.utils import timezone

    from crm.campaigns.selectors import in_holdout
    from crm.models import Campaign, CampaignRecipient, Segment
    from crm.segments.rules import members_base, rules_clean

    segment, _ = Segment.objects.get_or_create(
        name="Bench: everyone", defaults={"rules": rules_clean({"match": "all", "rules": []})}
    )
    campaign, created = Campaign.objects.get_or_create(
        name="Bench campaign",
        defaults={
            "segment": segment, "channel": "email", "subject_tr": "{first_name}, indirim",
            "body_tr": "Bakın: {link}", "subject_en": "{first_name}, a sale",
            "body_en": "See: {link}", "status": "sent",
            "started_at": timezone.now() - timedelta(days=3), "cost": 500,
        },
    )  # fmt: skip
    if created:
        ids = list(members_base().values_list("pk", flat=True)[:5000])
        CampaignRecipient.objects.bulk_create(
            CampaignRecipient(
                campaign=campaign, user_id=pk,
                group="holdout" if in_holdout(campaign_id=campaign.pk, user_id=pk, percent=10)
                else "sent",
            )
            for pk in ids
        )  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(audience_count=len(ids))
    return campaign.pk


def staff_pages() -> tuple[dict, str]:
    """The customer 360 of a customer with 300 orders (seed_orders, bulk: idempotent), the
    journeys' report and the feedback report (2,000 answers), the complaint desk's queue, a
    ticket's screen and the complaint report (2,000 tickets), the delivery promise report, the
    segments' list and builder, and a staff member holding only their permissions; the urls
    and the staff member's session."""
    from django.contrib.auth.models import Permission

    from crm.bulk_orders import seed_orders
    from shop.models import User

    customer, _ = User.objects.get_or_create(
        email="bench-360@dukkan.local", defaults={"first_name": "Ayşe", "last_name": "Kaya"}
    )
    seed_orders(orders=300, customers=1, customer_ids=[customer.pk], seed=360)
    staff, _ = User.objects.get_or_create(
        email="bench-staff@dukkan.local", defaults={"is_staff": True}
    )
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="crm",
            codename__in=[
                "view_customer360",
                "view_journeyrun",
                "view_feedback_report",
                "view_segment",
                "manage_campaigns",
            ],
        )
    )
    # The desk's agent: works tickets, reads procedures, acts on tickets; and the report.
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="complaints", codename__in=DESK_PERMS)
    )
    # The warehouse's on-time report.
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="orders", codename__in=["view_promisereport"]
        )
    )
    staff.user_permissions.add(*Permission.objects.filter(codename="view_analytics"))
    if dashboard.wanted():
        dashboard.seed()  # the 100,000 orders the dashboard reads (once)
    _feedback_answers()
    ticket_id = _complaint_desk(customer)
    segment_id = _segment()
    campaign_id = _campaign()
    session = _session(
        **{
            SESSION_KEY: str(staff.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: staff.get_session_auth_hash(),
        }
    )
    with translation.override("en"):
        urls = {
            "customer 360": reverse("admin:crm_customer360", args=[customer.pk]),
            "journeys": reverse("admin:crm_journeys"),
            "feedback report": reverse("admin:crm_feedback_report"),
            "complaint queue": reverse("admin:complaints_ticket_changelist"),
            "ticket screen": reverse("admin:complaints_ticket_change", args=[ticket_id]),
            "complaint report": reverse("admin:complaints_ticketreport_changelist"),
            "promise report": reverse("admin:orders_promisereport_changelist"),
            "segments": reverse("admin:crm_segment_changelist"),
            "segment builder": reverse("admin:crm_segment_change", args=[segment_id]),
            "campaign preview": reverse("admin:crm_campaign_preview", args=[campaign_id]),
            "campaign report": reverse("admin:crm_campaign_report", args=[campaign_id]),
            "analytics dashboard": reverse("admin:crm_dashboard_changelist"),
        }
    return urls, session
