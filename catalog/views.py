"""Catalog pages: home, listings and the product page. Thin: parse, select, render."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from . import selectors, thumbnails
from .forms import ListingFilterForm
from .models import Category

PAGE_SIZE = 24


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/home.html",
        {
            "featured_categories": selectors.featured_categories(),
            "new_arrivals": selectors.new_arrivals(),
            "on_sale": selectors.on_sale_products(),
        },
    )


def _listing(request: HttpRequest, category: Category | None) -> HttpResponse:
    form = ListingFilterForm(request.GET)
    filters = form.filters()
    products = selectors.product_listing(category=category, filters=filters)
    # get_page turns "9999" or "abc" into the nearest real page instead of an error.
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    suggestion = ""
    if filters.q and not page.paginator.count:
        # Nothing matched exactly: show close matches (typos) and offer the corrected words.
        close = selectors.product_close_matches(category=category, filters=filters)
        page = Paginator(close, PAGE_SIZE).get_page(request.GET.get("page"))
        suggestion = selectors.did_you_mean(q=filters.q, products=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    template = "catalog/_grid.html" if request.htmx else "catalog/product_list.html"
    return render(
        request,
        template,
        {
            "category": category,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": filters.q,
            "suggestion": suggestion,
        },
    )


def product_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, None)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = selectors.category_by_slug(slug)
    if category is None:
        target = selectors.redirect_target(slug=slug, kind="category")
        if target is None:
            raise Http404
        return HttpResponsePermanentRedirect(target.get_absolute_url())
    return _listing(request, category)


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_by_slug(slug)
    if product is None:
        target = selectors.redirect_target(slug=slug, kind="product")
        if target is None or target.status != "active":
            raise Http404
        return HttpResponsePermanentRedirect(target.get_absolute_url())
    for image in product.images.all():
        image.page = thumbnails.image_rendition(image, "page")  # stored after the first view
    variants = list(product.variants.all())
    if not variants:
        raise Http404
    chosen = next((v for v in variants if v.sku == request.GET.get("variant")), variants[0])
    reference = selectors.reference_price(variant=chosen)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "variants": variants,
            "variant": chosen,
            "reference_price": reference,
            "related": selectors.related_products(product=product),
            "breadcrumbs": product.category.trail(),
        },
    )
