from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the shop's deploy checks)
            visitor,
        )
        from .text import install_turkish_capfirst

        visitor.register()
        install_turkish_capfirst()
