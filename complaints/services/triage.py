"""Staff reclassify a ticket: its priority (which moves the SLA deadline) and its category."""

from django.db import transaction
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User

from ..exceptions import ComplaintRefused
from ..models import Ticket, TicketEvent
from ..states import Category, Priority, TicketStatus
from .clock import ticket_clock_update


def ticket_reclassify(
    *, ticket: Ticket, by: User, priority: str = "", category: str = "", note: str = ""
) -> Ticket:
    """Change the priority and/or the category (each change logged and audited; a new
    priority recomputes the deadline). Nothing different from now: nothing written."""
    if priority and priority not in Priority.values:
        raise ComplaintRefused(_("Choose a priority."))
    if category and category not in Category.values:
        raise ComplaintRefused(_("Choose what the complaint is about."))
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise ComplaintRefused(_("This complaint is closed."))
        changes = {}
        if priority and priority != locked.priority:
            changes["priority"] = (locked.priority, priority, Priority)
        if category and category != locked.category:
            changes["category"] = (locked.category, category, Category)
        if not changes:
            return locked
        for field, (old, new, choices) in changes.items():
            setattr(locked, field, new)
            TicketEvent.objects.create(
                ticket=locked,
                actor=by,
                kind=field,
                note=f"{choices(old).label} → {choices(new).label}"
                + (f" — {note.strip()}" if note.strip() else ""),
            )
        locked.save(update_fields=[*changes, "updated_at"])
        if "priority" in changes:
            ticket_clock_update(locked)
        audit_record(
            actor=by,
            action="complaint.reclassify",
            target=locked,
            reason=note,
            details={field: [old, new] for field, (old, new, _c) in changes.items()},
        )
    for field in (*changes, "due_at", "updated_at"):
        setattr(ticket, field, getattr(locked, field))
    return ticket
