"""The order's fulfilment lifecycle: statuses and the transitions `order_transition` allows.

pending_payment → confirmed → preparing → packed → shipped → in_transit → out_for_delivery →
delivered; cancelled before shipping; return_requested → returned after delivery. The payment
status lives separately (payments.states.PaymentStatus).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    CONFIRMED = "confirmed", _("Confirmed")
    PREPARING = "preparing", _("Preparing")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned")


class CancelReason(models.TextChoices):
    CUSTOMER = "customer", _("Cancelled by the customer")
    STAFF = "staff", _("Cancelled by the shop")
    EXPIRED = "expired", _("Payment not completed in time")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    # Staff cancelled it to resolve a customer's complaint (the complaint desk's action).
    COMPLAINT = "complaint", _("Cancelled to resolve a complaint")
    # The parcel was refused at the door (cash on delivery not paid) and went back to the shop.
    REFUSED = "refused", _("Refused at delivery")


S = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.CONFIRMED, S.CANCELLED}),
    # confirmed → delivered only for a digital-only order, when its links are issued (checked
    # in order_transition).
    S.CONFIRMED: frozenset({S.PREPARING, S.CANCELLED, S.DELIVERED}),
    S.PREPARING: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    # On the road → cancelled only when every parcel came back to the shop (refused at the door,
    # undeliverable), with the reason "refused": checked in order_transition (REFUSED_ONLY).
    S.SHIPPED: frozenset({S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED, S.CANCELLED}),
    S.IN_TRANSIT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.CANCELLED}),
    # A failed delivery attempt goes back on the road.
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED, S.IN_TRANSIT, S.CANCELLED}),
    S.DELIVERED: frozenset({S.RETURN_REQUESTED}),
    # A refused return request leaves the order delivered.
    S.RETURN_REQUESTED: frozenset({S.RETURNED, S.DELIVERED}),
    S.RETURNED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Stock stays allocated (not yet shipped) in these; cancelling releases it.
HOLDS_ALLOCATION = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PREPARING, S.PACKED})


# Reached only through the order's parcels (shipment services), never by a bare status change.
FOLLOWS_SHIPMENTS = frozenset({S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY})

# Cancelled from these only with the reason "refused", once every parcel is back (the table cannot
# say which reason; `order_transition` checks it).
REFUSED_ONLY = FOLLOWS_SHIPMENTS

# Nothing moves any more: the order page stops refreshing itself.
FINAL = frozenset({S.DELIVERED, S.CANCELLED, S.RETURNED})

# The customer may cancel from the order page until it is packed, whatever paid it.
CUSTOMER_CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PREPARING})

# Order of progress on the road, for "the order follows its least advanced parcel".
ROAD_RANK = {S.SHIPPED: 0, S.IN_TRANSIT: 1, S.OUT_FOR_DELIVERY: 2, S.DELIVERED: 3}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


class ReturnKind(models.TextChoices):
    # Within WITHDRAWAL_DAYS of delivery: no reason, no approval, the code at once.
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    # Later: a defect claim, with a reason, that staff approve or reject.
    DEFECT = "defect", _("Defect claim")


class ReturnReason(models.TextChoices):
    """Why items come back, as the customer says (optional for a withdrawal): counted in reports."""

    CHANGED_MIND = "changed_mind", _("Changed my mind")
    WRONG_SIZE = "wrong_size", _("Wrong size or fit")
    WRONG_COLOUR = "wrong_colour", _("Wrong colour")
    DAMAGED = "damaged", _("Damaged or faulty")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    LATE = "late", _("Arrived too late")
    OTHER = "other", _("Other")


# An exchange (another variant of the same product instead) is offered for these reasons only.
EXCHANGE_REASONS = (ReturnReason.WRONG_SIZE, ReturnReason.WRONG_COLOUR)


class OrderSource(models.TextChoices):
    """Where an order was made: the web checkout, or an agent on the phone (later a campaign)."""

    WEB = "web", _("Web shop")
    AGENT = "agent", _("Phone order by an agent")
    # Sent again free of charge to resolve a complaint (orders.services.replacement_order_create).
    REPLACEMENT = "replacement", _("Replacement for a complaint")
    # Another size or colour the customer chose in the returns portal (services/exchanges.py).
    EXCHANGE = "exchange", _("Exchange from the returns portal")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for our decision")
    APPROVED = "approved", _("Return code issued")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received and inspected")
    REFUNDED = "refunded", _("Refunded")
    # Approved but the parcel never came back, or the customer changed their mind: staff cancel.
    CANCELLED = "cancelled", _("Cancelled")


class Restock(models.TextChoices):
    SELLABLE = "sellable", _("Back to sellable stock")
    DAMAGED = "damaged", _("Damaged: not sellable")


R = ReturnStatus

# Changed only by `orders.services.return_lifecycle.return_transition`, which reads this table. A
# return starts requested (a defect claim), approved (a withdrawal: its code at once) or received
# (a withdrawal of digital items only: nothing to send back).
RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    R.REQUESTED: frozenset({R.APPROVED, R.REJECTED}),
    R.APPROVED: frozenset({R.RECEIVED, R.CANCELLED}),
    R.RECEIVED: frozenset({R.REFUNDED}),
    R.REJECTED: frozenset(),
    R.CANCELLED: frozenset(),
    # Refunded again: only when its refund failed, a new one is reserved (`return_refund`).
    R.REFUNDED: frozenset({R.REFUNDED}),
}

# A return still under way: the order shows "return requested" while one is open.
OPEN_RETURN = frozenset({R.REQUESTED, R.APPROVED, R.RECEIVED})
# Its units count as coming back (a rejected claim gives them back to the customer).
COUNTS_AS_RETURNED = frozenset({R.REQUESTED, R.APPROVED, R.RECEIVED, R.REFUNDED})


def can_return_transition(current: str, target: str) -> bool:
    return target in RETURN_TRANSITIONS.get(current, frozenset())


def return_next_statuses(status: str) -> list[str]:
    """What may happen next to a return in this status, in the choices' order."""
    allowed = RETURN_TRANSITIONS.get(status, frozenset())
    return [value for value in ReturnStatus.values if value in allowed]


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    EXCEPTION = "exception", _("Delivery problem")
    DELIVERED = "delivered", _("Delivered")
    # Refused at the door or undeliverable: the carrier brings it back to the shop (final).
    RETURNED = "returned", _("Returned to sender")


P = ShipmentStatus
# A parcel starts shipped (`order_ship`); then the newest report about it wins, whatever it says
# (carriers report a failed attempt, a problem, or the same step again with a later time), until
# it is delivered. Changed only by `orders.services.fulfilment.shipment_transition`; a report
# older than the last one applied never reaches it.
_ANY_REPORT = frozenset(P.values)
SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    P.SHIPPED: _ANY_REPORT,
    P.IN_TRANSIT: _ANY_REPORT,
    P.OUT_FOR_DELIVERY: _ANY_REPORT,
    P.EXCEPTION: _ANY_REPORT,
    P.DELIVERED: frozenset(),
    P.RETURNED: frozenset(),
}


def can_shipment_transition(current: str, target: str) -> bool:
    return target in SHIPMENT_TRANSITIONS.get(current, frozenset())
