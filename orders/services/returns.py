"""Returns: a withdrawal or a defect claim, from the request to the refund, and credit notes.

Lock order: order → return lines' download links when a return is requested; return → variants
when it is received; return → payment → order when it is refunded (never a payment while
holding the order's lock, as everywhere). See docs/fulfilment.md for the states: each step
asks the table first (`return_check`) and changes the status last, through the one door
(`return_transition`, services/return_lifecycle.py).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import StockMovement
from catalog.services import stock_adjust
from payments.models import Payment, PaymentEvent, Refund
from payments.services import (
    refund_account_bind,
    refund_account_create,
    refund_reserve,
    refund_send,
)
from payments.states import REFUNDABLE, PaymentMethod
from shop.models import User
from shop.money import ZERO, to_money, vat_included_in

from ..models import CreditNote, DownloadLink, Invoice, Order, OrderLine, Return, ReturnLine
from ..selectors.returns import (
    RETURNABLE_ORDER,
    order_delivered_at,
    refundable_payment,
    return_refund_failed,
    returned_quantities,
    withdrawal_ends_at,
)
from ..states import Restock, ReturnKind, ReturnReason, ReturnStatus
from ..totals import STANDARD_VAT_RATE, spread_discount
from .exchange_steps import exchange_refund_settle, exchange_release
from .invoicing import next_document_number
from .return_lifecycle import ReturnError, order_follows_returns, return_check, return_transition

# The shop refunds within 14 days of the withdrawal notice (the distance sales contract).
REFUND_DUE_DAYS = 14


def line_share(line: OrderLine, *, before: int, quantity: int) -> Decimal:
    """What `quantity` units of a line refund, after `before` units already came back.

    Shares of the line's paid total (its coupon share already taken off), cumulative, so all
    of a line's units together refund exactly its total, to the kuruş.
    """
    upto = to_money(line.total * (before + quantity) / line.quantity)
    return upto - to_money(line.total * before / line.quantity)


def return_request(
    *,
    order: Order,
    quantities: dict[int, int],
    reason: str = "",
    reason_code: str = "",
    by: User | None = None,
    now: datetime | None = None,
    refund_to: str = "",
    account_holder: str = "",
    iban: str = "",
) -> Return:
    """The customer sends items back: a withdrawal within the period, a defect claim after it.

    Checked under the order's lock, so two requests at once can never return more than was
    bought. A withdrawal gets its return code at once (no approval); a claim waits for staff.
    Paid in cash: `refund_to` says where the refund goes (a bank transfer to `iban`, or store
    credit); without it the refund is a bank transfer to an account staff ask for.
    `reason_code` (ReturnReason, optional): why, in a form that can be counted.
    """
    now = now or timezone.now()
    if reason_code and reason_code not in ReturnReason.values:
        raise ReturnError(_("Choose one of the reasons offered."))
    wanted = {int(pk): int(quantity) for pk, quantity in quantities.items() if int(quantity) > 0}
    if not wanted:
        raise ReturnError(_("Choose at least one item and how many of it to return."))
    reason = reason.strip()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in RETURNABLE_ORDER:
            raise ReturnError(_("An order can be returned once it has been delivered."))
        lines = {line.pk: line for line in locked.lines.all()}
        if not set(wanted) <= set(lines):
            raise ReturnError(_("Choose items of this order."))
        within = withdrawal_ends_at(order_delivered_at(order=locked))
        kind = ReturnKind.WITHDRAWAL if within and now <= within else ReturnKind.DEFECT
        if kind == ReturnKind.DEFECT and not reason:
            raise ReturnError(
                _(
                    "The %(days)s-day withdrawal period has ended. Tell us what is wrong with "
                    "the item and we will look at your claim."
                )
                % {"days": settings.WITHDRAWAL_DAYS}
            )
        _refuse_downloaded(locked, [pk for pk in wanted if lines[pk].is_digital])
        already = returned_quantities(order=locked)
        for pk, quantity in wanted.items():
            left = lines[pk].quantity - already.get(pk, 0)
            if quantity > left:
                raise ReturnError(
                    _("You can return at most %(left)s of “%(name)s”.")
                    % {"left": max(left, 0), "name": lines[pk].product_name}
                )
        return_lines = [
            ReturnLine(
                order_line=lines[pk],
                quantity=quantity,
                amount=line_share(lines[pk], before=already.get(pk, 0), quantity=quantity),
            )
            for pk, quantity in wanted.items()
        ]
        whole = all(
            already.get(pk, 0) + wanted.get(pk, 0) >= line.quantity for pk, line in lines.items()
        )
        # A whole withdrawal gives back everything paid: delivery and any payment fee too.
        withdrawn_whole = kind == ReturnKind.WITHDRAWAL and whole
        shipping = locked.shipping + locked.fees if withdrawn_whole else ZERO
        nothing_to_send = all(lines[pk].is_digital for pk in wanted)
        if kind == ReturnKind.DEFECT:
            status = ReturnStatus.REQUESTED
        else:
            status = ReturnStatus.RECEIVED if nothing_to_send else ReturnStatus.APPROVED
        sequence = Return.objects.filter(order=locked).count() + 1
        order_return = Return.objects.create(
            order=locked,
            number=f"{locked.number}-R{sequence}",
            kind=kind,
            status=status,
            reason=reason,
            reason_code=reason_code,
            shipping_refund=shipping,
            amount=sum((line.amount for line in return_lines), ZERO) + shipping,
            currency=locked.currency,
            requested_at=now,
            decided_at=now if kind == ReturnKind.WITHDRAWAL else None,
            received_at=now if status == ReturnStatus.RECEIVED else None,
            refund_due_by=(
                now + timedelta(days=REFUND_DUE_DAYS) if kind == ReturnKind.WITHDRAWAL else None
            ),
            created_by=by,
        )
        for line in return_lines:
            line.order_return = order_return
        ReturnLine.objects.bulk_create(return_lines)
        if refund_to:
            _refund_account_give(
                order_return,
                refund_to=refund_to,
                account_holder=account_holder,
                iban=iban,
                by=by,
            )
        _revoke_returned_downloads(locked, already, wanted, lines)
        order_follows_returns(
            order_id=locked.pk, kind="return_requested", note=order_return.number, by=by
        )
    return order_return


def _refund_account_give(
    order_return: Return, *, refund_to: str, account_holder: str, iban: str, by: User | None
) -> None:
    """Where the customer wants the cash back (validated; the IBAN is kept encrypted)."""
    payment = refundable_payment(order_id=order_return.order_id)
    if payment is None or payment.method != PaymentMethod.COD:
        return  # paid by card and the like: the refund goes back to the same instrument
    account = refund_account_create(
        payment=payment,
        destination=refund_to,
        account_holder=account_holder,
        iban=iban,
        by=by,
    )
    order_return.refund_account = account
    order_return.save(update_fields=["refund_account"])


def _refuse_downloaded(order: Order, digital_line_ids: list[int]) -> None:
    """A digital product once downloaded cannot be returned; the links are locked to decide."""
    if not digital_line_ids:
        return
    links = DownloadLink.objects.select_for_update().filter(order_line_id__in=digital_line_ids)
    if any(link.download_count > 0 for link in links):
        raise ReturnError(_("A digital product cannot be returned once it has been downloaded."))


def _revoke_returned_downloads(order, already, wanted, lines) -> None:
    """A digital line returned whole can no longer be downloaded."""
    whole_lines = [
        pk
        for pk in wanted
        if lines[pk].is_digital and already.get(pk, 0) + wanted[pk] >= lines[pk].quantity
    ]
    if whole_lines:
        DownloadLink.objects.filter(order_line_id__in=whole_lines).update(revoked=True)


def return_decide(
    *, order_return: Return, approve: bool, note: str = "", by: User | None = None
) -> Return:
    """Staff approve a defect claim (the return code is issued) or reject it, saying why.

    A second click with the same decision changes nothing.
    """
    target = ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=order_return.pk)
        if locked.status == target:
            return locked
        now = timezone.now()
        fields: dict[str, object] = {"decided_at": now, "staff_note": note.strip()}
        if approve:
            fields["refund_due_by"] = now + timedelta(days=REFUND_DUE_DAYS)
        return return_transition(
            order_return=locked,
            to=target,
            by=by,
            refused=_("This return is “%(status)s”: there is nothing to decide."),
            **fields,
        )


def return_receive(
    *, order_return: Return, restock: dict[int, str], by: User | None = None
) -> Return:
    """Staff received the parcel and inspected it: each line goes back to sellable stock or is
    written off as damaged (both through the catalog's stock_adjust). Safe to click twice."""
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=order_return.pk)
        if locked.status in (ReturnStatus.RECEIVED, ReturnStatus.REFUNDED):
            return locked
        return_check(
            locked,
            to=ReturnStatus.RECEIVED,
            refused=_("Only a return with its return code issued can be received."),
        )
        lines = list(locked.lines.select_related("order_line").order_by("order_line__variant_id"))
        physical = [line for line in lines if not line.order_line.is_digital]
        for line in physical:
            if restock.get(line.pk) not in Restock.values:
                raise ReturnError(
                    _("Choose for every item whether it is sellable again or damaged.")
                )
        for line in physical:
            line.restock = restock[line.pk]
            line.save(update_fields=["restock"])
            variant = line.order_line.variant
            stock_adjust(
                variant=variant,
                delta=line.quantity,
                reason=StockMovement.Reason.RETURN,
                by=by,
                note=locked.number,
            )
            if line.restock == Restock.DAMAGED:
                stock_adjust(
                    variant=variant,
                    delta=-line.quantity,
                    reason=StockMovement.Reason.DAMAGE,
                    by=by,
                    note=locked.number,
                )
        received = return_transition(
            order_return=locked, to=ReturnStatus.RECEIVED, by=by, received_at=timezone.now()
        )
        exchange_release(order_return=received, by=by)  # an exchange's replacement may ship
        return received


