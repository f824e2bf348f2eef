"""Photos on a ticket: checked as the catalog checks product images (by content, a pixel cap,
metadata such as GPS dropped by re-encoding), at most COMPLAINTS_ATTACHMENT_MAX_BYTES each and
COMPLAINTS_ATTACHMENTS_PER_MESSAGE per message, stored privately (complaints.storage)."""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from catalog.images import clean_product_image
from shop.models import User

from ..exceptions import ComplaintRefused
from ..models import Ticket, TicketAttachment, TicketMessage
from .tickets import complaint_customer_message, complaint_open

log = logging.getLogger(__name__)
NAME_MAX = 255


def photo_checked(upload: UploadedFile) -> UploadedFile:
    """The photo re-encoded without its metadata; ValidationError (naming the file) when it is
    too large or not a JPEG, PNG or WebP image."""
    name = (upload.name or _("photo"))[:NAME_MAX]
    limit = settings.COMPLAINTS_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large: a photo may be at most %(size)s.")
            % {"name": name, "size": filesizeformat(limit)}
        )
    try:
        cleaned = clean_product_image(upload)
    except ValidationError as error:
        raise ValidationError(f"“{name}”: {' '.join(error.messages)}") from None
    cleaned.original_name = name  # the customer's own name, kept on the row only
    return cleaned


def photos_checked(uploads: Sequence[UploadedFile]) -> list[UploadedFile]:
    """Every photo checked (all errors together), and no more than the count allowed."""
    most = settings.COMPLAINTS_ATTACHMENTS_PER_MESSAGE
    if len(uploads) > most:
        raise ValidationError(
            _("Attach at most %(count)d photos to one message.") % {"count": most}
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(photo_checked(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def email_photos_checked(attachments: Sequence) -> tuple[list[UploadedFile], list[str]]:
    """An inbound email's files: (the photos kept, a note for each file dropped and why)."""
    kept, dropped = [], []
    for item in attachments:
        if not item.is_image:
            dropped.append(_("%(name)s (not an image)") % {"name": item.filename})
            continue
        if len(kept) >= settings.COMPLAINTS_ATTACHMENTS_PER_MESSAGE:
            dropped.append(_("%(name)s (too many photos)") % {"name": item.filename})
            continue
        upload = SimpleUploadedFile(item.filename, item.content, item.content_type)
        try:
            kept.append(photo_checked(upload))
        except ValidationError as error:
            dropped.append(f"{item.filename} ({' '.join(error.messages)})")
    return kept, dropped


def ticket_attachments_add(
    *, ticket: Ticket, photos: Sequence[UploadedFile], message: TicketMessage | None = None
) -> list[TicketAttachment]:
    """Store checked photos (from `photos_checked`) on the ticket. The files are written first;
    if the rows cannot be written they are removed again."""
    if len(photos) > settings.COMPLAINTS_ATTACHMENTS_PER_MESSAGE:
        raise ComplaintRefused(
            _("Attach at most %(count)d photos to one message.")
            % {"count": settings.COMPLAINTS_ATTACHMENTS_PER_MESSAGE}
        )
    made: list[TicketAttachment] = []
    try:
        with transaction.atomic():
            for photo in photos:
                attachment = TicketAttachment(
                    ticket=ticket,
                    message=message,
                    original_name=getattr(photo, "original_name", photo.name)[:NAME_MAX],
                    content_type=photo.content_type or "application/octet-stream",
                    size=photo.size,
                )
                attachment.file.save(photo.name, photo, save=False)
                made.append(attachment)
                attachment.save()
    except Exception:
        for attachment in made:
            attachment.file.delete(save=False)
        raise
    return made


def complaint_open_with_photos(*, photos: Sequence[UploadedFile] = (), **fields: object) -> Ticket:
    """`complaint_open` and the customer's photos on its first message, committed together."""
    with transaction.atomic():
        ticket = complaint_open(**fields)
        if photos:
            ticket_attachments_add(ticket=ticket, message=ticket.messages.first(), photos=photos)
    return ticket


def complaint_customer_message_with_photos(
    *, ticket: Ticket, body: str, by: User | None = None, photos: Sequence[UploadedFile] = ()
) -> TicketMessage:
    """`complaint_customer_message` and its photos, committed together."""
    with transaction.atomic():
        message = complaint_customer_message(ticket=ticket, body=body, by=by)
        if photos:
            ticket_attachments_add(ticket=ticket, message=message, photos=photos)
    return message
