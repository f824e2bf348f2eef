"""Back in stock's pages: the answer to the product page's form (the cached page shows no
per-person state, so the answer is its own page), the guest's confirmation and the opt-out."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orders.views.limits import visitor_limits
from shop.ratelimit import attempt_count, attempts_exhausted

from . import links, services
from .exceptions import StockAlertLinkInvalid, StockAlertRefused
from .forms import StockAlertForm

ANSWER = "crm/back_in_stock/answer.html"


@require_POST
def stock_alert_ask(request: HttpRequest) -> HttpResponse:
    limits = visitor_limits(
        request, "stock-alert", settings.JOURNEY_BACK_IN_STOCK_REQUESTS_PER_HOUR
    )
    if attempts_exhausted(limits):
        error = _("Too many requests. Please wait an hour and try again.")
        return render(request, ANSWER, {"error": error}, status=429)
    attempt_count(limits, window_seconds=3600)
    user = request.user if request.user.is_authenticated else None
    form = StockAlertForm(request.POST, signed_in=user is not None)
    if not form.is_valid():
        error, status = form.problem()
        return render(request, ANSWER, {"error": error}, status=status)
    try:
        asked = services.stock_alert_request(
            variant_id=form.cleaned_data["variant"],
            user=user,
            email=form.cleaned_data["email"],
            language=(get_language() or settings.LANGUAGE_CODE).split("-")[0],
        )
    except StockAlertRefused as refused:
        context = {"error": str(refused), "product": refused.product}
        return render(request, ANSWER, context, status=refused.status)
    return render(
        request,
        ANSWER,
        {"asked": asked, "product": asked.alert.variant.product, "email": asked.alert.email},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def stock_alert_confirm(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """A GET (the link, or a mail scanner following it) only asks; the button's POST confirms."""
    template = "crm/back_in_stock/confirm.html"
    try:
        if request.method == "POST":
            alert = services.stock_alert_confirm(alert_id=pk, token=token)
            return render(request, template, {"alert": alert, "done": True})
        alert = services.stock_alert_find(alert_id=pk, token=token)
    except StockAlertLinkInvalid as invalid:
        return render(request, template, {"invalid": str(invalid)}, status=404)
    return render(request, template, {"alert": alert, "done": bool(alert.confirmed_at)})


@require_http_methods(["GET", "HEAD", "POST"])
def stock_alert_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The opt-out link in every back-in-stock email: no login; the button cancels."""
    template = "crm/back_in_stock/stop.html"
    try:
        email = links.stop_email(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(request, template, {"invalid": True}, status=404)
    if request.method != "POST":
        return render(request, template, {"email": email})
    cancelled = services.stock_alerts_cancel(email=email)
    return render(request, template, {"email": email, "done": True, "cancelled": cancelled})