def return_refund(*, order_return: Return, by: User | None = None) -> Return:
    """Refund a received return through payment_refund, exactly once.

    The refund is reserved and tied to the return under the return's lock, then sent to the
    provider after commit, outside any lock; a second click finds it and only resends a
    refund still waiting. A failed refund may be tried again.
    """
    with transaction.atomic():
        locked = (
            Return.objects.select_for_update(of=("self",))
            .select_related("refund")
            .get(pk=order_return.pk)
        )
        if locked.status == ReturnStatus.REFUNDED and not return_refund_failed(locked):
            refund = locked.refund
        else:
            refused = _("Mark the parcel received and inspected before refunding it.")
            return_check(locked, to=ReturnStatus.REFUNDED, refused=refused)
            locked = exchange_refund_settle(order_return=locked, share=line_share, by=by)
            refund = None
            if locked.amount > 0:
                payment = (
                    Payment.objects.filter(order_id=locked.order_id, status__in=REFUNDABLE)
                    .order_by("-pk")
                    .first()
                )
                if payment is None:
                    raise ReturnError(_("This order has no payment that can be refunded."))
                refund = refund_reserve(
                    payment=payment, amount=locked.amount, by=by, reason=f"Return {locked.number}"
                )
                if locked.refund_account_id is not None:
                    refund_account_bind(account=locked.refund_account, refund=refund)
            locked = return_transition(
                order_return=locked,
                to=ReturnStatus.REFUNDED,
                by=by,
                refund=refund,
                refunded_at=timezone.now(),
            )
    if refund is not None and refund.status == Refund.Status.RESERVED:
        refund_send(refund=refund)
    locked.refresh_from_db()
    return locked


