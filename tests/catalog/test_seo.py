"""What search engines read: JSON-LD, canonical and hreflang links, sitemap.xml, robots.txt."""

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import Client

from catalog.models import Product
from tests.factories import listed_product

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _product(**fields) -> Product:
    return listed_product(variants=[{"price": Decimal("149.90"), "on_hand": 3}], **fields)


def _json_ld(html: str) -> dict:
    blocks = [json.loads(body) for body in JSON_LD.findall(html)]
    return {block["@type"]: block for block in blocks}


def test_every_product_page_carries_json_ld_with_price_currency_and_availability(client):
    product = _product(name_en='Lamp </script><script>alert(1)</script> "Deluxe"')
    Product.objects.filter(pk=product.pk).update(rating_average=Decimal("4.50"), rating_count=2)
    html = client.get(f"/en/p/{product.slug_en}/").text
    data = _json_ld(html)
    offer = data["Product"]["offers"][0]
    assert (offer["price"], offer["priceCurrency"]) == ("149.90", "TRY")
    assert offer["availability"] == "https://schema.org/InStock"
    assert data["Product"]["name"] == product.name_en  # parsed back intact, not broken out of
    assert data["Product"]["aggregateRating"]["ratingValue"] == "4.50"
    assert data["Product"]["aggregateRating"]["reviewCount"] == 2
    assert data["BreadcrumbList"]["itemListElement"][-1]["name"] == product.name_en
    assert "<script>alert(1)" not in html


def test_json_ld_needs_no_nonce_so_cached_pages_hold_none(client):
    product = _product()
    variant = product.variants.get()
    variant.on_hand = 0
    variant.save()
    html = client.get(f"/en/p/{product.slug_en}/").text
    tags = re.findall(r"<script[^>]*application/ld\+json[^>]*>", html)
    assert tags and all("nonce" not in tag for tag in tags)
    assert _json_ld(html)["Product"]["offers"][0]["availability"].endswith("OutOfStock")


@pytest.mark.pagecache
def test_a_cached_product_page_keeps_its_json_ld_and_no_nonce():
    product = _product()
    Client().get(f"/en/p/{product.slug_en}/")
    cached = Client().get(f"/en/p/{product.slug_en}/")
    assert cached["X-Page-Cache"] == "hit"
    assert "nonce" not in cached.text
    assert _json_ld(cached.text)["Product"]["offers"][0]["price"] == "149.90"


def test_pages_name_their_canonical_url_and_their_other_language(client, settings):
    product = _product(slug_tr="kirmizi-lamba", slug_en="red-lamp")
    html = client.get("/en/p/red-lamp/?variant=SKU-X").text
    site = settings.SITE_URL
    assert f'<link rel="canonical" href="{site}/en/p/red-lamp/">' in html
    assert f'hreflang="tr" href="{site}/p/kirmizi-lamba/"' in html
    assert f'hreflang="en" href="{site}/en/p/red-lamp/"' in html
    assert f'hreflang="x-default" href="{site}/p/kirmizi-lamba/"' in html
    listing = client.get("/products/?sort=price_asc&min_price=10&page=1").text
    assert f'<link rel="canonical" href="{site}/products/">' in listing
    category = client.get(f"/en/c/{product.category.slug_en}/?in_stock=on").text
    assert f'<link rel="canonical" href="{site}/en/c/{product.category.slug_en}/">' in category
    assert 'name="robots" content="noindex' in client.get("/en/products/?q=lamp").text


def test_the_sitemap_lists_every_active_product_in_both_languages(client):
    products = [_product() for _ in range(3)]
    draft = _product(status="draft")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = {urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", ns)}
    for product in products:
        assert f"/p/{product.slug_tr}/" in paths
        assert f"/en/p/{product.slug_en}/" in paths
    assert f"/p/{draft.slug_tr}/" not in paths and f"/en/p/{draft.slug_en}/" not in paths
    assert b'hreflang="en"' in response.content


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text and "Disallow: /en/checkout/" in text
    assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", text, re.M)
