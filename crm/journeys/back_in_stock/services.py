"""Back in stock's writes: a shopper's request, the guest's confirmation, the opt-out, and the
sweep that tells the waiting requests of a variant that came back, oldest first."""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from catalog.models import ProductKind, ProductStatus, Variant
from crm.models import StockAlert
from crm.notifications.services import Recipient, notification_send
from shop.audit import audit_record
from shop.background import enqueue_on_commit
from shop.models import User

from ..selectors import journey_enabled
from ..services import journey_run
from . import links
from .exceptions import StockAlertLinkInvalid, StockAlertRefused
from .selectors import told_lately, variants_back_with_waiting

JOURNEY = "back_in_stock"


@dataclass(frozen=True)
class Asked:
    alert: StockAlert
    again: bool  # the same variant and address asked before: still one request
    confirmed: bool  # False: a guest who must click the link in the email first


def _expired_before() -> timezone.datetime:
    return timezone.now() - timedelta(days=settings.JOURNEY_BACK_IN_STOCK_CONFIRM_DAYS)


def stock_alert_request(*, variant_id: int, user: User | None, email: str, language: str) -> Asked:
    """Take a request for a sold-out variant: a signed-in customer's is confirmed at once (their
    account's address); a guest's waits for the link we email. Asking again is one request."""
    if not journey_enabled(JOURNEY):
        raise StockAlertRefused(_("We cannot take requests to be told about stock right now."))
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, product__status=ProductStatus.ACTIVE)
        .first()
    )
    if variant is None:
        raise StockAlertRefused(_("We could not find this product."), status=404)
    if variant.product.kind == ProductKind.DIGITAL or variant.available > 0:
        raise StockAlertRefused(
            _("This item is in stock: you can order it now."), product=variant.product
        )
    email = (user.email if user is not None else email).strip().lower()
    now = timezone.now()
    with transaction.atomic():
        existing = (
            StockAlert.objects.open()
            .select_for_update()
            .filter(variant=variant, email=email)
            .first()
        )
        if existing and not existing.confirmed_at and existing.created_at < _expired_before():
            existing.delete()  # its link has expired: start again with a new one
            existing = None
        if existing is not None:
            if user is not None and (existing.user_id is None or not existing.confirmed_at):
                existing.user, existing.confirmed_at = user, existing.confirmed_at or now
                existing.save(update_fields=["user", "confirmed_at"])
            return Asked(existing, again=True, confirmed=bool(existing.confirmed_at))
        alert = StockAlert(
            variant=variant,
            user=user,
            email=email,
            language=(user.language if user is not None and user.language else language),
            token=secrets.token_urlsafe(32),
            created_at=now,
            confirmed_at=now if user is not None else None,
        )
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:  # the same request, sent twice at once: the other one stands
            alert = StockAlert.objects.open().get(variant=variant, email=email)
            return Asked(alert, again=True, confirmed=bool(alert.confirmed_at))
        if user is None:
            _send_confirmation(alert)
    return Asked(alert, again=False, confirmed=user is not None)


def _send_confirmation(alert: StockAlert) -> None:
    with translation.override(alert.language):
        label = _("Yes, tell me")
    notification_send(
        to=Recipient(email=alert.email, language=alert.language),
        kind="back_in_stock_confirm",
        context={
            "product": links.product_name(variant=alert.variant, language=alert.language),
            "action_url": links.confirm_url(alert),
            "action_label": label,
        },
        subject=("stock_alert", alert.pk),
        # One confirmation email per request, however often the form is sent: nobody can use
        # the form to fill someone else's inbox.
        dedupe_key=f"back-in-stock-confirm:{alert.pk}",
    )


def stock_alert_find(*, alert_id: int, token: str) -> StockAlert:
    """The request a confirmation link names; StockAlertLinkInvalid for a wrong token, another
    request's token, a cancelled request or an unconfirmed one past its days."""
    alert = StockAlert.objects.select_related("variant__product").filter(pk=alert_id).first()
    if (
        alert is None
        or not constant_time_compare(alert.token, token)
        or alert.cancelled_at is not None
        or (alert.confirmed_at is None and alert.created_at < _expired_before())
    ):
        raise StockAlertLinkInvalid(_("This link is not valid or has expired."))
    return alert


