"""The customer's own payment pages: "My wallet" (saved cards), the balance and "My tab".

Thin: read the request, call one service, turn a domain error into a message, redirect. Only
the pages that collect a card ask Stripe for anything (a SetupIntent); the lists are local rows.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.exceptions import ShopError
from shop.money import format_money

from . import selectors, services
from .methods.card.card_form import wallet_card_setup
from .methods.stored_value.services import parse_top_up_amount, top_up_limits
from .models import Payment, PaymentPurpose
from .states import ACCEPTED, PaymentStatus


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    cards = list(selectors.saved_cards_of(user=request.user))
    return render(
        request,
        "payments/wallet.html",
        {"cards": cards, "balance": services.balance_of(user_id=request.user.pk)},
    )


@login_required
def wallet_add(request: HttpRequest) -> HttpResponse:
    """Save a card: Stripe.js confirms a SetupIntent in the browser; we keep brand and last 4."""
    if request.method == "POST":
        try:
            card = services.saved_card_add(
                user=request.user, setup_intent_id=request.POST.get("setup_intent", "")
            )
        except ShopError as error:
            messages.error(request, str(error))
            return redirect("wallet:add")
        messages.success(request, _("Your card ending %(last4)s is saved.") % {"last4": card.last4})
        return redirect("wallet:cards")
    return _card_page(request, title=_("Add a card"), button=_("Save the card"))


@login_required
@require_POST
def wallet_default(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.saved_card_make_default(user=request.user, card_id=pk)
    except ShopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your default card has been changed."))
    return redirect("wallet:cards")


@login_required
@require_POST
def wallet_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.saved_card_remove(user=request.user, card_id=pk)
    except ShopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The card has been removed."))
    return redirect("wallet:cards")


@login_required
def points(request: HttpRequest) -> HttpResponse:
    """The customer's loyalty points: the balance, the next lot to expire, the tier, the last
    movements."""
    from .services.points import loyalty_tier, points_statement, points_summary, points_value

    summary = points_summary(user_id=request.user.pk)
    return render(
        request,
        "payments/points.html",
        {
            "summary": summary,
            "worth": points_value(summary.balance),
            "tier": loyalty_tier(user_id=request.user.pk),
            "entries": points_statement(user_id=request.user.pk)[:50],
            "least": settings.LOYALTY_REDEEM_MIN_POINTS,
        },
    )


@login_required
def balance(request: HttpRequest) -> HttpResponse:
    """The balance, its statement, and a top-up in a fixed or a custom amount."""
    error = ""
    if request.method == "POST":
        try:
            amount = parse_top_up_amount(request.POST.get("amount", ""))
            payment = services.balance_top_up_create(user=request.user, amount=amount)
        except ShopError as problem:
            error = str(problem)
        else:
            return redirect("wallet:top_up_pay", pk=payment.pk)
    statement = selectors.balance_statement(user=request.user)
    low, high = top_up_limits()
    return render(
        request,
        "payments/balance.html",
        {
            "statement": statement,
            "amounts": settings.BALANCE_TOP_UP_AMOUNTS,
            "low": low,
            "high": high,
            "error": error,
            "typed": request.POST.get("amount", ""),
        },
        status=400 if error else 200,
    )


def _own_top_up(request: HttpRequest, pk: int) -> Payment:
    payment = Payment.objects.filter(
        pk=pk, purpose=PaymentPurpose.TOP_UP, user=request.user
    ).first()
    if payment is None:
        raise Http404
    return payment


@login_required
def top_up_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay a top-up by card: a new card, or a saved one; 3-D Secure is finished here."""
    payment = _own_top_up(request, pk)
    if payment.status in ACCEPTED:
        messages.success(request, _("Your balance has been topped up."))
        return redirect("wallet:balance")
    if request.method == "POST":
        try:
            payment = _pay_top_up(request, payment)
        except ShopError as error:
            messages.error(request, str(error))
            return redirect("wallet:top_up_pay", pk=pk)
        if payment.status == PaymentStatus.PAID:
            messages.success(request, _("Your balance has been topped up."))
            return redirect("wallet:balance")
        if payment.status == PaymentStatus.FAILED:
            messages.error(request, services.payment_problem(payment=payment))
            return redirect("wallet:balance")
        return redirect("wallet:top_up_pay", pk=pk)
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        secret = services.card_action_secret(payment=payment)
        return render(request, "payments/card_action.html", {"secret": secret, "payment": payment})
    if payment.status != PaymentStatus.UNPAID or payment.started_at is not None:
        return redirect("wallet:balance")
    cards = [c for c in selectors.saved_cards_of(user=request.user) if not c.expired()]
    return _card_page(
        request,
        title=_("Top up your balance"),
        button=_("Pay %(amount)s") % {"amount": format_money(payment.amount, payment.currency)},
        payment=payment,
        cards=cards,
    )


