"""What invalidates the shipping estimates kept per worker: any change to a carrier, region,
method or rate (the admin saves them one by one, so model signals see every change)."""

from django.db.models.signals import post_delete, post_save

from shop import pagecache

from .models import Carrier, ShippingMethod, ShippingRate, ShippingRegion
from .selectors import SHIPPING_VERSION


def _shipping_changed(sender: type, **kwargs: object) -> None:
    pagecache.bump(SHIPPING_VERSION)


def connect() -> None:
    for model in (Carrier, ShippingRegion, ShippingMethod, ShippingRate):
        name = model.__name__
        post_save.connect(_shipping_changed, sender=model, dispatch_uid=f"shipping-{name}")
        post_delete.connect(_shipping_changed, sender=model, dispatch_uid=f"shipping-d{name}")
