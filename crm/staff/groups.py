"""The shop's staff groups and their permissions: one table, read by the migration, the
`setup_staff_groups` command and docs/staff.md (a test fails when the doc and this disagree).

A group may include another's permissions (a team lead is an agent who also decides).
`staff_groups_setup` is idempotent: it creates missing groups and sets each group's
permissions to exactly the table's (a permission added by hand to a listed group is removed).
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.apps.registry import Apps


def _model(app_model: str, *verbs: str) -> list[str]:
    """Model permissions: _model("orders.order", "view", "change") -> ["orders.view_order", …]."""
    app, model = app_model.split(".")
    return [f"{app}.{verb}_{model}" for verb in verbs]


def _models(app: str, models: str, *verbs: str) -> list[str]:
    return [perm for model in models.split() for perm in _model(f"{app}.{model}", *verbs)]


ALL = ("view", "add", "change", "delete")
VIEW = ("view",)


@dataclass(frozen=True)
class StaffGroup:
    name: str
    does: str  # what the role does, one or two sentences for docs/staff.md
    permissions: tuple[str, ...]
    includes: tuple[str, ...] = field(default=())


CALL_CENTRE_AGENT = "Call-centre agent"
COMPLAINT_MANAGER = "Complaint manager"

STAFF_GROUPS: tuple[StaffGroup, ...] = (
    StaffGroup(
        name="Shop manager",
        does=(
            "Runs the catalog and the orders: products, prices, stock, shipping, coupons, "
            "reviews, product questions and answers (answers and publishes them), returns and "
            "invoices; sees payments and the audit trail but moves no money. Writes the help "
            "centre's articles. Reads the analytics dashboard."
        ),
        permissions=tuple(
            _models(
                "catalog",
                "category producttype attribute attributevalue product slugredirect variant "
                "productimage digitalfile review",
                *ALL,
            )
            + _models("catalog", "stockmovement pricehistory searchmiss", *VIEW)
            # Product Q&A: read, answer (published at once) and publish or reject.
            + _models("catalog", "productquestion", "view", "change", "delete")
            + _models("catalog", "productanswer", "view", "add", "delete")
            + ["catalog.moderate_productquestion"]
            + _models("orders", "order", "view", "change")
            + _models("orders", "orderline orderevent invoice creditnote cart", *VIEW)
            + _models("orders", "return shipment", "view", "change")
            + _models("orders", "carrier shippingregion shippingmethod shippingrate coupon", *ALL)
            # Who is trusted to send items back: their exchanges ship at once.
            + _models("orders", "trustedcustomer", *ALL)
            + _models("payments", "payment refund loyaltytier", *VIEW)
            + _models("notifications", "message", *VIEW)
            + _model("shop.user", "view")
            + _model("shop.auditentry", "view")
            + _models("crm", "stockalert", "view", "delete")  # who waits for what; cancel one
            + ["orders.handle_return", "orders.download_invoice"]
            + ["orders.view_promisereport"]  # on-time delivery by carrier and method
            + _models("crm", "helpcategory helparticle", *ALL)  # writes the help centre
            + _models("crm", "trackingdaily", *VIEW)  # consented tracking's daily counts
            + ["crm.view_analytics"]  # the analytics dashboard
            + _models("crm", "riskflag", *VIEW)  # customers and addresses flagged as risky
        ),
    ),
    StaffGroup(
        name="Warehouse",
        does=(
            "Prepares, packs and ships orders (pick lists, packing slips, parcels), adjusts "
            "stock and receives returned parcels."
        ),
        permissions=tuple(
            _models("orders", "order", "view", "change")
            + _models("orders", "orderline orderevent carrier shippingmethod", *VIEW)
            + _models("orders", "shipment", "view", "add", "change")
            + _models("orders", "shipmentline shipmentevent", *VIEW)
            + _models("orders", "return", "view", "change")
            + _models("catalog", "product", *VIEW)
            + _models("catalog", "variant", "view", "change")
            + _models("catalog", "stockmovement", "view", "add")
            + ["orders.handle_return", "orders.view_promisereport"]
        ),
    ),
    StaffGroup(
        name="Finance",
        does=(
            "Moves and reconciles money: refunds, e-checks, cash on delivery, flagged payments, "
            "balances and tabs; downloads invoices and credit notes; reads the analytics "
            "dashboard and reviews the risk flags."
        ),
        permissions=tuple(
            _models("payments", "payment refund echeck reconciliationitem", "view", "change")
            + _models(
                "payments",
                "paymentevent refundaccount balanceaccount balanceentry tab stripeevent "
                "pointsaccount pointsentry",
                *VIEW,
            )
            + _models("orders", "order invoice creditnote return", *VIEW)
            + _model("shop.auditentry", "view")
            + [
                "payments.refund_payment",
                "payments.decide_echeck",
                "payments.record_cash",
                "payments.resolve_payment",
                "payments.adjust_points",
                "orders.download_invoice",
                "crm.view_analytics",
                # Risk flags (refused COD parcels, bounced e-checks, ...): reviews or dismisses.
                "crm.view_riskflag",
                "crm.review_riskflag",
            ]
        ),
    ),
    StaffGroup(
        name=CALL_CENTRE_AGENT,
        does=(
            "Answers customers on every channel: finds them with the lookup console, works the "
            "callback queue, logs interactions, creates customers and asks a lead to approve "
            "goodwill above their own limit; works complaints on the desk (reply, note, status, "
            "taking a ticket) with the canned responses."
            "goodwill above their own limit; triages the mention inbox and sees crisis alerts."
        ),
        permissions=tuple(
            _models("crm", "interaction", "view", "add")
            + _models("crm", "callback", "view", "change")
            + _models("crm", "goodwillapproval", "view", "add")
            + _models("crm", "team", *VIEW)
            + _model("shop.user", "view", "add")
            + _models("orders", "order orderline orderevent shipment return coupon address", *VIEW)
            + _models("payments", "payment pointsaccount pointsentry", *VIEW)
            + _models("notifications", "message consent consentcurrent pushsubscription", *VIEW)
            + ["crm.use_lookup", "crm.view_customer360", "orders.place_phone_order"]
            # The 360's actions (crm.customer360.actions); a coupon only within their limit.
            + [
                "crm.record_consent",
                "crm.send_customer_message",
                "crm.give_goodwill_coupon",
                "crm.give_goodwill_points",
                "crm.resend_message",
            ]
            # The complaint desk's procedures: read them, acknowledge each new version, record
            # the one followed on a ticket.
            + _models("complaints", "procedure", *VIEW)
            + ["complaints.acknowledge_procedure"]
            # The complaint desk: the queue, the ticket screen, replies, notes, status; the
            # canned responses to start a reply from.
            + _models("complaints", "ticket", "view", "change")
            + ["complaints.work_ticket"]
            + _models("crm", "cannedresponse", *VIEW)
            + _models("crm", "helpcategory helparticle", *VIEW)  # the help centre, to link
            # The complaint desk's resolution actions, within their limit (else a lead approves).
            + ["complaints.resolve_ticket", "complaints.view_resolutionaction"]
            # The mention inbox (triage) and the crisis alerts with their plans (reading).
            + _models("complaints", "mention crisisalert crisisplan", *VIEW)
            + ["complaints.triage_mention"]
            # Live chat: the console (their teams' queue and chats), the list of chats.
            + _models("crm", "conversation chatmessage", *VIEW)
            + ["crm.use_chat_console"]
        ),
    ),
    StaffGroup(
        name="Team lead",
        does=(
            "Leads a team of agents: everything an agent does, plus approving or refusing "
            "goodwill above an agent's limit, setting agents' limits and keeping teams, seeing "
            "who has not read a procedure and reviewing the quality of resolved complaints; "
            "reassigns complaints, reads every team's notes, sees overdue complaints and imports "
            "mentions; takes and transfers chats of any team's queue; writes the help centre's "
            "articles."
        ),
        includes=(CALL_CENTRE_AGENT,),
        permissions=tuple(
            _models("crm", "goodwillapproval interaction", "change")
            + _models("crm", "team agentlimit", "view", "add", "change")
            + _model("shop.auditentry", "view")
            + ["crm.decide_goodwill"]
            # The complaint desk's SLA targets per category and priority (read).
            + _models("complaints", "slapolicy", *VIEW)
            # The complaint desk's report (volumes, times, satisfaction, productivity).
            + ["complaints.view_ticketreport"]
            # Who in the team has not read a procedure; quality review of resolved complaints.
            + ["complaints.view_acknowledgements", "complaints.review_quality"]
            + _models("complaints", "qualityreview", *VIEW)
            # Reassigns agents' complaints, reads every team's notes, sees the overdue queue.
            + ["complaints.assign_ticket"]
            + ["complaints.import_mentions"]
            # Keeps the help centre's articles current with what agents are asked.
            + _models("crm", "helpcategory helparticle", *ALL)
            # Live chat: takes and transfers chats of every team's queue.
            + ["crm.take_any_chat"]
        ),
    ),
    StaffGroup(
        name=COMPLAINT_MANAGER,
        does=(
            "Runs the complaint desk: works with the agents' tools, decides goodwill, keeps "
            "teams, writes the desk's procedures, resends order messages and sees returns and "
            "refunds; reassigns complaints, sees overdue ones and writes the canned responses; "
            "imports mentions, takes on and closes crisis alerts (and is told of each) and "
            "keeps the crisis plans."
        ),
        includes=(CALL_CENTRE_AGENT,),
        permissions=tuple(
            _models("crm", "goodwillapproval", "change")
            + _models("crm", "team", "view", "add", "change")
            + _models("crm", "agentlimit", *VIEW)
            + _models("notifications", "message", "change")
            + _models("payments", "refund", *VIEW)
            + _model("shop.auditentry", "view")
            + ["crm.decide_goodwill"]
            # Feedback after delivery: the answers and the NPS report.
            + _models("crm", "feedbacksurvey", *VIEW)
            + ["crm.view_feedback_report"]
            # The complaint desk's SLA targets per category and priority.
            + _models("complaints", "slapolicy", *ALL)
            + ["complaints.view_ticketreport"]
            # Writes the procedures (each change a new version) and sees who has read them.
            + ["complaints.write_procedure", "complaints.view_acknowledgements"]
            # The desk: reassigning, every team's notes, the overdue queue; canned responses.
            + ["complaints.assign_ticket"]
            # Live chat: takes and transfers chats of every team's queue.
            + ["crm.take_any_chat"]
            + _models("crm", "cannedresponse", *ALL)
            # Mentions in bulk; crisis alerts taken on and closed; the crisis plans kept.
            + ["complaints.import_mentions", "complaints.manage_crisis"]
            + _models("complaints", "crisisplan", "change")
        ),
    ),
    StaffGroup(
        name="Marketing",
        does=(
            "Runs coupons, reviews and the loyalty tiers, the automatic journeys (switches them, "
            "edits their texts, reads their report), builds and saves customer segments, "
            "builds and sends campaigns and reads their measured effect, reads the analytics "
            "dashboard, and reads the "
            "catalog, the message log and the consent records that decide who may receive "
            "offers."
        ),
        permissions=tuple(
            _models("orders", "coupon", *ALL)
            + _models("catalog", "review", "view", "change")
            + _models("catalog", "category product variant", *VIEW)
            + _models("notifications", "message consent consentcurrent suppression", *VIEW)
            + _models("payments", "loyaltytier", *ALL)
            + _models("crm", "journeyrun", *VIEW)
            + _models("notifications", "messagetext kindswitch", *VIEW)
            + ["crm.manage_journeys"]
            + _models("crm", "feedbacksurvey", *VIEW)
            + ["crm.view_feedback_report"]
            + _models("crm", "specialday", *ALL)
            + _models("crm", "stockalert", *VIEW)
            + _models("crm", "segment", *VIEW)
            + ["crm.manage_segments"]  # builds, saves and deletes segments
            + ["crm.view_analytics"]  # the analytics dashboard
            + _models("crm", "campaign", *VIEW)
            + ["crm.manage_campaigns", "crm.send_campaign"]
        ),
    ),
)


def group_permissions(group: StaffGroup) -> list[str]:
    """Every permission a group gets (its own and those of the groups it includes), sorted."""
    by_name = {g.name: g for g in STAFF_GROUPS}
    names = set(group.permissions)
    for included in group.includes:
        names |= set(group_permissions(by_name[included]))
    return sorted(names)


def permissions_create(*, apps: Apps) -> None:
    """Make every model's permissions now (Django makes them only after all migrations), so a
    data migration can give them to groups. With the live registry (a test), each app config
    keeps its models module afterwards, or later flushes stop re-creating permissions."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        had = getattr(app_config, "models_module", None)
        app_config.models_module = True  # create_permissions skips an app without one
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had


