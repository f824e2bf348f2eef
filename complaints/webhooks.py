"""The inbound-email webhook: a mail provider (or a relay on the mail server) POSTs the raw
message, signed (complaints.inbound.webhook). Outside the language prefixes, like the shop's
other callbacks; the message is taken at once (threaded or a new ticket)."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .exceptions import ComplaintError
from .inbound.exceptions import InboundRefused
from .inbound.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, inbound_webhook_verified
from .services.inbound import complaint_from_raw_email

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def inbound_email_webhook(request: HttpRequest) -> HttpResponse:
    """200 for a message taken (or taken before: a retry is harmless), 403 unsigned or badly
    signed, 413 larger than the desk takes, 400 for a message the desk refuses (no usable
    sender, unreadable)."""
    # Read the stream ourselves: request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and
    # an email with photos is larger; COMPLAINTS_INBOUND_MAX_BYTES is the desk's own limit.
    limit = settings.COMPLAINTS_INBOUND_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        refused = InboundRefused("too_large", f"{declared} bytes")
        return JsonResponse({"error": refused.code, "message": refused.message}, status=413)
    body = request.read(limit + 1)
    verified = inbound_webhook_verified(
        body=body,
        signature=request.headers.get(SIGNATURE_HEADER, ""),
        timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
    )
    if not verified:
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        result = complaint_from_raw_email(raw=body)
    except InboundRefused as refused:
        log.info("inbound email refused: %s", refused)
        return JsonResponse({"error": refused.code, "message": refused.message}, status=400)
    except ComplaintError as refused:
        return JsonResponse({"error": "refused", "message": str(refused)}, status=400)
    return JsonResponse(
        {
            "ticket": result.ticket.number,
            "new_ticket": result.created,
            "duplicate": result.duplicate,
        }
    )
