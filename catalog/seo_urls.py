"""sitemap.xml and robots.txt, outside the language prefix (shop/urls.py includes them)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .seo import SITEMAPS, robots_txt

urlpatterns = [
    # Both languages in one sitemap, each URL with its hreflang alternates.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