def stock_alert_confirm(*, alert_id: int, token: str) -> StockAlert:
    """The guest clicked the link in the email: the request now waits its turn (asked at)."""
    with transaction.atomic():
        alert = stock_alert_find(alert_id=alert_id, token=token)
        if alert.confirmed_at is None:
            StockAlert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(
                confirmed_at=timezone.now()
            )
            # Back in stock already (the signal came before the click): told at once.
            enqueue_on_commit("crm.journey_back_in_stock", variant_id=alert.variant_id)
    alert.refresh_from_db()
    return alert


def stock_alerts_cancel(*, email: str) -> int:
    """The opt-out link: every waiting request of the address is cancelled; returns how many."""
    with transaction.atomic():
        return (
            StockAlert.objects.open()
            .filter(email=email.strip().lower())
            .update(cancelled_at=timezone.now())
        )


def stock_alerts_expire() -> int:
    """Forget guests' requests never confirmed within their days (the address goes with them)."""
    with transaction.atomic():
        deleted, _by_model = StockAlert.objects.filter(
            confirmed_at__isnull=True, cancelled_at__isnull=True, created_at__lt=_expired_before()
        ).delete()
    return deleted


def back_in_stock_notify(*, variant_id: int, restocked: bool = False) -> int:
    """Under the variant's row lock, tell its waiting requests, oldest first, no more than the
    units available × JOURNEY_BACK_IN_STOCK_FACTOR; each is marked told in the same transaction
    as its message is queued. Returns how many were told (0 when the stock is gone again).

    `restocked`: the catalog says the variant just came back from zero, so whoever was told
    before had their chance; otherwise (the sweep, a late confirmation) those told in the last
    JOURNEY_BACK_IN_STOCK_WAIT_HOURS still count against the units: nobody is told twice over."""
    with transaction.atomic():
        variant = (
            Variant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk=variant_id)
            .first()
        )
        if (
            variant is None
            or variant.product.status != ProductStatus.ACTIVE
            or variant.product.kind != ProductKind.PHYSICAL
            or variant.available <= 0
        ):
            return 0
        limit = math.ceil(variant.available * settings.JOURNEY_BACK_IN_STOCK_FACTOR)
        if not restocked:
            limit -= told_lately(variant_id=variant.pk)
        if limit <= 0:
            return 0
        alerts = list(
            StockAlert.objects.waiting()
            .filter(variant=variant)
            .select_related("user")
            .order_by("created_at", "pk")[:limit]
        )
        names: dict[str, str] = {}
        for alert in alerts:
            _tell(alert, variant, names)
        StockAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
            notified_at=timezone.now()
        )
    return len(alerts)


def _tell(alert: StockAlert, variant: Variant, names: dict[str, str]) -> None:
    user = alert.user
    to = user if user is not None else Recipient(email=alert.email, language=alert.language)
    language = to.language or settings.LANGUAGE_CODE
    if language not in names:
        names[language] = links.product_name(variant=variant, language=language)
    with translation.override(language):
        label = _("See the product")
    notification_send(
        to=to,
        kind="back_in_stock",
        context={
            "first_name": user.first_name if user is not None else "",
            "product": names[language],
            "action_url": links.product_url(variant=variant, language=language),
            "action_label": label,
            "stop_url": links.stop_url(email=alert.email, language=language),
        },
        subject=("stock_alert", alert.pk),
        dedupe_key=f"back-in-stock:{alert.pk}",
    )


def back_in_stock_sweep(*, variant_id: int | None = None, restocked: bool = False) -> int:
    """The task: one variant (the catalog's signal: `restocked`) or, hourly, every variant in
    stock with requests waiting (a signal lost with a worker); returns how many were told."""
    if not journey_enabled(JOURNEY):
        return 0
    with journey_run(JOURNEY) as tally:
        if variant_id is None:
            stock_alerts_expire()
            variant_ids = variants_back_with_waiting()
        else:
            variant_ids = [variant_id]
        for one in variant_ids:
            tally.examined += 1
            tally.queued += back_in_stock_notify(variant_id=one, restocked=restocked)
    return tally.queued


def stock_alerts_cancel_by_staff(*, alert_ids: list[int], staff: User) -> int:
    """Staff cancel requests (a mistaken address, a complaint); recorded in the audit trail."""
    with transaction.atomic():
        alerts = list(StockAlert.objects.open().filter(pk__in=alert_ids).select_for_update())
        StockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(cancelled_at=timezone.now())
        for alert in alerts:
            audit_record(actor=staff, action="stock_alert.cancel", target=alert, details={})
    return len(alerts)
