"""The documented staff groups: created by the migration and the command, with exactly the
permissions docs/staff.md lists; goodwill above an agent's limit needs a lead."""

import importlib
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from crm.models import AgentLimit, GoodwillApproval
from crm.staff.exceptions import ApprovalRefused, OverAgentLimit
from crm.staff.groups import STAFF_GROUPS, group_permissions, staff_groups_markdown
from crm.staff.limits import (
    agent_limits,
    goodwill_approval_decide,
    goodwill_approval_request,
    goodwill_within_limit,
)
from shop.models import AuditEntry
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]

DOC = Path(__file__).resolve().parents[2] / "docs" / "staff.md"
BEGIN, END = "<!-- staff-groups:begin -->", "<!-- staff-groups:end -->"


def _group_perms(group: Group) -> list[str]:
    return sorted(
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    )


def test_the_doc_lists_exactly_the_groups_and_permissions_in_code():
    text = DOC.read_text()
    generated = text.split(BEGIN, 1)[1].split(END, 1)[0].strip() + "\n"
    assert generated == staff_groups_markdown(), (
        "docs/staff.md disagrees with crm/staff/groups.py: paste "
        "`manage.py setup_staff_groups --markdown` between the markers"
    )
    for group in STAFF_GROUPS:
        assert f"### {group.name}" in text


def test_the_migration_makes_every_group_with_exactly_what_the_doc_says():
    Group.objects.all().delete()
    migration = importlib.import_module("crm.migrations.0002_staff_groups")
    migration.create_staff_groups(django_apps, None)
    migration.create_staff_groups(django_apps, None)  # idempotent
    known = {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for spec in STAFF_GROUPS:
        assert set(group_permissions(spec)) <= known, set(group_permissions(spec)) - known
        assert _group_perms(Group.objects.get(name=spec.name)) == group_permissions(spec)
    assert {g.name for g in STAFF_GROUPS} == {
        "Shop manager",
        "Warehouse",
        "Finance",
        "Call-centre agent",
        "Team lead",
        "Complaint manager",
        "Marketing",
    }


def test_the_command_is_idempotent_and_puts_a_hand_edited_group_back():
    agents = Group.objects.get(name="Call-centre agent")
    agents.permissions.add(Permission.objects.get(codename="refund_payment"))
    call_command("setup_staff_groups", stdout=StringIO())
    call_command("setup_staff_groups", stdout=StringIO())
    assert Group.objects.filter(name="Call-centre agent").count() == 1
    assert "payments.refund_payment" not in _group_perms(agents)
    agent = UserFactory(is_staff=True)
    agent.groups.add(agents)
    assert agent.has_perm("crm.use_lookup")
    assert not agent.has_perm("payments.refund_payment")


def test_an_agents_own_limit_overrides_the_groups_field_by_field():
    agents = Group.objects.get(name="Call-centre agent")
    leads = Group.objects.get(name="Team lead")
    AgentLimit.objects.create(
        group=agents, max_goodwill_points=200, max_coupon_value=Decimal("100.00")
    )
    AgentLimit.objects.create(group=leads, max_goodwill_points=1000)
    agent = UserFactory(is_staff=True)
    agent.groups.add(agents)
    AgentLimit.objects.create(user=agent, max_coupon_value=Decimal("250.00"))

    limits = agent_limits(agent)

    assert limits.goodwill_points == 200  # the group's
    assert limits.coupon_value == Decimal("250.00")  # the agent's own
    assert limits.refund_amount == Decimal("0.00")  # nobody set it: nothing without a lead
    agent.groups.add(leads)
    assert agent_limits(agent).goodwill_points == 1000  # the most generous group


def test_goodwill_over_the_limit_is_refused_with_a_clear_message_and_a_lead_approves_it():
    agent = UserFactory(is_staff=True, email="agent@example.com")
    AgentLimit.objects.create(
        user=agent, max_goodwill_points=200, max_coupon_value=Decimal("100.00")
    )
    customer = UserFactory()

    goodwill_within_limit(agent=agent, points=200)  # at the limit: fine
    with translation.override("en"):
        with pytest.raises(OverAgentLimit) as refused:
            goodwill_within_limit(agent=agent, points=500)
        assert str(refused.value) == (
            "500 goodwill points is above your limit of 200 points. "
            "A team lead must approve it: request an approval."
        )
        with pytest.raises(OverAgentLimit, match=r"coupon worth .* above your limit"):
            goodwill_within_limit(agent=agent, coupon_value=Decimal("150.00"))

    approval = goodwill_approval_request(
        agent=agent, customer=customer, kind="points", amount=Decimal(500), reason="Late parcel"
    )
    with translation.override("en"), pytest.raises(ApprovalRefused, match="team lead"):
        goodwill_approval_decide(approval_id=approval.pk, by=agent, approve=True)

    lead = UserFactory(is_staff=True)
    lead.groups.add(Group.objects.get(name="Team lead"))
    lead = type(lead).objects.get(pk=lead.pk)  # fresh permission cache
    decided = goodwill_approval_decide(approval_id=approval.pk, by=lead, approve=True)
    assert decided.status == GoodwillApproval.Status.APPROVED
    assert decided.decided_by == lead
    with translation.override("en"), pytest.raises(ApprovalRefused, match="already decided"):
        goodwill_approval_decide(approval_id=approval.pk, by=lead, approve=False)
    assert list(
        AuditEntry.objects.filter(object_id=str(approval.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["goodwill.request", "goodwill.approve"]


def test_a_lead_approves_from_the_admin_list_and_an_agent_may_not():
    customer = UserFactory()
    agent = StaffFactory(is_superuser=False, email="agent@example.com")
    agent.groups.add(Group.objects.get(name="Call-centre agent"))
    lead = StaffFactory(is_superuser=False, email="lead@example.com")
    lead.groups.add(Group.objects.get(name="Team lead"))
    approval = goodwill_approval_request(
        agent=agent, customer=customer, kind="coupon", amount=Decimal("300.00"), reason="Broken"
    )
    action = {"action": "approve_selected", "_selected_action": [str(approval.pk)], "index": "0"}
    changelist = "/en/admin/crm/goodwillapproval/"

    as_agent = Client()
    as_agent.force_login(agent)
    as_agent.post(changelist, action)
    assert GoodwillApproval.objects.get().status == GoodwillApproval.Status.PENDING

    as_lead = Client()
    as_lead.force_login(lead)
    response = as_lead.post(changelist, action, follow=True)
    assert "1 request(s) decided." in response.text
    decided = GoodwillApproval.objects.get()
    assert (decided.status, decided.decided_by) == (GoodwillApproval.Status.APPROVED, lead)
