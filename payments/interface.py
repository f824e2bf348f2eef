"""One protocol for every payment method; each method is a package in payments/methods/.

Providers return results and never write the ledger: the shared services in payments/services/
call them (a provider that calls out, outside any row lock and after commit) and turn each
`ProviderResult` into one ledger row and a status. Providers of internal ledgers move no money
outside our database and keep rows of their own: the prepaid balance writes its balance entries
under the account's lock, the tab its memberships under the tab's lock, inside the placement
transaction (`starts_at_placement`); the e-check reads the signed check it accepts.

Optional hooks the shared services ask for when a provider has them:
- `hold(request=...)`: a context manager opened inside the transaction of a refund or a void; it
  locks the provider's own rows before the payment (the tab) and yields True when the answer
  comes from them, so it is asked and recorded under those locks (else outside any lock).
- `owed(payment=...)`: what refunds may give back in all (an order on the tab owes its amount);
  by default what was taken (`payments.registry.payment_owed`).
- `retrieve`, `refund_retrieve`: read an attempt or a refund back (the card);
  `capture_moves_cash = False`: its capture rows move no cash (the tab's orders).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Protocol, runtime_checkable


class Outcome(StrEnum):
    """What a provider call achieved; the services map it to a PaymentStatus."""

    AUTHORIZED = "authorized"  # funds held, capture later (card)
    CAPTURED = "captured"  # money taken (card capture, stored value, tab settle)
    REQUIRES_ACTION = "requires_action"  # the customer must act (3-D Secure)
    PENDING = "pending"  # accepted, money arrives later (e-check clearing, COD, tab)
    REFUNDED = "refunded"
    SENT = "sent"  # a refund the provider accepted and has not finished yet (Stripe `pending`)
    VOIDED = "voided"
    FAILED = "failed"
    BOUNCED = "bounced"  # accepted for later, then refused by the bank (an e-check)
    RETURNED = "returned"  # taken, then taken back by the bank (a cleared e-check returned)


@dataclass(frozen=True)
class CheckoutContext:
    """What a method needs to know to say whether it applies to a cart, and at what fee."""

    total: Decimal
    currency: str
    has_physical: bool
    has_digital: bool
    customer_id: int | None = None


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""  # shown to the customer next to the disabled method


@dataclass(frozen=True)
class PaymentRequest:
    """One money movement asked of a provider, identified so a retry is recognisable."""

    payment_id: int
    order_number: str
    amount: Decimal  # explicit: a partial refund asks for its own amount, not the payment's
    currency: str
    # One key per operation (this attempt's start, this refund), sent to the provider, so a
    # retried call never moves money twice.
    idempotency_key: str
    customer_id: int | None = None
    reference: str = ""  # the provider's object for this payment, once it has one
    details: dict[str, Any] = field(default_factory=dict)  # method-specific, never card numbers

    def answer(self, outcome: "Outcome", **fields: Any) -> "ProviderResult":
        """An answer whose movement is named by this request's own key: a method that moves no
        money outside (cash, the balance, the tab, the e-check), or a card never sent to Stripe."""
        return ProviderResult(
            outcome,
            self.amount,
            currency=self.currency,
            reference=self.idempotency_key,
            **fields,
        )


@dataclass(frozen=True)
class ProviderResult:
    """A provider's answer. `reference` names the money movement itself (a charge, a refund,
    a PaymentIntent; or our own operation row for in-database methods): the ledger is keyed
    by it, so the same movement reported twice is recorded once."""

    outcome: Outcome
    amount: Decimal
    currency: str = field(kw_only=True)
    reference: str = ""
    # The provider's object for the whole attempt (a PaymentIntent), kept on the payment.
    attempt_reference: str = ""
    message: str = ""  # safe to show to the customer when the outcome is FAILED
    next_action: dict[str, Any] = field(default_factory=dict)  # e.g. a client secret for 3DS
    raw: dict[str, Any] = field(default_factory=dict)  # kept on the ledger row for staff
    # False when no cash moved with it: a refund taken off an open tab, a tab order's capture
    # (the settlement's charge carries the cash). The daily money report leaves these out.
    moves_cash: bool = field(default=True, kw_only=True)


@runtime_checkable
class PaymentProvider(Protocol):
    method: ClassVar[str]
    # The status of a payment this method accepted with the money still to come (COD's
    # "cod_due", an e-check "clearing", the tab's "on_tab"); "authorized" for a card hold.
    pending_status: ClassVar[str]
    # True when the shopper must act in the browser before the payment can start (enter a
    # card): checkout then leads to the order's payment page instead of starting it.
    starts_in_browser: ClassVar[bool]
    # True when an order awaiting this method's payment is finished on the order's payment
    # page (3-D Secure, or another card after a decline): the card and the wallet.
    finishes_in_browser: ClassVar[bool]
    # True for the internal ledgers (balance, tab): `place_check` runs inside `order_place` after
    # the coupon and before the variants (it locks the balance account or the tab), and the
    # payment starts in the same transaction, so the order is confirmed at placement.
    starts_at_placement: ClassVar[bool]

    def place_check(self, *, customer_id: int | None, amount: Decimal, currency: str) -> None:
        """Lock what the method pays from and refuse (PaymentError) if it cannot pay `amount`."""

    def availability(self, *, context: CheckoutContext) -> Availability:
        """Whether this method may pay for the cart, and why not."""

    def fee(self, *, context: CheckoutContext) -> Decimal:
        """An extra charge for using this method (VAT included), shown as its own line."""

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        """Start paying: hold, take, or accept-for-later, depending on the method."""

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        """Take money that authorize held or accepted for later (COD collected, e-check cleared)."""

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        """Give back all or part of captured money."""

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        """Cancel what authorize started, before any money was taken."""
