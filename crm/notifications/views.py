"""Unsubscribe links, browser notifications (subscribe, unsubscribe, turn off, the service
worker) and the providers' signed delivery-report callbacks."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop.embedded import DEV_NOTIFICATIONS_WEBHOOK_SECRET
from shop.net import client_ip
from shop.webhooks import webhook_secret_usable

from . import selectors, services
from .exceptions import PushSubscriptionInvalid, PushSubscriptionNotFound
from .models import Consent
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


# --- Browser notifications ------------------------------------------------------------------


def _push_request(request: HttpRequest) -> tuple[dict | None, JsonResponse | None]:
    """The JSON a page's script posted, or the answer to give instead (signed out, not JSON)."""
    if not request.user.is_authenticated:
        message = _("Sign in to turn on notifications for your orders.")
        return None, JsonResponse({"error": message}, status=403)
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        message = _("This is not a browser push subscription.")
        return None, JsonResponse({"error": message}, status=400)
    return data, None


def _source(data: dict) -> str:
    source = data.get("source")
    return source if source in (Consent.Source.ORDER_PAGE, Consent.Source.PROFILE) else ""


@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """A page's script posts `{"subscription": <PushSubscription.toJSON()>, "source": ...}`."""
    data, refused = _push_request(request)
    if refused:
        return refused
    try:
        services.push_subscription_save(
            user=request.user,
            subscription=data.get("subscription"),
            source=_source(data),
            user_agent=request.headers.get("User-Agent", ""),
            ip_address=client_ip(request),
        )
    except PushSubscriptionInvalid as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {"subscribed": True, "message": _("Notifications for your orders are on in this browser.")},
        status=201,
    )


@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    """A page's script posts `{"endpoint": ..., "source": ...}` for this browser."""
    data, refused = _push_request(request)
    if refused:
        return refused
    try:
        services.push_subscription_remove(
            user=request.user,
            endpoint=str(data.get("endpoint") or ""),
            source=_source(data),
            ip_address=client_ip(request),
        )
    except PushSubscriptionNotFound:
        message = _("This browser does not receive notifications for your account.")
        return JsonResponse({"error": message}, status=404)
    return JsonResponse(
        {"subscribed": False, "message": _("Notifications are off in this browser.")}
    )


@require_POST
def push_status(request: HttpRequest) -> JsonResponse:
    """Whether the endpoint of this browser (posted, kept out of the logs) is the account's."""
    data, refused = _push_request(request)
    if refused:
        return refused
    endpoint = str(data.get("endpoint") or "")[:1000]
    subscribed = selectors.push_subscribed(user=request.user, endpoint=endpoint)
    return JsonResponse({"subscribed": subscribed})


@require_POST
def push_off(request: HttpRequest) -> HttpResponse:
    """The form (works without JavaScript): notifications off in every browser of the account."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    services.push_turn_off(
        user=request.user, source=Consent.Source.PROFILE, ip_address=client_ip(request)
    )
    messages.success(request, _("Browser notifications are off in all your browsers."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


def _service_worker_source() -> bytes:
    path = finders.find("js/sw.js")
    if not path:
        raise Http404("no service worker")
    with open(path, "rb") as source:
        return source.read()


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so its scope is the whole site (static/js/sw.js)."""
    return HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
