"""Procedures: a manager's every change is a new version (old ones kept, never edited); the
ticket shows the current version of the playbook that matches it and records the one the agent
followed; agents acknowledge each new version of their teams' procedures and leads see who has
not."""

import importlib
import re
import threading
from decimal import Decimal

import pytest
from django.apps import apps as live_apps
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from complaints.exceptions import ComplaintRefused
from complaints.models import (
    Procedure,
    ProcedureAcknowledgement,
    ProcedureVersion,
    TicketEvent,
    TicketProcedureUse,
)
from complaints.procedures.panel import procedure_panel_context
from complaints.procedures.selectors import (
    acknowledgement_gaps,
    procedure_for_ticket,
    ticket_followed,
    versions_to_acknowledge,
)
from complaints.services import complaint_open, complaint_transition
from complaints.services.procedures import (
    VersionTexts,
    procedure_acknowledge,
    procedure_create,
    procedure_version_write,
    ticket_procedure_follow,
)
from complaints.states import Category, Channel, TicketStatus
from crm.models import Team
from shop.models import AuditEntry
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups", "no_procedures")]


@pytest.fixture
def no_procedures() -> None:
    """Start from no procedures (the starting set comes from a migration; each test writes the
    ones it needs)."""
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()


def _texts(respond: str = "Özür dileyin.", **changes) -> VersionTexts:
    fields = {
        "how_to_respond_tr": respond,
        "how_to_respond_en": "Apologise.",
        "how_far_to_bend_tr": "Kargo ücreti kadar puan.",
        "where_to_be_firm_tr": "Kesin tarih sözü yok.",
        "compensation_tr": "En fazla 100 puan.",
        "compensation_points": 100,
        **changes,
    }
    return VersionTexts(**fields)


def _staff(group: str, email: str):
    user = StaffFactory(is_superuser=False, email=email, first_name=email.split("@")[0].title())
    user.groups.add(Group.objects.get(name=group))
    return user


def _manager():
    return _staff("Complaint manager", "mudur@example.com")


def _agent(email: str = "ajan@example.com"):
    return _staff("Call-centre agent", email)


def _ticket(*, category=Category.LATE_OR_MISSING, channel=Channel.WEB, team=None):
    ticket = complaint_open(
        channel=channel,
        category=category,
        description="Kargom gelmedi.",
        contact_email="musteri@example.com",
    )
    if team is not None:
        ticket.team = team
        ticket.save(update_fields=["team"])
    return ticket


# --- Writing: every change a new version --------------------------------------------------


def test_each_change_is_a_new_numbered_version_and_the_old_ones_stay_as_written():
    manager = _manager()
    first = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=manager)
    procedure = first.procedure
    second = procedure_version_write(
        procedure=procedure,
        texts=_texts("Özür dileyin ve kargoyu arayın.", change_note="Kargo araması eklendi"),
        by=manager,
    )
    third = procedure_version_write(
        procedure=procedure,
        texts=_texts("Özür dileyin.", compensation_amount=Decimal("50.00")),
        by=manager,
    )
    assert [v.number for v in procedure.versions.order_by("number")] == [1, 2, 3]
    first.refresh_from_db()
    assert first.how_to_respond_tr == "Özür dileyin."  # kept as written
    assert second.change_note == "Kargo araması eklendi" and second.written_by == manager
    assert third.compensation_amount == Decimal("50.00")
    assert AuditEntry.objects.filter(action="procedure.version", actor=manager).count() == 2


def test_a_version_is_never_edited_or_deleted():
    version = procedure_create(category=Category.PAYMENT, texts=_texts(), by=_manager())
    version.how_to_respond_tr = "Başka bir şey."
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    version.refresh_from_db()
    assert version.how_to_respond_tr == "Özür dileyin."


@pytest.mark.parametrize(
    ("texts", "error"),
    [
        (
            {"how_far_to_bend_tr": "  "},
            "Write how to respond, how far to bend and where to be firm (in Turkish).",
        ),
        ({"compensation_amount": Decimal("-1")}, "The compensation amount cannot be negative."),
        ({}, "Nothing changed: the new version would be the same."),
    ],
)
def test_a_change_that_is_not_one_gets_a_clear_message_and_no_version(texts, error):
    manager = _manager()
    version = procedure_create(category=Category.STOCK, texts=_texts(), by=manager)
    with translation.override("en"), pytest.raises(ComplaintRefused, match=re.escape(error)):
        procedure_version_write(procedure=version.procedure, texts=_texts(**texts), by=manager)
    assert version.procedure.versions.count() == 1


