"""A ticket's photos, served only after the access check of the page they belong to: the
customer's own ticket (another's is a 404), the guest's signed link, or staff who may view
tickets (the admin's view, complaints/admin/attachments.py). Files have no URL of their own."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from . import selectors
from .links import ticket_token_read
from .models import Ticket, TicketAttachment


def attachment_links(*, ticket: Ticket, base: str) -> dict[int | None, list[dict]]:
    """The ticket's photos by the message they came with, each with its link under `base` (the
    page's own path: the customer's or the guest's ticket page). One query."""
    found: dict[int | None, list[dict]] = defaultdict(list)
    rows = ticket.attachments.only("pk", "message_id", "original_name", "size").order_by("pk")
    for attachment in rows:
        found[attachment.message_id].append(
            {
                "name": attachment.original_name,
                "size": attachment.size,
                "url": f"{base}photos/{attachment.pk}/",
            }
        )
    return dict(found)


def with_photos(conversation: list, *, ticket: Ticket, base: str) -> list:
    """The conversation's messages, each with `photos` (name, size, link) for the page."""
    links = attachment_links(ticket=ticket, base=base)
    for message in conversation:
        message.photos = links.get(message.pk, [])
    return conversation


def attachment_response(attachment: TicketAttachment) -> FileResponse:
    """The file itself, shown in the browser, never cached by a shared cache."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):  # removed by the retention job meanwhile
        raise Http404 from None
    response = FileResponse(
        handle, content_type=attachment.content_type, filename=attachment.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def _of_ticket(ticket: Ticket, pk: int) -> TicketAttachment:
    attachment = TicketAttachment.objects.filter(ticket=ticket, pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


@login_required
@require_GET
def customer_attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    ticket = selectors.ticket_for_customer(number=number, customer=request.user)
    return attachment_response(_of_ticket(ticket, pk))


@require_GET
def guest_attachment(request: HttpRequest, token: str, pk: int) -> FileResponse:
    raw = ticket_token_read(token)
    if raw is None:
        raise Http404
    ticket = selectors.ticket_by_token(token=raw)
    return attachment_response(_of_ticket(ticket, pk))
