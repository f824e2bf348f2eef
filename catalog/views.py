"""Catalog pages: home, listings and the product page. Thin: parse, select, render."""

from functools import cache, partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from shop import pagecache

from . import (
    delivery,
    kept,
    purchases,
    recommendations,
    search,
    selectors,
    seo,
    services,
    thumbnails,
)
from .exceptions import ReviewError
from .forms import ListingFilterForm, ReviewForm, SuggestForm
from .models import Category
from .questions.selectors import published_questions
from .selectors import ListingFilters

PAGE_SIZE = 24


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/home.html",
        {
            "seo": seo.page_links(request=request, url_name="catalog:home"),
            "featured_categories": kept.featured_categories(),
            "new_arrivals": kept.new_arrivals(),
            "on_sale": kept.on_sale_products(),
        },
    )


def _listing(request: HttpRequest, category: Category | None) -> HttpResponse:
    form = ListingFilterForm(request.GET)
    filters = form.filters()
    products = kept.kept_listing(category=category, filters=filters)
    # get_page turns "9999" or "abc" into the nearest real page instead of an error.
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    suggestion = ""
    if filters.q and not page.paginator.count:
        # Nothing matched exactly: show close matches (typos) and offer the corrected words.
        close = kept.kept_listing(category=category, filters=filters, close_matches=True)
        page = Paginator(close, PAGE_SIZE).get_page(request.GET.get("page"))
        suggestion = selectors.did_you_mean(q=filters.q, products=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    template = "catalog/_grid.html" if request.htmx else "catalog/product_list.html"
    response = render(
        request,
        template,
        {
            "category": category,
            "breadcrumbs": kept.category_trail(category) if category else [],
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": filters.q,
            "suggestion": suggestion,
            "seo": seo.page_links(
                request=request,
                obj=category,
                url_name="catalog:product_list",
                page=page.number,
            ),
        },
    )
    if filters.q and not page.paginator.count:
        # Rendered for every visitor (never from the page cache), so each miss can be counted.
        patch_cache_control(response, private=True)
        only_words = filters == ListingFilters(q=filters.q, sort=filters.sort)
        by_a_person = search.by_a_person(request.headers.get("User-Agent", ""))
        if category is None and only_words and not request.htmx and by_a_person:
            services.search_miss_record(q=filters.q)
    return response


def suggest(request: HttpRequest) -> HttpResponse:
    """Products and categories for the words typed so far (an htmx fragment for the search box)."""
    q = SuggestForm(request.GET).words()
    found = kept.search_suggestions(q=q)
    return render(
        request,
        "catalog/_suggestions.html",
        {
            "products": found.products,
            "categories": found.categories,
            "total": len(found.products) + len(found.categories),
            "searched": q.strip(),
        },
    )


def product_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, None)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = kept.category_by_slug(slug)
    if category is None:
        target = selectors.redirect_target(slug=slug, kind="category")
        if target is None:
            raise Http404
        return HttpResponsePermanentRedirect(target.get_absolute_url())
    return _listing(request, category)


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = kept.product_for_page(slug)
    if product is None:
        target = selectors.redirect_target(slug=slug, kind="product")
        if target is None or target.status != "active":
            raise Http404
        return HttpResponsePermanentRedirect(target.get_absolute_url())
    # Each image with its page-size rendition (made and stored after the first view); the
    # kept product and its images are shared read-only, so nothing is written onto them.
    pictures = [
        (image, thumbnails.image_rendition(image, "page")) for image in product.images.all()
    ]
    variants = list(product.variants.all())
    if not variants:
        raise Http404
    chosen = next((v for v in variants if v.sku == request.GET.get("variant")), variants[0])
    # The page's head and body are kept per worker and page version ({% chrome %}): what only
    # they show is read when they are rendered (a template calls each of these once).
    trail = cache(partial(kept.category_trail, product.category))
    questions = cache(partial(published_questions, product=product))
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "pictures": pictures,
            "variants": variants,
            "variant": chosen,
            "page_versions": [
                pagecache.CATALOG,
                kept.product_page_version(slug),
                pagecache.DELIVERY,
            ],
            "promise": cache(delivery.delivery_promise),
            "reference_price": cache(partial(selectors.reference_price, variant=chosen)),
            "related": cache(partial(kept.related_products, product=product)),
            # Shared by every visitor: the refresh job bumps this page's version when it changes.
            "bought_together": cache(
                partial(recommendations.bought_together, product_ids=[product.pk])
            ),
            "breadcrumbs": trail,
            "reviews": cache(partial(selectors.published_reviews, product=product)),
            "questions": questions,
            "seo": cache(partial(seo.page_links, request=request, obj=product)),
            "json_ld": cache(
                lambda: seo.product_json_ld(
                    product=product, variants=variants, trail=trail(), questions=questions()
                )
            ),
            "stars": cache(partial(selectors.rating_stars, product)),
        },
    )


@login_required
def review_write(request: HttpRequest, slug: str) -> HttpResponse:
    """A buyer writes or edits their review of a product; it appears once staff approve it."""
    product = selectors.product_by_slug(slug)
    if product is None:
        raise Http404
    if not purchases.customer_bought(user_id=request.user.pk, product_id=product.pk):
        return render(request, "catalog/review_form.html", {"product": product}, status=403)
    existing = selectors.review_of(product=product, user_id=request.user.pk)
    initial = {"rating": existing.rating, "body": existing.body} if existing else {}
    # A draft offered elsewhere (a feedback comment): prefilled only, sent by the customer.
    draft = request.GET.get("draft", "").strip()[:2000]
    if draft:
        initial["body"] = draft
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                user=request.user,
                product=product,
                rating=form.cleaned_data["rating"],
                body=form.cleaned_data["body"],
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you! Your review appears once we have checked it."))
            return redirect(product.get_absolute_url())
    return render(
        request,
        "catalog/review_form.html",
        {"product": product, "form": form, "existing": existing, "may_review": True},
    )