def test_a_second_procedure_for_the_same_category_channel_and_team_is_refused():
    manager = _manager()
    procedure_create(category=Category.STOCK, texts=_texts(), by=manager)
    with translation.override("en"), pytest.raises(ComplaintRefused, match="already a procedure"):
        procedure_create(category=Category.STOCK, texts=_texts(), by=manager)
    team = Team.objects.create(name="Sosyal medya")
    procedure_create(category=Category.STOCK, team=team, texts=_texts(), by=manager)
    procedure_create(category=Category.STOCK, channel=Channel.SOCIAL, texts=_texts(), by=manager)
    assert Procedure.objects.filter(category=Category.STOCK).count() == 3


def test_a_manager_writes_a_new_version_from_the_current_one_prefilled(client):
    """The pages read in Turkish (the texts checked are the Turkish ones)."""
    with translation.override("tr"):
        manager = _manager()
        version = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=manager)
        procedure = version.procedure
        client.force_login(manager)
        write_url = reverse("admin:complaints_procedure_write", args=[procedure.pk])
        page = client.get(write_url)
        assert page.status_code == 200
        assert page.context["form"]["how_to_respond_tr"].value() == "Özür dileyin."
        form = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        form["how_to_respond_tr"] = "Özür dileyin ve kargo takibini paylaşın."
        form["change_note"] = "Takip linki"
        response = client.post(write_url, form)
        assert response.status_code == 302
        assert procedure.versions.count() == 2
        detail = client.get(reverse("admin:complaints_procedure_change", args=[procedure.pk]))
        assert "Özür dileyin ve kargo takibini paylaşın." in detail.content.decode()
        assert [v.number for v in detail.context["versions"]] == [2, 1]
        old = client.get(reverse("admin:complaints_procedure_version", args=[procedure.pk, 1]))
        assert old.status_code == 200
        assert not old.context["is_current"]
        assert old.context["texts"]["how_to_respond"] == "Özür dileyin."


def test_a_manager_adds_a_procedure_in_the_admin_and_bad_input_changes_nothing(client):
    client.force_login(_manager())
    add = reverse("admin:complaints_procedure_add")
    fields = {
        "category": Category.PAYMENT,
        "channel": "",
        "team": "",
        "how_to_respond_tr": "Kayıtları kontrol edin.",
        "how_far_to_bend_tr": "Mükerrer çekimi iade edin.",
        "where_to_be_firm_tr": "Kart bilgisi istemeyin.",
    }
    refused = client.post(add, {**fields, "compensation_amount": "-5"})
    assert refused.status_code == 200 and not Procedure.objects.exists()
    assert client.post(add, fields).status_code == 302
    version = ProcedureVersion.objects.get()
    assert (version.procedure.category, version.number) == (Category.PAYMENT, 1)


def test_an_agent_reads_procedures_but_cannot_write_or_delete_them(client):
    version = procedure_create(category=Category.PAYMENT, texts=_texts(), by=_manager())
    client.force_login(_agent())
    procedure = version.procedure
    detail = client.get(reverse("admin:complaints_procedure_change", args=[procedure.pk]))
    assert detail.status_code == 200 and not detail.context["can_write"]
    write_url = reverse("admin:complaints_procedure_write", args=[procedure.pk])
    assert client.get(write_url).status_code == 403
    assert client.post(write_url, {"how_to_respond_tr": "x"}).status_code == 403
    assert client.post(reverse("admin:complaints_procedure_add"), {}).status_code == 403
    nonsense = reverse("admin:complaints_procedure_change", args=["nonsense"])
    assert client.get(nonsense).status_code == 404
    delete = client.post(reverse("admin:complaints_procedure_delete", args=[procedure.pk]))
    assert delete.status_code == 403
    assert procedure.versions.count() == 1


# --- On the ticket ---------------------------------------------------------------------------


def test_the_ticket_gets_its_channels_procedure_else_the_categorys_and_its_teams_first():
    manager = _manager()
    anywhere = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=manager)
    social = procedure_create(
        category=Category.LATE_OR_MISSING, channel=Channel.SOCIAL, texts=_texts(), by=manager
    )
    ours, theirs = Team.objects.create(name="Kargo"), Team.objects.create(name="Ödeme")
    for_ours = procedure_create(
        category=Category.LATE_OR_MISSING, team=ours, texts=_texts(), by=manager
    )
    procedure_create(
        category=Category.LATE_OR_MISSING, channel=Channel.WEB, team=theirs, texts=_texts(),
        by=manager,
    )  # fmt: skip
    assert procedure_for_ticket(_ticket(channel=Channel.WEB)) == anywhere.procedure
    assert procedure_for_ticket(_ticket(channel=Channel.SOCIAL)) == social.procedure
    assert procedure_for_ticket(_ticket(channel=Channel.SOCIAL, team=ours)) == social.procedure
    assert procedure_for_ticket(_ticket(channel=Channel.WEB, team=ours)) == for_ours.procedure
    assert procedure_for_ticket(_ticket(category=Category.PAYMENT)) is None


