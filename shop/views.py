"""Pages the shop package serves itself: profile, language switch, health, legal, errors."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import services
from .forms import ProfileForm
from .health import DOWN, health_info, health_report

LEGAL_PAGES = {
    "terms": _lazy("Terms of use"),
    "privacy": _lazy("Privacy notice (KVKK)"),
    "distance-sales": _lazy("Distance sales contract"),
    "returns": _lazy("Returns and withdrawal"),
    "cookies": _lazy("Cookie policy"),
}


def seller_details() -> dict[str, str]:
    """The seller as the legal pages name it (SELLER_* settings)."""
    return {
        "name": settings.SELLER_NAME,
        "address": settings.SELLER_ADDRESS,
        "mersis": settings.SELLER_MERSIS,
        "tax_office": settings.SELLER_TAX_OFFICE,
        "tax_number": settings.SELLER_TAX_NUMBER,
        "email": settings.SELLER_EMAIL,
        "phone": settings.SELLER_PHONE,
        "kep": settings.SELLER_KEP_ADDRESS,
    }


def legal(request: HttpRequest, page: str) -> HttpResponse:
    """One of the footer's legal pages, written per language in templates/shop/legal/<lang>/.

    Turkish is the binding text, English a courtesy translation; both carry the version of
    LEGAL_DOCUMENTS_VERSION and, until LEGAL_TEXTS_REVIEWED, say they await legal review.
    """
    if page not in LEGAL_PAGES:
        raise Http404
    language = translation.get_language()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    context = {
        "page": page,
        "page_title": LEGAL_PAGES[page],
        "text_template": f"shop/legal/{language}/{page}.html",
        "legal_pages": LEGAL_PAGES,
        "seller": seller_details(),
        "version": settings.LEGAL_DOCUMENTS_VERSION,
        "reviewed": settings.LEGAL_TEXTS_REVIEWED,
        "withdrawal_days": settings.WITHDRAWAL_DAYS,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "tracking_days": settings.TRACKING_RAW_DAYS,
        "cookies": {
            "session": settings.SESSION_COOKIE_NAME,
            "csrf": settings.CSRF_COOKIE_NAME,
            "language": settings.LANGUAGE_COOKIE_NAME,
            "language_days": settings.LANGUAGE_COOKIE_AGE // 86400,
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
        },
    }
    return render(request, "shop/legal.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("shop:profile")
    return render(request, "shop/profile.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: go to the same page in the other language and remember the choice.

    Django's own view cannot translate a URL prefixed with a language other than the one
    active, so the page's own language is activated before translating it.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if language not in dict(settings.LANGUAGES):
        return redirect(next_url)
    page_language = translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
    with translation.override(page_language):
        next_url = translate_url(next_url, language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the admin, PDFs)."""
    response = redirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    status = 503 if DOWN in report.values() else 200
    body = {"status": "ok" if status == 200 else "degraded", **report, **health_info()}
    return JsonResponse(body, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's ceiling: a short answer through the full middleware stack (bench/)."""
    return HttpResponse(b"ok", content_type="text/plain")
