"""Payment methods and statuses: kept on the payment record, mirrored on the order."""

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