def test_the_panel_shows_the_current_version_and_the_button_records_the_one_followed(client):
    manager, agent = _manager(), _agent()
    first = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=manager)
    ticket = _ticket()
    request = RequestFactory().get("/")
    request.user = agent
    context = procedure_panel_context(request, ticket)
    assert context["procedure_version"] == first and context["procedure_can_follow"]
    html = render_to_string(
        "admin/complaints/panels/procedure.html", {**context, "ticket": ticket}, request=request
    )
    assert "Özür dileyin." in html and 'name="version"' in html

    client.force_login(agent)
    follow_url = reverse("admin:complaints_procedure_follow", args=[ticket.pk])
    response = client.post(follow_url, {"version": first.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:complaints_ticket_change", args=[ticket.pk])
    client.post(follow_url, {"version": first.pk})  # a second click records nothing more
    use = TicketProcedureUse.objects.get()
    assert (use.ticket, use.version, use.user) == (ticket, first, agent)
    assert TicketEvent.objects.filter(ticket=ticket, kind="procedure_followed").count() == 1
    assert AuditEntry.objects.filter(action="complaint.procedure_followed", actor=agent).exists()

    # A newer version is shown; the one followed stays recorded after the ticket is resolved.
    second = procedure_version_write(
        procedure=first.procedure, texts=_texts("Yeni metin."), by=manager
    )
    complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED, by=agent)
    context = procedure_panel_context(request, ticket)
    assert context["procedure_version"] == second
    assert context["procedure_followed"].version == first
    assert not context["procedure_followed_is_current"]
    assert ticket_followed(ticket).version == first


def test_a_closed_ticket_or_a_procedure_of_another_category_records_nothing(client):
    manager, agent = _manager(), _agent()
    payment = procedure_create(category=Category.PAYMENT, texts=_texts(), by=manager)
    late = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=manager)
    ticket = _ticket()
    with pytest.raises(ComplaintRefused):
        ticket_procedure_follow(ticket=ticket, version=payment, by=agent)
    complaint_transition(ticket=ticket, to=TicketStatus.RESOLVED, by=agent)
    complaint_transition(ticket=ticket, to=TicketStatus.CLOSED, by=agent)
    client.force_login(agent)
    follow_url = reverse("admin:complaints_procedure_follow", args=[ticket.pk])
    response = client.post(follow_url, {"version": late.pk})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert client.post(follow_url, {"version": "nonsense"}).status_code == 302
    assert not TicketProcedureUse.objects.exists()


def test_staff_without_the_permission_cannot_record_a_followed_version(client):
    version = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=_manager())
    ticket = _ticket()
    clerk = StaffFactory(is_superuser=False, email="depo@example.com")
    clerk.groups.add(Group.objects.get(name="Warehouse"))
    client.force_login(clerk)
    follow_url = reverse("admin:complaints_procedure_follow", args=[ticket.pk])
    assert client.post(follow_url, {"version": version.pk}).status_code == 403
    assert not TicketProcedureUse.objects.exists()


# --- Acknowledgement -------------------------------------------------------------------------


def test_an_agent_acknowledges_each_new_version_of_their_teams_procedures(client):
    manager, agent = _manager(), _agent()
    ours, theirs = Team.objects.create(name="Kargo"), Team.objects.create(name="Ödeme")
    ours.members.add(agent)
    everyone = procedure_create(category=Category.OTHER, texts=_texts(), by=manager)
    for_ours = procedure_create(
        category=Category.LATE_OR_MISSING, team=ours, texts=_texts(), by=manager
    )
    procedure_create(category=Category.PAYMENT, team=theirs, texts=_texts(), by=manager)
    assert set(versions_to_acknowledge(agent)) == {everyone, for_ours}

    client.force_login(agent)
    page_url = reverse("admin:complaints_procedure_acknowledge")
    page = client.get(page_url)
    assert page.status_code == 200
    assert {v for v, _texts in page.context["to_read"]} == {everyone, for_ours}
    assert client.post(page_url, {"version": for_ours.pk}).status_code == 302
    client.post(page_url, {"version": for_ours.pk})  # twice: still one acknowledgement
    assert ProcedureAcknowledgement.objects.filter(user=agent).count() == 1
    assert versions_to_acknowledge(agent) == [everyone]

    newer = procedure_version_write(
        procedure=for_ours.procedure, texts=_texts("Yeni sürüm."), by=manager
    )
    assert set(versions_to_acknowledge(agent)) == {everyone, newer}


