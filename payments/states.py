"""Payment methods and statuses, and the status changes a payment may make.

The status is kept on each payment attempt and mirrored on the order from its current attempt.
`TRANSITIONS` is checked where the ledger is written (`payments.services.payment_record`), so a
late or repeated provider answer never moves a payment backwards: a failure after a success
never un-pays, and a voided payment cannot be started again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    REQUIRES_ACTION = "requires_action", _("Requires action")
    AUTHORIZED = "authorized", _("Authorized")
    PAID = "paid", _("Paid")
    COD_DUE = "cod_due", _("Cash due on delivery")
    CLEARING = "clearing", _("E-check clearing")
    ON_TAB = "on_tab", _("On the tab")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    BOUNCED = "bounced", _("Bounced")
    # A cleared e-check the bank took back later (within ECHECK_RETURN_DAYS): the money is gone.
    RETURNED = "returned", _("Returned by the bank")
    VOIDED = "voided", _("Voided")
    FAILED = "failed", _("Failed")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Credit or debit card")
    WALLET = "wallet", _("Digital wallet")
    MICROPAYMENT = "micropayment", _("Micropayment tab")
    STORED_VALUE = "stored_value", _("Prepaid balance")
    ECHECK = "echeck", _("E-check")
    COD = "cod", _("Cash on delivery")


# An order counts as accepted by its payment method (it may leave pending_payment) in these.
ACCEPTED = frozenset(
    {
        PaymentStatus.AUTHORIZED,
        PaymentStatus.PAID,
        PaymentStatus.COD_DUE,
        PaymentStatus.CLEARING,
        PaymentStatus.ON_TAB,
    }
)


P = PaymentStatus
# Money that was taken is always recorded: a capture reported late (after a failure or a void)
# still makes the payment paid, so it can be refunded; nothing leads from paid back to unpaid.
_TAKEN = frozenset({P.PAID})
TRANSITIONS: dict[str, frozenset[str]] = {
    P.UNPAID: frozenset(
        {
            P.REQUIRES_ACTION,
            P.AUTHORIZED,
            P.PAID,
            P.COD_DUE,
            P.CLEARING,
            P.ON_TAB,
            P.FAILED,
            P.VOIDED,
        }
    ),
    P.REQUIRES_ACTION: frozenset({P.AUTHORIZED, P.PAID, P.FAILED, P.VOIDED}),
    P.AUTHORIZED: frozenset({P.PAID, P.VOIDED}),
    P.COD_DUE: frozenset({P.PAID, P.VOIDED}),
    P.CLEARING: frozenset({P.PAID, P.BOUNCED, P.VOIDED}),
    # A refund of everything still on the tab takes the order off it: refunded, nothing taken.
    P.ON_TAB: frozenset({P.PAID, P.VOIDED, P.REFUNDED}),
    # A cleared e-check may still be returned by the bank (payments.services.echeck_return).
    P.PAID: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED, P.RETURNED}),
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED, P.RETURNED}),
    P.REFUNDED: frozenset(),
    P.BOUNCED: frozenset(),
    P.RETURNED: frozenset(),
    P.FAILED: _TAKEN | {P.AUTHORIZED},
    P.VOIDED: _TAKEN,
}

# Nothing has been taken yet and the attempt is still open: a void cancels it.
VOIDABLE = frozenset({P.UNPAID, P.REQUIRES_ACTION, P.AUTHORIZED, P.COD_DUE, P.CLEARING, P.ON_TAB})
# Money was taken, or is owed on the open tab: a refund gives back (or takes off) some or all of it.
REFUNDABLE = frozenset({P.PAID, P.PARTIALLY_REFUNDED, P.ON_TAB})
# A parcel may leave only with one of these: the money for what ships is in (or held, due at the
# door, owed on the tab). Paid and then partly refunded (a goodwill refund, an item taken off the
# tab) still ships; refunded in full, bounced or returned does not.
SHIPPABLE = frozenset({P.AUTHORIZED, P.PAID, P.PARTIALLY_REFUNDED, P.COD_DUE, P.ON_TAB})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


class RefundStatus(models.TextChoices):
    """Where one refund stands: reserved first, then sent to the provider or waiting for staff
    to pay it out by bank transfer, then done."""

    RESERVED = "reserved", _("Reserved, not sent yet")
    SENT = "sent", _("Sent, waiting for the provider")
    AWAITING_PAYOUT = "awaiting_payout", _("Waiting for a bank transfer")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


R = RefundStatus
# Changed only by `payments.services.refund_status.refund_transition`, which reads this table.
REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    R.RESERVED: frozenset({R.SENT, R.AWAITING_PAYOUT, R.SUCCEEDED, R.FAILED}),
    R.SENT: frozenset({R.SUCCEEDED, R.FAILED}),
    R.AWAITING_PAYOUT: frozenset({R.SUCCEEDED}),
    R.SUCCEEDED: frozenset(),
    R.FAILED: frozenset(),
}
# A refund in one of these still holds its amount (not in the ledger yet, not given up on).
REFUND_OPEN = frozenset({R.RESERVED, R.SENT, R.AWAITING_PAYOUT})


def can_refund_transition(current: str, target: str) -> bool:
    return target in REFUND_TRANSITIONS.get(current, frozenset())
