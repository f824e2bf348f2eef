"""The cookie choice (banner and settings page) and the tracking beacon's endpoint."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shop.ratelimit import attempt_count, attempts_exhausted

from . import services
from .cookies import CookieChoices, choices_store, cookie_choices, raw_visitor_id, visitor_id
from .forms import CookieChoiceForm, TrackEventForm

RATE_WINDOW_SECONDS = 60


def _safe_next(request: HttpRequest, target: str) -> str:
    """`target` when it is a path on this site, else the cookie settings page (never another
    site: no open redirect)."""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("crm:cookie_settings")


@require_http_methods(["GET", "HEAD", "POST"])
def cookie_settings(request: HttpRequest) -> HttpResponse:
    """The page where the choice is made or changed at any time; the banner posts here too."""
    if request.method != "POST":
        return render(
            request,
            "crm/tracking/cookie_settings.html",
            {"choices": cookie_choices(request), "next": request.get_full_path()},
        )
    form = CookieChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose which cookies we may use."))
        return redirect("crm:cookie_settings")
    analytics, marketing = form.chosen()
    choices = CookieChoices(decided=True, analytics=analytics, marketing=marketing)
    if not analytics:
        user = request.user if request.user.is_authenticated else None
        services.tracking_forget(
            visitor_id=raw_visitor_id(request), user_id=user.pk if user else None
        )
    messages.success(request, _("Your cookie choices are saved."))
    response = redirect(_safe_next(request, form.cleaned_data["next"]))
    choices_store(request, response, choices)
    return response


@require_POST
def track_event(request: HttpRequest) -> HttpResponse:
    """One event from track.js (sendBeacon, form data with the CSRF token): a compact row only
    with analytics consent and a visitor id; 204 whatever the browser can do nothing about."""
    visitor = visitor_id(request)  # "" without analytics consent
    if not visitor:
        return HttpResponse(status=204)
    limit = [(f"track:{visitor}", settings.TRACKING_EVENTS_PER_MINUTE)]
    if attempts_exhausted(limit):
        return HttpResponse(status=429)
    attempt_count(limit, window_seconds=RATE_WINDOW_SECONDS)
    form = TrackEventForm(request.POST, host=request.get_host())
    if not form.is_valid():
        return HttpResponseBadRequest()
    data = form.cleaned_data
    services.tracking_event_record(
        visitor_id=visitor,
        user_id=request.user.pk if request.user.is_authenticated else None,
        kind=data["kind"],
        path=data["path"],
        referrer=data["referrer"],
        product_id=data["product"],
        query=data["query"],
        results=data["results"],
        step=data["step"],
    )
    return HttpResponse(status=204)
