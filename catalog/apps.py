from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from shop.demo import register_seeder

        from .demo import seed_catalog_demo

        register_seeder("catalog", seed_catalog_demo)
