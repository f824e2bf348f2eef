"""The mentions webhook: a monitoring tool posts JSON mentions, signed like the desk's
inbound-email webhook (X-Dukkan-Signature over "<X-Dukkan-Timestamp>." + body, HMAC-SHA256 with
COMPLAINTS_MENTIONS_WEBHOOK_SECRET). Body: {"mentions": [{source, url, author, text, posted_at,
classification?, sku?, order?}, …]}. All or nothing, like the CSV upload."""

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.embedded import DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET

from ..inbound.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signed_body_verified
from ..models import Mention
from ..services.mentions import mention_import
from .rows import rows_check

MAX_BYTES = 2 * 1024 * 1024


def mentions_webhook_verified(*, body: bytes, signature: str, timestamp: str) -> bool:
    return signed_body_verified(
        secret=settings.COMPLAINTS_MENTIONS_WEBHOOK_SECRET,
        development_value=DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET,
        body=body,
        signature=signature,
        timestamp=timestamp,
    )


@csrf_exempt
@require_POST
def mentions_webhook(request: HttpRequest) -> JsonResponse:
    """200 with what was imported and skipped; 400 listing each bad item (nothing imported);
    403 for a bad signature; 413 for a body too large. Answers in English (a machine reads it
    first; the tool's operator second)."""
    with translation.override("en"):
        return _mentions_webhook(request)


def _mentions_webhook(request: HttpRequest) -> JsonResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    body = request.body
    if not mentions_webhook_verified(
        body=body,
        signature=request.headers.get(SIGNATURE_HEADER, ""),
        timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
    ):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The body is not JSON.")}, status=400)
    items = payload.get("mentions") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        return JsonResponse({"error": _("Send a non-empty list under “mentions”.")}, status=400)
    if len(items) > settings.COMPLAINTS_MENTIONS_IMPORT_MAX_ROWS:
        return JsonResponse({"error": _("Too many mentions in one call.")}, status=400)
    if not all(isinstance(item, dict) for item in items):
        return JsonResponse({"error": _("Each mention must be an object.")}, status=400)
    good, errors = rows_check(enumerate(items, start=1))
    if errors:
        return JsonResponse(
            {"errors": [{"row": e.row, "error": e.message} for e in errors]}, status=400
        )
    tally = mention_import(rows=good, via=Mention.Via.WEBHOOK)
    return JsonResponse({"imported": tally.imported, "skipped": tally.skipped})
