"""Carriers' tracking webhooks: outside the language prefixes, signed, stored once each.

The view only verifies the signature and keeps the reports; a task applies them to the parcels.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import services
from ..carriers import adapter_for
from ..carriers.base import SIGNATURE_HEADER
from ..models import Carrier


@csrf_exempt
@require_POST
def carrier_webhook(request: HttpRequest, carrier_id: int) -> HttpResponse:
    """A bad signature or body answers 400 and stores nothing; a duplicate event is a no-op."""
    carrier = get_object_or_404(Carrier, pk=carrier_id, is_active=True)
    adapter = adapter_for(carrier)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not adapter.verify(carrier=carrier, body=request.body, signature=signature):
        return HttpResponseBadRequest("bad signature")
    try:
        updates = adapter.parse(body=request.body)
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("bad payload")
    new = services.carrier_updates_store(carrier=carrier, updates=updates)
    return JsonResponse({"received": len(updates), "new": new})
