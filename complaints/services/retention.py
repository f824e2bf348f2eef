"""Retention: a closed ticket's photos go after COMPLAINTS_ATTACHMENT_RETENTION_DAYS, its
personal details after COMPLAINTS_RETENTION_DAYS (counted from closing). What stays is what the
reports count: category, channel, priority, status, the times, team and assignee, the order
and its lines, the desk's staff as authors, satisfaction scores.

Personal details removed: the contact's name, email and phone, the account link, the subject
(it may quote the customer: the category's name takes its place), every message's text (a
placeholder) and email Message-ID, the customer as an author, event notes, and the contents of
the emails sent about it (the outbox rows keep kind, channel, status and times). Safe to run
twice: an anonymised ticket is marked (`anonymised_at`) and skipped; a removed photo is gone."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.notifications.services import messages_redact

from ..models import Ticket, TicketAttachment, TicketEvent, TicketMessage
from ..retention import ticket_scrubbers
from ..states import Category, TicketStatus

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class RetentionRun:
    attachments_removed: int = 0
    tickets_anonymised: int = 0


def retention_placeholder() -> str:
    """The text a removed message is replaced with, in the shop's own language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("[Removed after the retention period.]")


def complaints_retention_sweep(*, now: datetime | None = None) -> RetentionRun:
    now = now or timezone.now()
    run = RetentionRun()
    photos_before = now - timedelta(days=settings.COMPLAINTS_ATTACHMENT_RETENTION_DAYS)
    details_before = now - timedelta(days=settings.COMPLAINTS_RETENTION_DAYS)
    run.attachments_removed += _attachments_remove(
        TicketAttachment.objects.filter(
            ticket__status=TicketStatus.CLOSED, ticket__closed_at__lt=photos_before
        )
    )
    while True:
        ids = list(
            Ticket.objects.filter(
                status=TicketStatus.CLOSED, closed_at__lt=details_before, anonymised_at=None
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            break
        run.attachments_removed += _attachments_remove(
            TicketAttachment.objects.filter(ticket_id__in=ids)
        )
        run.tickets_anonymised += _tickets_anonymise(ids, now=now)
    if run.attachments_removed or run.tickets_anonymised:
        log.info(
            "complaint retention: %s photos removed, %s tickets anonymised",
            run.attachments_removed,
            run.tickets_anonymised,
        )
    return run


def _attachments_remove(rows) -> int:
    """Files first, then their rows: a run stopped half-way leaves rows without files, which
    the next run removes (deleting a missing file is no error)."""
    removed = 0
    while True:
        batch = list(rows.order_by("pk")[:BATCH])
        if not batch:
            return removed
        for attachment in batch:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        removed += TicketAttachment.objects.filter(pk__in=[a.pk for a in batch]).delete()[0]


def _tickets_anonymise(ids: list[int], *, now: datetime) -> int:
    placeholder = retention_placeholder()
    with transaction.atomic():
        ids = list(
            Ticket.objects.select_for_update()
            .filter(pk__in=ids, anonymised_at=None)
            .values_list("pk", flat=True)
        )
        with translation.override(settings.LANGUAGE_CODE):
            for category in Category:  # one update per category: its name becomes the subject
                Ticket.objects.filter(pk__in=ids, category=category).update(
                    subject=str(category.label),
                    contact_name="",
                    contact_email="",
                    contact_phone="",
                    customer=None,
                    anonymised_at=now,
                )
        TicketMessage.objects.filter(ticket_id__in=ids).update(body=placeholder, message_id="")
        TicketMessage.objects.filter(ticket_id__in=ids, kind=TicketMessage.Kind.CUSTOMER).update(
            author=None
        )
        TicketEvent.objects.filter(ticket_id__in=ids).update(note="")
        # The emails the desk sent about them (the replies' texts, the address) go too.
        messages_redact(subject_type="complaint", subject_ids=ids, placeholder=placeholder)
        for scrub in ticket_scrubbers():
            scrub(ids)
        TicketEvent.objects.bulk_create(
            TicketEvent(ticket_id=pk, kind="anonymised", created_at=now) for pk in ids
        )
    return len(ids)
