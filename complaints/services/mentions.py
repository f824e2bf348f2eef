"""The mention inbox: import (all or nothing) and triage — a ticket, a dismissal, or a crisis.

Each triage decision is taken once, under the mention's row lock: a second click (or a colleague
at the same moment) is told the mention was already triaged."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User

from ..exceptions import ComplaintRefused
from ..mentions.rows import MentionRow
from ..models import (
    CrisisAlert,
    CrisisDimension,
    CrisisScenario,
    CrisisStatus,
    Mention,
    MentionClass,
    Ticket,
    TicketEvent,
    TriageStatus,
)
from ..states import Priority
from .crisis import crisis_alert_raise
from .tickets import complaint_open

REASON_MAX = 300


@dataclass(frozen=True)
class ImportTally:
    imported: int
    skipped: int  # already in the inbox (same address), or twice in this import


def mention_import(*, rows: Sequence[MentionRow], via: str, by: User | None = None) -> ImportTally:
    """Add the checked rows in one transaction; an address already present is skipped."""
    urls = [row.url for row in rows]
    with transaction.atomic():
        present = set(Mention.objects.filter(url__in=urls).values_list("url", flat=True))
        new, seen = [], set(present)
        for row in rows:
            if row.url in seen:
                continue
            seen.add(row.url)
            new.append(
                Mention(
                    source=row.source,
                    url=row.url,
                    author=row.author,
                    text=row.text,
                    posted_at=row.posted_at,
                    classification=row.classification,
                    product=row.product,
                    order=row.order,
                    received_via=via,
                    imported_by=by,
                )
            )
        # A concurrent import of the same address loses quietly (it is the same mention).
        Mention.objects.bulk_create(new, ignore_conflicts=True)
        tally = ImportTally(imported=len(new), skipped=len(rows) - len(new))
        if by is not None:
            audit_record(
                actor=by,
                action="mention.import",
                target=("mention", via),
                details={"imported": tally.imported, "skipped": tally.skipped},
            )
    return tally


def _locked_new(mention: Mention) -> Mention:
    locked = Mention.objects.select_for_update().get(pk=mention.pk)
    if locked.status != TriageStatus.NEW:
        raise ComplaintRefused(
            _("This mention was already triaged (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def _classified(locked: Mention, classification: str) -> None:
    if classification:
        if classification not in MentionClass.values:
            raise ComplaintRefused(_("Choose a classification."))
        locked.classification = classification


def _triaged(locked: Mention, status: str, by: User) -> None:
    locked.status = status
    locked.triaged_by, locked.triaged_at = by, timezone.now()


def mention_ticket_make(
    *,
    mention: Mention,
    by: User,
    category: str,
    priority: str = Priority.NORMAL,
    contact_email: str = "",
    contact_phone: str = "",
    classification: str = "",
) -> Ticket:
    """Open a ticket from the mention (social media or complaint-site channel), linked both
    ways: the mention names the ticket, the ticket's history names the mention's address.
    The customer is the mention's order's, else the contact staff give (asked for in a direct
    message); complaint_open's checks apply."""
    with transaction.atomic():
        locked = _locked_new(mention)
        _classified(locked, classification)
        order = locked.order
        customer = order.user if order is not None and order.user_id else None
        if order is not None and not (contact_email or contact_phone):
            contact_email, contact_phone = order.email, order.phone
        ticket = complaint_open(
            channel=locked.channel,
            category=category,
            description=f"{locked.text}\n\n{locked.url}",
            subject=_("%(source)s: %(author)s")
            % {"source": locked.get_source_display(), "author": locked.author},
            customer=customer,
            contact_name=locked.author,
            contact_email=contact_email,
            contact_phone=contact_phone,
            language=order.language if order is not None else "tr",
            order=order,
            priority=priority,
            by=by,
        )
        TicketEvent.objects.create(ticket=ticket, actor=by, kind="from_mention", note=locked.url)
        locked.ticket = ticket
        _triaged(locked, TriageStatus.TICKET_MADE, by)
        locked.save()
        audit_record(
            actor=by, action="mention.ticket", target=locked, details={"ticket": ticket.number}
        )
    return ticket


def mention_dismiss(
    *, mention: Mention, by: User, reason: str, classification: str = ""
) -> Mention:
    """Not every mention deserves an answer: set it aside, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ComplaintRefused(_("Say why the mention needs no answer."))
    if len(reason) > REASON_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": REASON_MAX}
        )
    with transaction.atomic():
        locked = _locked_new(mention)
        _classified(locked, classification)
        locked.dismiss_reason = reason
        _triaged(locked, TriageStatus.DISMISSED, by)
        locked.save()
        audit_record(actor=by, action="mention.dismiss", target=locked, reason=reason)
    return locked


def mention_crisis_flag(
    *,
    mention: Mention,
    by: User,
    alert: CrisisAlert | None = None,
    scenario: str = "",
    classification: str = "",
) -> CrisisAlert:
    """Link the mention to an open crisis alert, or raise one for the scenario (one open
    alert per scenario flagged by staff; the managers are told of a new one)."""
    if alert is None and scenario not in CrisisScenario.values:
        raise ComplaintRefused(_("Choose an open crisis alert or a scenario."))
    with transaction.atomic():
        locked = _locked_new(mention)
        _classified(locked, classification)
        if alert is not None:
            alert = CrisisAlert.objects.select_for_update().get(pk=alert.pk)
            if alert.status == CrisisStatus.CLOSED:
                raise ComplaintRefused(_("This crisis alert is closed."))
            alert.mentions.add(locked)
        else:
            alert, _created = crisis_alert_raise(
                dimension=CrisisDimension.MANUAL,
                key=scenario,
                scenario=scenario,
                window_start=locked.posted_at,
                window_end=timezone.now(),
                count=1,
                by=by,
                mentions=[locked],
            )
        _triaged(locked, TriageStatus.CRISIS_FLAGGED, by)
        locked.save()
        audit_record(actor=by, action="mention.crisis", target=locked, details={"alert": alert.pk})
    return alert
