"""E-checks: signing and sealing a check, clearing it, a bounce, verifying the seal later.

The account number is validated (IBAN), encrypted at rest and shown only as its last four
digits; it is never logged. A check is created in the placement transaction (no network);
its payment then starts like any other and waits in "clearing" until it clears or bounces.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from shop.models import User
from shop.text import fold

from ..exceptions import PaymentError
from ..models import ECheck, Payment
from ..providers.echeck import sealing
from ..registry import get_provider
from ..states import PaymentStatus
from .ledger import Operation, _request, payment_capture, payment_record


@dataclass(frozen=True)
class CheckDetails:
    """What the customer entered and signed (the IBAN in the clear, only in memory)."""

    account_holder: str
    iban: str
    signer_name: str
    authorized: bool


def echeck_account(*, details: CheckDetails) -> str:
    """The IBAN in its compact form, or a clear refusal of what was entered."""
    holder = " ".join(details.account_holder.split())
    if not holder:
        raise PaymentError(_("Enter the account holder's name."))
    try:
        iban = IBAN(details.iban)
    except (SchwiftyException, ValueError):
        raise PaymentError(_("This IBAN is not valid. Please check it.")) from None
    if iban.currency_code and iban.currency_code != settings.SHOP_CURRENCY:
        raise PaymentError(
            _("The account must be held in %(currency)s.") % {"currency": settings.SHOP_CURRENCY}
        )
    if _name_key(details.signer_name) != _name_key(holder):
        raise PaymentError(_("Sign with the account holder's full name, as written above."))
    if not details.authorized:
        raise PaymentError(_("Tick the box to authorise the e-check."))
    return iban.compact


def echeck_create(
    *, payment: Payment, details: CheckDetails, ip_address: str | None = None
) -> ECheck:
    """Seal the check for this payment (inside the caller's transaction, e.g. placement)."""
    if payment.method != "echeck":
        raise PaymentError(_("This payment is not an e-check."))
    iban = echeck_account(details=details)
    now = timezone.now()
    number = f"EC{now:%y%m%d}{secrets.randbelow(10**8):08d}"
    account = sealing.account_hash(iban)
    payee = settings.SELLER_NAME
    date = timezone.localdate(now).isoformat()
    message = sealing.canonical(
        payee=payee,
        amount=payment.amount,
        currency=payment.currency,
        date=date,
        number=number,
        account=account,
    )
    return ECheck.objects.create(
        payment=payment,
        number=number,
        payee=payee,
        amount=payment.amount,
        currency=payment.currency,
        date=date,
        account_holder=" ".join(details.account_holder.split()),
        account_encrypted=sealing.encrypt_account(iban),
        account_last4=iban[-4:],
        account_hash=account,
        signer_name=" ".join(details.signer_name.split()),
        authorized_at=now,
        ip_address=ip_address,
        seal=sealing.seal(message),
    )


def echeck_seal_valid(*, check: ECheck) -> bool:
    """Staff check what was signed: False if any sealed field was changed since."""
    message = sealing.canonical(
        payee=check.payee,
        amount=check.amount,
        currency=check.currency,
        date=check.date.isoformat() if hasattr(check.date, "isoformat") else str(check.date),
        number=check.number,
        account=check.account_hash,
    )
    try:
        account_matches = (
            sealing.account_hash(sealing.decrypt_account(check.account_encrypted))
            == check.account_hash
        )
    except ValueError:
        return False
    return account_matches and sealing.seal_valid(message, check.seal)


def echeck_clear(*, payment: Payment, by: User | None = None) -> Payment:
    """The money arrived: the payment is paid (staff, or the clearing task)."""
    payment = _clearing(payment)
    payment = payment_capture(payment=payment, by=by)
    ECheck.objects.filter(payment=payment, cleared_at__isnull=True).update(
        cleared_at=timezone.now()
    )
    return payment


def echeck_bounce(*, payment: Payment, reason: str, by: User | None = None) -> Payment:
    """The bank refused the check: the order is held and the customer may pay another way."""
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise PaymentError(_("Say why the check bounced."))
    payment = _clearing(payment)
    key = f"payment-{payment.pk}-bounce"
    provider = get_provider(payment.method)
    result = provider.bounce(
        request=_request(payment, key, amount=payment.amount, details={"reason": reason})
    )
    with transaction.atomic():
        payment = payment_record(
            payment_id=payment.pk,
            result=result,
            operation=Operation.CAPTURE,
            operation_key=key,
            by=by,
        )
        ECheck.objects.filter(payment=payment, bounced_at__isnull=True).update(
            bounced_at=timezone.now(), bounce_reason=reason
        )
    return payment


def echecks_due(*, now: datetime) -> list[int]:
    """Payments of checks signed more than ECHECK_CLEARING_DAYS ago and still clearing."""
    signed_before = now - timedelta(days=settings.ECHECK_CLEARING_DAYS)
    return list(
        ECheck.objects.filter(
            cleared_at__isnull=True,
            bounced_at__isnull=True,
            authorized_at__lte=signed_before,
            payment__status=PaymentStatus.CLEARING,
        ).values_list("payment_id", flat=True)[:500]
    )


def _clearing(payment: Payment) -> Payment:
    payment = Payment.objects.get(pk=payment.pk)
    if payment.method != "echeck":
        raise PaymentError(_("This payment is not an e-check."))
    if payment.status == PaymentStatus.BOUNCED:
        raise PaymentError(_("This check has already bounced."))
    if payment.status != PaymentStatus.CLEARING:
        raise PaymentError(_("Only a check that is still clearing can clear or bounce."))
    return payment


def _name_key(name: str) -> str:
    return "".join(fold(name).split())
