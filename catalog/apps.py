from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from shop.demo import register_seeder

        from .demo import seed_catalog_demo

        register_seeder("catalog", seed_catalog_demo)

        from shop import pagecache

        from . import invalidation
        from .kept import product_page_version

        invalidation.connect()

        from .questions import setup as questions

        questions.register()
        listing = ["q", "min_price", "max_price", "in_stock", "sort", "attr", "page"]
        shown = [pagecache.CATALOG]  # what every catalog page shows: the catalog's version
        pagecache.register_page("catalog:home", depends=shown)
        pagecache.register_page("catalog:product_list", params=listing, depends=shown)
        pagecache.register_page("catalog:category", params=listing, depends=shown)
        pagecache.register_page("catalog:suggest", params=["q"], depends=shown)
        # A product page also shows its stock hint, with a version of its own per language, and
        # the delivery promise.
        pagecache.register_page(
            "catalog:product",
            params=["variant"],
            depends=lambda language, kwargs: (
                pagecache.CATALOG,
                product_page_version(kwargs["slug"], language=language),
                pagecache.DELIVERY,
            ),
        )
