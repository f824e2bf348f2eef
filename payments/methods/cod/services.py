"""Where a refund of cash goes: the account the customer gave for a bank transfer, or store
credit when they chose it (docs/payments.md, "Refunds of cash on delivery").

The IBAN is validated as an e-check's is, encrypted at rest with the same keys, shown only as
its last four digits, and never written to a ledger row (erasure cannot scrub those).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User

from ...exceptions import PaymentError
from ...models import Payment, Refund, RefundAccount
from ...registry import get_provider
from ...services.ledger import Operation, _request, payment_capture, payment_record
from ...states import PaymentMethod, PaymentStatus, RefundStatus
from ..echeck import sealing
from ..echeck.services import iban_check


def refund_account_create(
    *,
    payment: Payment,
    destination: str,
    account_holder: str = "",
    iban: str = "",
    by: User | None = None,
) -> RefundAccount:
    """Record where the customer wants this payment's refund (inside the caller's transaction).

    Tied to a return (and bound to its refund) it serves that refund; otherwise it is the
    customer's standing choice for every refund of the payment.
    """
    created = _account_create(
        payment=payment, destination=destination, account_holder=account_holder, iban=iban
    )
    if created.account_last4:
        audit_record(
            actor=by,
            action="refund.account_given",
            target=created,
            details={"payment": payment.pk, "last4": created.account_last4},
        )
    return created


def _account_create(
    *, payment: Payment, destination: str, account_holder: str, iban: str
) -> RefundAccount:
    """Validate and store the account (the IBAN checked as an e-check's, then encrypted)."""
    if destination == RefundAccount.Destination.STORE_CREDIT:
        if payment.owner_id is None:
            raise PaymentError(_("Store credit needs an account: choose a bank transfer."))
        return RefundAccount.objects.create(payment=payment, destination=destination)
    if destination != RefundAccount.Destination.BANK_TRANSFER:
        raise PaymentError(_("Choose how you want the money back."))
    holder = " ".join(account_holder.split())[:140]
    if not holder:
        raise PaymentError(_("Enter the account holder's name."))
    account = iban_check(iban).compact
    return RefundAccount.objects.create(
        payment=payment,
        destination=destination,
        account_holder=holder,
        account_encrypted=sealing.encrypt_account(account),
        account_last4=account[-4:],
    )


def refund_account_needed(*, refund: Refund) -> bool:
    """A cash refund waiting for a bank transfer to an account nobody has given yet."""
    return (
        refund.status == RefundStatus.AWAITING_PAYOUT
        and refund.payment.method == PaymentMethod.COD
        and not RefundAccount.objects.filter(refund=refund).exists()
    )


def refund_account_give(
    *,
    refund: Refund,
    destination: str,
    account_holder: str = "",
    iban: str = "",
    by: User | None = None,
) -> Refund:
    """The customer says where a cash refund waiting for its account goes, under its lock.

    A bank account is bound to the refund (staff then pay it out); store credit pays the refund
    into the customer's balance at once (keyed by the refund, so once). Refused, with nothing
    changed, for a refund not waiting for an account.
    """
    with transaction.atomic():
        # The payment before the refund, as payment_record locks them.
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if (
            payment.method != PaymentMethod.COD
            or locked.status != RefundStatus.AWAITING_PAYOUT
            or RefundAccount.objects.filter(refund=locked).exists()
        ):
            raise PaymentError(_("This refund is not waiting for your bank account any more."))
        account = _account_create(
            payment=payment, destination=destination, account_holder=account_holder, iban=iban
        )
        account.refund = locked
        account.save(update_fields=["refund"])
        audit_record(
            actor=by,
            action="refund.account_given",
            target=locked,
            details={
                "payment": payment.pk,
                "destination": account.destination,
                "last4": account.account_last4,
            },
        )
        if account.destination == RefundAccount.Destination.BANK_TRANSFER:
            locked.message = _(
                "To be paid back by bank transfer to the account ending %(last4)s."
            ) % {"last4": account.account_last4}
            locked.save(update_fields=["message", "updated_at"])
            return locked
        # Store credit: the method's own refund path (the balance, in-house, no network call)
        # answers under these locks, and the ledger records it once.
        key = f"refund-{locked.pk}"
        result = get_provider(payment.method).refund(
            request=_request(payment, key, amount=locked.amount, details={"refund_id": locked.pk})
        )
        payment_record(
            payment_id=payment.pk,
            result=result,
            operation=Operation.REFUND,
            operation_key=key,
            by=by,
            refund_id=locked.pk,
            audit=("refund.send", "store credit chosen by the customer"),
        )
    locked.refresh_from_db()
    return locked


def refund_account_bind(*, account: RefundAccount, refund: Refund) -> None:
    """The refund reserved for what the account was given for pays out to it (set once; again
    only for a new refund after the first failed)."""
    with transaction.atomic():
        RefundAccount.objects.filter(
            Q(refund__isnull=True) | Q(refund__status=Refund.Status.FAILED), pk=account.pk
        ).update(refund=refund)


def refund_account_reveal(*, refund: Refund, by: User) -> str:
    """The full IBAN for staff making the bank transfer; every look is in the audit trail."""
    account = RefundAccount.objects.filter(refund=refund).first()
    if account is None or not account.account_encrypted:
        return ""
    with transaction.atomic():
        audit_record(actor=by, action="refund.account_viewed", target=refund)
    return sealing.decrypt_account(account.account_encrypted)


def payment_collect_cash(*, payment: Payment, amount: Decimal, by: User | None = None) -> Payment:
    """Staff record the cash the courier collected for a cash-on-delivery payment still due.

    Recorded once (a double submit changes nothing); another amount than due is flagged.
    """
    if payment.method != PaymentMethod.COD or payment.status != PaymentStatus.COD_DUE:
        raise PaymentError(_("This payment has no cash to collect."))
    return payment_capture(
        payment=payment, amount=amount, by=by, details={"collected_by": str(by or "")}
    )
