"""What search engines read: canonical and alternate-language links, JSON-LD, the sitemap and
robots.txt. Structured data is `application/ld+json`, which the browser never executes, so it
carries no CSP nonce and cached pages stay free of per-visitor values."""

import json
from decimal import Decimal

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .models import Category, Product, ProductStatus, Variant
from .questions.selectors import PublishedQuestion, ShownAnswer

# Inside <script>, "</script>" or "<!--" in a product name must not end or change the element.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    """A site path as a full URL; a URL that is already full (media on a CDN) as it is."""
    return path if "://" in path else f"{settings.SITE_URL}{path}"


def language_links(*, obj: Product | Category | None = None, url_name: str = "") -> list:
    """(language, absolute URL) of this page in every language, for hreflang links."""
    links = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if obj is not None:
                if not getattr(obj, f"slug_{code}", ""):
                    continue
                links.append((code, absolute(obj.get_absolute_url())))
            else:
                links.append((code, absolute(reverse(url_name))))
    return links


def page_links(
    *,
    request: HttpRequest,
    obj: Product | Category | None = None,
    url_name: str = "",
    page: int = 1,
) -> dict:
    """Canonical URL (filters dropped, a page past the first kept) and the language links."""
    canonical = absolute(request.path)
    if page > 1:
        canonical += f"?page={page}"
    links = language_links(obj=obj, url_name=url_name)
    default = next((url for code, url in links if code == settings.LANGUAGE_CODE), "")
    image = getattr(obj, "card_image", None) or {}
    return {
        "canonical": canonical,
        "alternates": links,
        "x_default": default,
        "image": absolute(image["src"]) if image.get("src") else "",
    }


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)


def _answer_json(answer: ShownAnswer) -> dict:
    data = {
        "@type": "Answer",
        "text": answer.body,
        "upvoteCount": answer.helpful_yes,
        "downvoteCount": answer.helpful_no,
        "author": (
            {"@type": "Organization", "name": settings.SITE_NAME}
            if answer.by_staff
            else {"@type": "Person", "name": answer.author_name or str(_("A customer"))}
        ),
    }
    if answer.published_at:
        data["dateCreated"] = answer.published_at.isoformat()
    return data


def questions_json(questions: list[PublishedQuestion]) -> list[dict]:
    """schema.org Questions of the product's published Q&A: the shop's own answer is the
    accepted one, buyers' answers are suggested (all suggested when the shop has not answered)."""
    found = []
    for question in questions:
        accepted = next((answer for answer in question.answers if answer.by_staff), None)
        data: dict = {
            "@type": "Question",
            "name": question.body[:110],
            "text": question.body,
            "dateCreated": question.asked_at.isoformat(),
            "answerCount": len(question.answers),
        }
        if accepted is not None:
            data["acceptedAnswer"] = _answer_json(accepted)
        suggested = [_answer_json(a) for a in question.answers if a is not accepted]
        if suggested:
            data["suggestedAnswer"] = suggested
        found.append(data)
    return found


def product_json_ld(
    *,
    product: Product,
    variants: list[Variant],
    trail: list[Category],
    questions: list[PublishedQuestion] | None = None,
) -> tuple[str, str]:
    """schema.org Product (an Offer per variant at today's price, AggregateRating once reviewed,
    its published questions and answers as the Questions it is the subject of) and its
    BreadcrumbList, as the body of a `<script type="application/ld+json">`."""
    url = absolute(product.get_absolute_url())
    offers = [
        {
            "@type": "Offer",
            "sku": variant.sku,
            "price": str(variant.current_price().quantize(Decimal("0.01"))),
            "priceCurrency": settings.SHOP_CURRENCY,
            "availability": "https://schema.org/"
            + ("InStock" if product.is_digital or variant.available > 0 else "OutOfStock"),
            "url": f"{url}?variant={variant.sku}",
        }
        for variant in variants
    ]
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "sku": variants[0].sku if variants else "",
        "offers": offers,
    }
    if product.description:
        data["description"] = product.description[:5000]
    if product.card_image:
        data["image"] = absolute(product.card_image["src"])
    if product.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(product.rating_average),
            "reviewCount": product.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    if questions:
        data["subjectOf"] = questions_json(questions)
    crumbs = [(node.name, node.get_absolute_url()) for node in trail]
    crumbs.append((product.name, product.get_absolute_url()))
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(path)}
            for n, (name, path) in enumerate(crumbs, start=1)
        ],
    }
    return _json(data), _json(breadcrumbs)


class _I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return settings.SITE_URL.split("://", 1)[0]


class ProductSitemap(_I18nSitemap):
    changefreq = "daily"

    def items(self):
        return (
            Product.objects.filter(status=ProductStatus.ACTIVE)
            .only("id", "slug_tr", "slug_en", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, product: Product):
        return product.updated_at


class CategorySitemap(_I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Category.objects.filter(is_active=True)
            .only("id", "slug_tr", "slug_en")
            .order_by("path")
        )


class PageSitemap(_I18nSitemap):
    def items(self) -> list[str]:
        return ["catalog:home", "catalog:product_list"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "categories": CategorySitemap, "products": ProductSitemap}


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl the catalog; keep out of the admin, carts, checkout and accounts; find the sitemap."""
    private = [
        "admin/",
        "cart/",
        "checkout/",
        "account/",
        "orders/",
        "buy-now/",
        "products/suggest/",
    ]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for path in private for prefix in ("/", "/en/")]
    lines.append(f"Sitemap: {absolute(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