def _pay_top_up(request: HttpRequest, payment: Payment) -> Payment:
    action = request.POST.get("action", "")
    if action == "check":
        return services.payment_refresh(payment=payment)
    customer = services.card_customer_for(user=request.user)
    if action == "saved":
        card = selectors.saved_card_of(user=request.user, pk=request.POST.get("card", ""))
        if card is None or card.expired():
            raise services.BalanceError(_("This card is no longer in your wallet or has expired."))
        return services.payment_start(
            payment=payment,
            details={"payment_method": card.payment_method_id, "customer": customer},
        )
    return services.card_pay(
        payment=payment,
        setup_intent_id=request.POST.get("setup_intent", ""),
        customer_id=customer,
    )


@login_required
def tab(request: HttpRequest) -> HttpResponse:
    """The open tab and its items, and the tabs paid before."""
    return render(request, "payments/tab.html", selectors.tab_page(user=request.user))


@login_required
def tab_pay(request: HttpRequest) -> HttpResponse:
    """Pay a declined tab now with another card; 3-D Secure, when the bank asks, is done here."""
    current = services.tab_current(user_id=request.user.pk)
    if current is None:
        return redirect("wallet:tab")
    try:
        if request.method == "POST" and request.POST.get("action") == "check":
            return _tab_outcome(request, services.tab_settlement_check(user=request.user))
        if current.status == current.Status.SETTLING:
            settlement = services.tab_settlement_of(tab_id=current.pk)
            if settlement is None or settlement.status != PaymentStatus.REQUIRES_ACTION:
                return redirect("wallet:tab")
            secret = services.card_action_secret(payment=settlement)
            return render(
                request, "payments/card_action.html", {"secret": secret, "payment": settlement}
            )
        if request.method == "POST":
            settlement = services.tab_pay_with_card(
                user=request.user, setup_intent_id=request.POST.get("setup_intent", "")
            )
            return _tab_outcome(request, settlement)
    except ShopError as error:
        messages.error(request, str(error))
        # Back to the card form; while the bank's step is pending, to "My tab" (no loop).
        settling = current.status == current.Status.SETTLING
        return redirect("wallet:tab" if settling else "wallet:tab_pay")
    return _card_page(
        request,
        title=_("Pay your tab"),
        button=_("Pay %(amount)s")
        % {"amount": format_money(services.tab_total(tab=current), current.currency)},
    )


def _tab_outcome(request: HttpRequest, settlement: Payment | None) -> HttpResponse:
    if settlement is not None and settlement.status == PaymentStatus.REQUIRES_ACTION:
        return redirect("wallet:tab_pay")  # the bank asks for 3-D Secure: the page shows it
    if settlement is not None and settlement.status == PaymentStatus.PAID:
        messages.success(request, _("Thank you: your tab is paid."))
    elif settlement is not None and settlement.status == PaymentStatus.FAILED:
        messages.error(request, services.payment_problem(payment=settlement))
    elif settlement is not None and settlement.status == PaymentStatus.UNPAID:
        # Stripe did not answer in time: the charge may have gone through; we look it up.
        messages.warning(
            request,
            _(
                "We have not heard back from the card payment yet. We are checking it; please "
                "do not pay again."
            ),
        )
    return redirect("wallet:tab")


def _card_page(request: HttpRequest, *, title: str, button: str, **extra: object) -> HttpResponse:
    try:
        # Kept per account and used again: opening the page makes no new SetupIntent.
        setup, error = wallet_card_setup(user=request.user), ""
    except ShopError as problem:
        setup, error = None, str(problem)
    return render(
        request,
        "payments/card_form.html",
        {"title": title, "button": button, "setup": setup, "error": error, **extra},
    )