# --- credit notes --------------------------------------------------------------------------


def credit_note_issue(*, refund: Refund) -> CreditNote | None:
    """The credit note of a refund of an order's payment: once per refund, in its own series.

    Called when the refund is recorded (inside that transaction, under the payment's lock);
    it corrects the order's invoice, so money given back for an order never invoiced (paid
    after it was cancelled: nothing was sold) gets none. Its total is the refund's amount.
    """
    order_id = refund.payment.order_id
    if order_id is None:
        return None
    existing = CreditNote.objects.filter(refund=refund).first()
    if existing is not None:
        return existing
    invoice = Invoice.objects.filter(order_id=order_id).select_related("order").first()
    if invoice is None:
        return None
    order = invoice.order
    with transaction.atomic():
        lines = credit_note_lines(order=order, refund=refund)
        breakdown: dict[str, Decimal] = {}
        for line in lines:
            breakdown[line["vat_rate"]] = breakdown.get(line["vat_rate"], ZERO) + Decimal(
                line["vat"]
            )
        series, year, sequence, number = next_document_number(series=settings.CREDIT_NOTE_SERIES)
        return CreditNote.objects.create(
            invoice=invoice,
            order=order,
            refund=refund,
            number=number,
            series=series,
            year=year,
            sequence=sequence,
            total=refund.amount,
            currency=refund.currency,
            lines=lines,
            vat_breakdown={rate: str(amount) for rate, amount in breakdown.items()},
        )


