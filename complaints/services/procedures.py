"""Writing procedures (every change a new, numbered version; old ones kept), agents'
acknowledgements, and the version an agent followed on a ticket."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from crm.models import Team
from shop.audit import audit_record
from shop.models import User

from ..exceptions import ComplaintRefused
from ..models import (
    Procedure,
    ProcedureAcknowledgement,
    ProcedureVersion,
    Ticket,
    TicketEvent,
    TicketProcedureUse,
)
from ..states import Category, Channel, TicketStatus

TEXT_MAX = 5000


@dataclass(frozen=True)
class VersionTexts:
    """What a version says: each part in Turkish (required but compensation) and English."""

    how_to_respond_tr: str
    how_far_to_bend_tr: str
    where_to_be_firm_tr: str
    compensation_tr: str = ""
    how_to_respond_en: str = ""
    how_far_to_bend_en: str = ""
    where_to_be_firm_en: str = ""
    compensation_en: str = ""
    compensation_amount: Decimal | None = None
    compensation_points: int | None = None
    change_note: str = ""


def _checked(texts: VersionTexts) -> dict:
    values = {}
    for f in fields(VersionTexts):
        value = getattr(texts, f.name)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > TEXT_MAX:
                raise ComplaintRefused(
                    _("Please keep each text under %(count)d characters.") % {"count": TEXT_MAX}
                )
        values[f.name] = value
    if not all(
        values[name] for name in ("how_to_respond_tr", "how_far_to_bend_tr", "where_to_be_firm_tr")
    ):
        raise ComplaintRefused(
            _("Write how to respond, how far to bend and where to be firm (in Turkish).")
        )
    amount = values["compensation_amount"]
    if amount is not None and (
        not isinstance(amount, Decimal) or amount < 0 or not amount.is_finite()
    ):
        raise ComplaintRefused(_("The compensation amount cannot be negative."))
    points = values["compensation_points"]
    if points is not None and points < 0:
        raise ComplaintRefused(_("The compensation points cannot be negative."))
    values["change_note"] = values["change_note"][:255]
    return values


def procedure_create(
    *, category: str, channel: str = "", team: Team | None = None, texts: VersionTexts, by: User
) -> ProcedureVersion:
    """A new procedure with its first version; one procedure per category × channel × team."""
    if category not in Category.values:
        raise ComplaintRefused(_("Choose what the complaint is about."))
    if channel and channel not in Channel.values:
        raise ComplaintRefused(_("Choose a channel."))
    values = _checked(texts)
    try:
        with transaction.atomic():
            procedure = Procedure.objects.create(category=category, channel=channel, team=team)
            version = ProcedureVersion.objects.create(
                procedure=procedure, number=1, written_by=by, **values
            )
            audit_record(
                actor=by,
                action="procedure.create",
                target=procedure,
                details={"version": 1},
            )
    except IntegrityError:
        raise ComplaintRefused(
            _("There is already a procedure for this category, channel and team.")
        ) from None
    return version


def procedure_version_write(
    *, procedure: Procedure, texts: VersionTexts, by: User
) -> ProcedureVersion:
    """A change to a procedure: the next numbered version (the earlier ones stay as written).
    The same texts as the current version change nothing and are refused."""
    values = _checked(texts)
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        current = locked.versions.order_by("-number").first()
        if current is not None and all(
            getattr(current, name) == value
            for name, value in values.items()
            if name != "change_note"
        ):
            raise ComplaintRefused(_("Nothing changed: the new version would be the same."))
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = ProcedureVersion.objects.create(
            procedure=locked, number=number, written_by=by, **values
        )
        audit_record(
            actor=by,
            action="procedure.version",
            target=locked,
            reason=values["change_note"],
            details={"version": number},
        )
    return version


def procedure_acknowledge(*, version: ProcedureVersion, by: User) -> ProcedureAcknowledgement:
    """The agent has read this version (once; a second click changes nothing). Only a procedure
    for every team or for one of the agent's teams is theirs to acknowledge."""
    team_id = version.procedure.team_id
    if team_id is not None and not by.teams.filter(pk=team_id).exists():
        raise ComplaintRefused(_("There is no such procedure for you to read."))
    with transaction.atomic():
        acknowledgement, created = ProcedureAcknowledgement.objects.get_or_create(
            user=by, version=version
        )
        if created:
            audit_record(
                actor=by,
                action="procedure.acknowledge",
                target=version.procedure,
                details={"version": version.number},
            )
    return acknowledgement


def ticket_procedure_follow(
    *, ticket: Ticket, version: ProcedureVersion, by: User
) -> TicketProcedureUse:
    """Record that the agent followed this version on the ticket (the latest record counts;
    the same version twice in a row is recorded once). A closed ticket takes none."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise ComplaintRefused(_("This complaint is closed."))
        if version.procedure.category != locked.category:
            raise ComplaintRefused(_("This procedure is not for this kind of complaint."))
        last = locked.procedure_uses.order_by("-created_at", "-pk").first()
        if last is not None and last.version_id == version.pk:
            return last
        use = TicketProcedureUse.objects.create(ticket=locked, version=version, user=by)
        TicketEvent.objects.create(
            ticket=locked,
            actor=by,
            kind="procedure_followed",
            note=str(version),
        )
        audit_record(
            actor=by,
            action="complaint.procedure_followed",
            target=locked,
            details={"procedure": version.procedure_id, "version": version.number},
        )
    return use
