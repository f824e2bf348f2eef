"""Channel backends: email through Django's mailers, SMS through a configurable provider,
browser notifications through each browser's push service (Web Push with VAPID, pywebpush).

A backend's `send(message)` returns the provider's message id, or raises
TemporaryDeliveryError (try again later) / PermanentDeliveryError (give up).
WhatsApp would be one more class here and one more Channel value.
"""

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string
from py_vapid import VapidException
from pywebpush import WebPushException, webpush

from .email_ids import email_message_id
from .exceptions import PermanentDeliveryError, TemporaryDeliveryError
from .links import unsubscribe_url
from .models import Category, Channel, Message, PushSubscription

log = logging.getLogger(__name__)


class Backend(Protocol):
    def send(self, message: Message) -> str: ...


class EmailBackend:
    def send(self, message: Message) -> str:
        # Derived from the row: a retry sends the same id, and a reply's In-Reply-To names it.
        message_id = f"<{email_message_id(message.pk)}>"
        headers = {"Message-ID": message_id}
        if message.category == Category.MARKETING and message.user_id:
            url = unsubscribe_url(user=message.user, channel=Channel.EMAIL)
            headers["List-Unsubscribe"] = f"<{url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email = EmailMultiAlternatives(
            subject=message.subject_line,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            reply_to=[message.reply_to] if message.reply_to else None,
            headers=headers,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        try:
            email.send()
        except (OSError, TimeoutError) as error:
            raise TemporaryDeliveryError(f"mail server: {error}") from error
        return message_id.strip("<>")


class FileSmsBackend:
    """Development: every SMS to a file under var/sms/."""

    def send(self, message: Message) -> str:
        provider_id = f"local-{uuid.uuid4().hex[:12]}"
        folder = Path(settings.VAR_DIR) / "sms"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{provider_id}.txt").write_text(
            f"To: {message.recipient}\nParts: {message.sms_parts} ({message.sms_encoding})\n\n"
            f"{message.body_text}\n",
            encoding="utf-8",
        )
        # The text is in the file; a log line names only the file (bodies may hold secrets).
        log.info("SMS %s (%s parts) written to %s", provider_id, message.sms_parts, folder)
        return provider_id


class TwilioSmsBackend:
    """Twilio's Messages API (and providers that speak it): form POST, basic auth, JSON back."""

    def send(self, message: Message) -> str:
        sid = settings.SMS_TWILIO_ACCOUNT_SID
        url = f"{settings.SMS_TWILIO_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        form = {"To": message.recipient, "From": settings.SMS_SENDER, "Body": message.body_text}
        if settings.SMS_STATUS_CALLBACK_URL:
            form["StatusCallback"] = settings.SMS_STATUS_CALLBACK_URL
        token = base64.b64encode(f"{sid}:{settings.SMS_TWILIO_AUTH_TOKEN}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - URL comes from settings, https in prod
            url,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Authorization": f"Basic {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_SECONDS) as response:  # noqa: S310
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode("utf-8", "replace")
            if error.code >= 500 or error.code == 429:
                raise TemporaryDeliveryError(f"SMS provider {error.code}: {detail}") from error
            raise PermanentDeliveryError(f"SMS provider {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TemporaryDeliveryError(f"SMS provider unreachable: {error}") from error
        return str(body.get("sid", ""))


class WebPushBackend:
    """One push to every browser the customer subscribed, through each browser's push service.

    A 404/410 answer means the browser dropped the subscription: it is deleted. The message
    counts as sent when at least one browser took it; when none did, a temporary trouble (a
    5xx, 429, a timeout) retries all of them (no browser got it yet, so none gets it twice)."""

    GONE = (404, 410)

    def send(self, message: Message) -> str:
        if not (settings.WEB_PUSH_VAPID_PRIVATE_KEY and settings.WEB_PUSH_VAPID_PUBLIC_KEY):
            raise PermanentDeliveryError("browser notifications are off: no VAPID key pair")
        subscriptions = list(PushSubscription.objects.filter(user_id=message.user_id))
        if not subscriptions:
            raise PermanentDeliveryError("no browser subscribed to notifications any more")
        delivered, gone, temporary, refused = [], 0, [], []
        for subscription in subscriptions:
            status, detail = self._push(subscription, message.body_text)
            if status in (200, 201, 202):
                delivered.append(subscription.pk)
            elif status in self.GONE:
                from .services.push import push_subscription_gone

                push_subscription_gone(subscription_id=subscription.pk)
                gone += 1
            elif status is None or status == 429 or status >= 500:
                temporary.append(detail)
            else:
                refused.append(detail)
        if delivered:
            PushSubscription.objects.filter(pk__in=delivered).update(last_used_at=timezone.now())
            return f"web push: {len(delivered)} of {len(subscriptions)} browsers"
        if temporary:
            raise TemporaryDeliveryError("; ".join(temporary)[:500])
        if refused:
            raise PermanentDeliveryError("; ".join(refused)[:500])
        raise PermanentDeliveryError(
            f"every browser's subscription has expired ({gone} removed after 404/410)"
        )

    def _push(self, subscription: PushSubscription, payload: str) -> tuple[int | None, str]:
        """(HTTP status, or None when the push service could not be reached; what went wrong)."""
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            response = webpush(
                subscription_info=info,
                data=payload,
                vapid_private_key=settings.WEB_PUSH_VAPID_PRIVATE_KEY,
                # A fresh dict each time: pywebpush writes this endpoint's `aud` and `exp` into it.
                vapid_claims={"sub": settings.WEB_PUSH_CONTACT},
                ttl=settings.WEB_PUSH_TTL_SECONDS,
                timeout=settings.WEB_PUSH_TIMEOUT_SECONDS,
                headers={"Urgency": "normal"},
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            text = error.response.text[:200] if error.response is not None else str(error)
            return status, f"push service {status}: {text}"
        except requests.RequestException as error:
            return None, f"push service unreachable: {error}"
        except (VapidException, ValueError) as error:  # the shop's keys or contact are wrong
            raise PermanentDeliveryError(f"VAPID signing failed: {error}") from error
        return response.status_code, ""


def backend_for(channel: str) -> Backend:
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel == Channel.SMS:
        return import_string(settings.SMS_BACKEND)()
    if channel == Channel.PUSH:
        return WebPushBackend()
    raise PermanentDeliveryError(f"No backend sends {channel} messages.")
