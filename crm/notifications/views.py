"""Unsubscribe links and the providers' signed delivery-report callbacks."""

import json

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from shop.embedded import DEV_NOTIFICATIONS_WEBHOOK_SECRET
from shop.webhooks import webhook_secret_usable

from . import services
from .signatures import body_signature, matches, twilio_signature

OPT_OUT_WORDS = {"stop", "ret", "iptal", "unsubscribe"}


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without our CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A GET (the link, or a mail scanner following it) only asks; the POST withdraws consent:
    the confirm button, or the mail client's one-click List-Unsubscribe-Post."""
    invalid = (signing.BadSignature, KeyError, TypeError, ValueError, services.User.DoesNotExist)
    template = "notifications/unsubscribe.html"
    if request.method != "POST":
        try:
            signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
        except invalid:
            return render(request, template, {"invalid": True}, status=400)
        return render(request, template, {"confirm": True})
    try:
        user = services.unsubscribe(token=token)
    except invalid:
        return render(request, template, {"invalid": True}, status=400)
    return render(request, template, {"email": user.email})


def _twilio_verified(request: HttpRequest) -> bool:
    expected = twilio_signature(
        auth_token=settings.SMS_TWILIO_AUTH_TOKEN,
        url=request.build_absolute_uri(),
        params=dict(request.POST.items()),
    )
    return bool(settings.SMS_TWILIO_AUTH_TOKEN) and matches(
        expected, request.headers.get("X-Twilio-Signature", "")
    )


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    if not _twilio_verified(request):
        return HttpResponseForbidden("bad signature")
    status = request.POST.get("MessageStatus", "")
    if status in {"delivered", "undelivered", "failed"}:
        services.delivery_report_apply(
            provider_message_id=request.POST.get("MessageSid", ""),
            delivered=status == "delivered",
            hard_bounce=status == "failed" and request.POST.get("ErrorCode") in {"21211", "21614"},
        )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """A reply "STOP"/"RET" withdraws SMS consent for that number at once."""
    if not _twilio_verified(request):
        return HttpResponseForbidden("bad signature")
    if request.POST.get("Body", "").strip().casefold() in OPT_OUT_WORDS:
        services.sms_opt_out(phone=request.POST.get("From", ""))
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def email_events(request: HttpRequest) -> HttpResponse:
    """Email delivery reports and bounces, JSON signed with HMAC-SHA256 of the body."""
    secret = settings.NOTIFICATIONS_WEBHOOK_SECRET
    expected = body_signature(secret=secret, body=request.body)
    # An empty secret verifies nothing: anyone can compute an HMAC with the empty key (or, in
    # production, with the development value printed in the source).
    usable = webhook_secret_usable(secret, development_value=DEV_NOTIFICATIONS_WEBHOOK_SECRET)
    if not usable or not matches(expected, request.headers.get("X-Dukkan-Signature", "")):
        return HttpResponseForbidden("bad signature")
    try:
        event = json.loads(request.body)
        message_id, kind = str(event["message_id"]), str(event["event"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected message_id and event"}, status=400)
    if kind in {"delivered", "bounce"}:
        services.delivery_report_apply(
            provider_message_id=message_id,
            delivered=kind == "delivered",
            hard_bounce=kind == "bounce" and event.get("bounce_type") == "hard",
        )
    return HttpResponse(status=204)