def credit_note_lines(*, order: Order, refund: Refund) -> list[dict]:
    """What a refund credits: a return's lines (and delivery fee) when it refunds a return,
    else the order's lines, delivery and fees in proportion (a cancellation, a goodwill refund).
    """
    items: list[tuple[str, int | None, Decimal, Decimal]] = []
    order_return = (
        Return.objects.filter(refund=refund).prefetch_related("lines__order_line").first()
    )
    if order_return is not None:
        items = [
            (_line_name(line.order_line), line.quantity, line.order_line.vat_rate, line.amount)
            for line in order_return.lines.all()
        ]
        delivery = min(order_return.shipping_refund, order.shipping)
        if delivery:
            items.append((_("Delivery"), None, STANDARD_VAT_RATE, delivery))
        if order_return.shipping_refund - delivery:
            items.append(
                (_("Fees"), None, STANDARD_VAT_RATE, order_return.shipping_refund - delivery)
            )
    if sum((item[3] for item in items), ZERO) != refund.amount:
        base = [
            (_line_name(line), line.quantity, line.vat_rate, line.total)
            for line in order.lines.all()
        ]
        if order.shipping:
            base.append((_("Delivery"), None, STANDARD_VAT_RATE, order.shipping))
        if order.fees:
            base.append((_("Fees"), None, STANDARD_VAT_RATE, order.fees))
        shares = spread_discount([item[3] for item in base], refund.amount)
        full = refund.amount == sum((item[3] for item in base), ZERO)
        items = [
            (name, quantity if full else None, rate, share)
            for (name, quantity, rate, _total), share in zip(base, shares, strict=True)
            if share > 0
        ]
    return [
        {
            "name": name,
            "quantity": quantity,
            "vat_rate": str(rate),
            "vat": str(vat_included_in(amount, rate)),
            "total": str(amount),
        }
        for name, quantity, rate, amount in items
    ]


def _line_name(line: OrderLine) -> str:
    return line.product_name + (f" ({line.variant_name})" if line.variant_name else "")


def refund_of_ledger_key(*, payment: Payment, key: str) -> Refund | None:
    """The refund row a refund ledger entry records (None for one made outside the shop)."""
    refund_id = (
        PaymentEvent.objects.filter(payment=payment, idempotency_key=key)
        .values_list("refund_id", flat=True)
        .first()
    )
    return (
        Refund.objects.select_related("payment").filter(pk=refund_id).first() if refund_id else None
    )
