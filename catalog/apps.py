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

        invalidation.connect()
        listing = ["q", "min_price", "max_price", "in_stock", "sort", "attr", "page"]
        pagecache.register_page("catalog:home")
        pagecache.register_page("catalog:product_list", params=listing)
        pagecache.register_page("catalog:category", params=listing)
        pagecache.register_page("catalog:product", params=["variant"])
        pagecache.register_page("catalog:suggest", params=["q"])