def staff_groups_setup(*, apps: Apps = global_apps, strict: bool = True) -> list[str]:
    """Create the staff groups with exactly the table's permissions; returns the group names.

    Takes a migration's `apps` (historical models) or the live registry (the command). An early
    migration passes `strict=False`: permissions of models made by later migrations are left
    out there and set by the later data migration that runs this again."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    wanted = {g.name: group_permissions(g) for g in STAFF_GROUPS}
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = sorted({perm for perms in wanted.values() for perm in perms} - set(known))
    if missing and not strict:
        wanted = {name: [p for p in perms if p in known] for name, perms in wanted.items()}
    elif missing:
        raise LookupError(f"Staff groups name permissions that do not exist: {missing}")
    for name, perms in wanted.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set([known[perm] for perm in perms])
    return list(wanted)


def staff_groups_markdown() -> str:
    """The groups → permissions section of docs/staff.md, generated from the table."""
    lines = []
    for group in STAFF_GROUPS:
        lines.append(f"### {group.name}")
        lines.append("")
        lines.append(group.does)
        lines.append("")
        if group.includes:
            lines.append(f"Includes every permission of: {', '.join(group.includes)}.")
            lines.append("")
        lines.append("Permissions:")
        lines.append("")
        lines.extend(f"- `{perm}`" for perm in group_permissions(group))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