def test_an_agent_cannot_acknowledge_another_teams_procedure(client):
    manager, agent = _manager(), _agent()
    Team.objects.create(name="Kargo").members.add(agent)
    theirs = procedure_create(
        category=Category.PAYMENT, team=Team.objects.create(name="Ödeme"), texts=_texts(),
        by=manager,
    )  # fmt: skip
    client.force_login(agent)
    url = reverse("admin:complaints_procedure_acknowledge")
    response = client.post(url, {"version": theirs.pk})
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert client.post(url, {"version": "x"}).status_code == 302
    assert not ProcedureAcknowledgement.objects.exists()


def test_a_lead_sees_who_in_the_team_has_not_acknowledged(client):
    manager = _manager()
    lead = _staff("Team lead", "lider@example.com")
    ali, veli = _agent("ali@example.com"), _agent("veli@example.com")
    outsider = _agent("baska@example.com")
    team = Team.objects.create(name="Kargo", lead=lead)
    team.members.add(ali, veli)
    Team.objects.create(name="Ödeme").members.add(outsider)
    version = procedure_create(category=Category.LATE_OR_MISSING, texts=_texts(), by=manager)
    procedure_acknowledge(version=version, by=ali)

    gaps = acknowledgement_gaps(user=lead)
    assert [(g.team, g.missing, g.read, g.members) for g in gaps] == [(team, [veli], 1, 2)]

    client.force_login(lead)
    page = client.get(reverse("admin:complaints_procedure_acknowledgements"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Veli" in html and "Baska" not in html

    client.force_login(ali)
    assert client.get(reverse("admin:complaints_procedure_acknowledgements")).status_code == 403


# --- The starting set --------------------------------------------------------------------------


def test_the_starting_set_covers_every_category_in_turkish_and_english():
    seed = importlib.import_module("complaints.migrations.0003_starting_procedures")
    seed.create(live_apps, None)
    seed.create(live_apps, None)  # twice: nothing more
    anywhere = Procedure.objects.filter(channel="", team=None)
    assert sorted(anywhere.values_list("category", flat=True)) == sorted(Category.values)
    assert ProcedureVersion.objects.count() == Procedure.objects.count() == len(seed.PROCEDURES)
    for version in ProcedureVersion.objects.all():
        assert version.number == 1 and version.written_by is None
        for part in ("how_to_respond", "how_far_to_bend", "where_to_be_firm"):
            assert version.text(part, "tr") and version.text(part, "en")
            assert version.text(part, "en") != version.text(part, "tr")


def test_the_procedure_list_links_agents_and_leads_to_their_pages(client):
    lead = _staff("Team lead", "lider@example.com")
    client.force_login(_agent())
    page = client.get(reverse("admin:complaints_procedure_changelist")).content.decode()
    assert 'id="procedures-to-read"' in page and 'id="procedures-not-read"' not in page
    client.force_login(lead)
    page = client.get(reverse("admin:complaints_procedure_changelist")).content.decode()
    assert 'id="procedures-to-read"' in page and 'id="procedures-not-read"' in page
    quality = client.get(reverse("admin:complaints_qualityreview_changelist")).content.decode()
    assert 'id="quality-sample-link"' in quality


def test_the_panel_reads_in_english_where_english_was_written():
    version = procedure_create(category=Category.PAYMENT, texts=_texts(), by=_manager())
    ticket = _ticket(category=Category.PAYMENT)
    request = RequestFactory().get("/")
    request.user = _agent()
    with translation.override("en"):
        context = procedure_panel_context(request, ticket)
        html = render_to_string(
            "admin/complaints/panels/procedure.html", {**context, "ticket": ticket}
        )
    assert "Apologise." in html  # written in English
    assert "Kargo ücreti kadar puan." in html  # not written in English: the Turkish
    assert "I followed this version" in html
    assert version.text("how_to_respond", "tr") == "Özür dileyin."


def test_another_teams_procedure_is_not_the_agents_to_acknowledge():
    agent = _agent()
    Team.objects.create(name="Kargo").members.add(agent)
    theirs = procedure_create(
        category=Category.PAYMENT, team=Team.objects.create(name="Ödeme"), texts=_texts(),
        by=_manager(),
    )  # fmt: skip
    with translation.override("en"), pytest.raises(ComplaintRefused, match="no such procedure"):
        procedure_acknowledge(version=theirs, by=agent)
    assert not ProcedureAcknowledgement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_managers_saving_at_once_write_two_versions_numbered_in_turn():
    first = procedure_create(category=Category.STOCK, texts=_texts(), by=_manager())
    writers = [first.written_by, _staff("Complaint manager", "mudur2@example.com")]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def write(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = procedure_version_write(
                procedure=first.procedure, texts=_texts(f"Metin {index}"), by=writers[index]
            )
        except Exception as error:  # the test inspects what each got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert all(isinstance(r, ProcedureVersion) for r in results), results
    assert sorted(r.number for r in results) == [2, 3]
