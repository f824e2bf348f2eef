"""E-checks: signing and sealing a check, clearing it, a bounce, a return, verifying the seal.

The account number is validated (IBAN), encrypted at rest and shown only as its last four
digits; it is never logged. A check is created in the placement transaction (no network);
its payment then starts like any other and waits in "clearing" until it clears or bounces.
A cleared check may still be returned by the bank within ECHECK_RETURN_DAYS. Every decision is
taken under the payment's lock, checked against the status table before the ledger is written.
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

from shop.audit import audit_record
from shop.models import User
from shop.text import fold

from ...exceptions import PaymentError
from ...interface import Outcome, ProviderResult
from ...models import ECheck, Payment
from ...registry import get_provider
from ...services.ledger import Operation, _operation_key, _request, payment_record
from ...states import PaymentStatus, can_transition
from . import sealing


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
    iban = iban_check(details.iban)
    if _name_key(details.signer_name) != _name_key(holder):
        raise PaymentError(_("Sign with the account holder's full name, as written above."))
    if not details.authorized:
        raise PaymentError(_("Tick the box to authorise the e-check."))
    return iban.compact


def iban_check(text: str) -> IBAN:
    """A valid IBAN of an account in the shop's currency, or a clear refusal."""
    try:
        iban = IBAN(text)
    except (SchwiftyException, ValueError):
        raise PaymentError(_("This IBAN is not valid. Please check it.")) from None
    if iban.currency_code and iban.currency_code != settings.SHOP_CURRENCY:
        raise PaymentError(
            _("The account must be held in %(currency)s.") % {"currency": settings.SHOP_CURRENCY}
        )
    return iban


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
    """The money arrived: the payment is paid (staff, or the clearing task).

    Decided under the payment's lock: a bounce at the same moment finds it paid (or this finds
    it bounced), and no capture row is written for a check that bounced.
    """
    with transaction.atomic():
        locked = _decide(payment, PaymentStatus.PAID)
        key = _operation_key(locked, Operation.CAPTURE)
        # The e-check provider calls no outside service: asking it under the lock is safe.
        result = get_provider(locked.method).capture(
            request=_request(locked, key, amount=locked.amount, details=None)
        )
        payment = payment_record(
            payment_id=locked.pk,
            result=result,
            operation=Operation.CAPTURE,
            operation_key=key,
            by=by,
        )
        ECheck.objects.filter(payment=payment, cleared_at__isnull=True).update(
            cleared_at=timezone.now()
        )
        audit_record(
            actor=by,
            action="echeck.clear",
            target=payment,
            details={"amount": result.amount, "currency": result.currency},
        )
    return payment


def echeck_bounce(*, payment: Payment, reason: str, by: User | None = None) -> Payment:
    """The bank refused the check: the order is held and the customer may pay another way."""
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise PaymentError(_("Say why the check bounced."))
    with transaction.atomic():
        locked = _decide(payment, PaymentStatus.BOUNCED)
        key = f"payment-{locked.pk}-bounce"
        result = get_provider(locked.method).bounce(
            request=_request(locked, key, amount=locked.amount, details={"reason": reason})
        )
        payment = payment_record(
            payment_id=locked.pk,
            result=result,
            operation=Operation.CAPTURE,
            operation_key=key,
            by=by,
        )
        ECheck.objects.filter(payment=payment, bounced_at__isnull=True).update(
            bounced_at=timezone.now(), bounce_reason=reason
        )
        audit_record(actor=by, action="echeck.bounce", target=payment, reason=reason)
    return payment


def echeck_return(*, payment: Payment, reason: str, by: User | None = None) -> Payment:
    """The bank took a cleared check back (within ECHECK_RETURN_DAYS of clearing).

    Recorded as its own ledger row (kind "return", keyed by the return) that takes the money
    back; the payment becomes "returned", its order is flagged and the customer asked to pay
    another way (orders.services.order_set_payment_status).
    """
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise PaymentError(_("Say why the bank returned the check."))
    with transaction.atomic():
        locked = _decide(payment, PaymentStatus.RETURNED)
        check = ECheck.objects.select_for_update().filter(payment=locked).first()
        if check is None or check.cleared_at is None:
            raise PaymentError(_("Only a check that cleared can be returned."))
        window = timedelta(days=settings.ECHECK_RETURN_DAYS)
        if timezone.now() > check.cleared_at + window:
            raise PaymentError(
                _("The bank may return a check only within %(days)s days of clearing.")
                % {"days": settings.ECHECK_RETURN_DAYS}
            )
        # What the bank takes back is what it paid us: the check's captured amount.
        amount = locked.taken()
        key = f"echeck-return-{check.pk}"
        payment = payment_record(
            payment_id=locked.pk,
            result=ProviderResult(
                Outcome.RETURNED,
                amount,
                currency=locked.currency,
                reference=key,
                message=reason,
            ),
            operation=Operation.CAPTURE,
            operation_key=key,
            by=by,
        )
        ECheck.objects.filter(pk=check.pk).update(returned_at=timezone.now(), return_reason=reason)
        audit_record(
            actor=by,
            action="echeck.return",
            target=payment,
            reason=reason,
            details={"amount": amount, "currency": locked.currency},
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


def _decide(payment: Payment, target: str) -> Payment:
    """Lock the check's payment and refuse a decision its status does not allow (in the
    caller's transaction): the ledger row is written only after this."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.method != "echeck":
        raise PaymentError(_("This payment is not an e-check."))
    if can_transition(locked.status, target):
        return locked
    if locked.status == PaymentStatus.BOUNCED:
        raise PaymentError(_("This check has already bounced."))
    if locked.status == PaymentStatus.RETURNED:
        raise PaymentError(_("The bank has already returned this check."))
    if target == PaymentStatus.RETURNED:
        raise PaymentError(_("Only a check that cleared can be returned."))
    raise PaymentError(_("Only a check that is still clearing can clear or bounce."))


def _name_key(name: str) -> str:
    return "".join(fold(name).split())
