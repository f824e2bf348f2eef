"""The links a back-in-stock message carries: the guest's confirmation, the signed opt-out (no
login) and the product page, each in the shopper's language."""

from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from catalog.models import Variant
from crm.models import StockAlert

STOP_SALT = "crm.back_in_stock.stop"


def confirm_url(alert: StockAlert) -> str:
    with translation.override(alert.language or settings.LANGUAGE_CODE):
        path = reverse("crm:stock_alert_confirm", args=[alert.pk, alert.token])
    return f"{settings.SITE_URL}{path}"


def stop_token(email: str) -> str:
    return signing.dumps({"e": email}, salt=STOP_SALT, compress=True)


def stop_email(token: str) -> str:
    """The address an opt-out token names; BadSignature (or KeyError) if it is not ours."""
    return str(signing.loads(token, salt=STOP_SALT)["e"])


def stop_url(*, email: str, language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse("crm:stock_alert_stop", args=[stop_token(email)])
    return f"{settings.SITE_URL}{path}"


def product_url(*, variant: Variant, language: str) -> str:
    """The product page in the language, on the variant asked about."""
    with translation.override(language or settings.LANGUAGE_CODE):
        path = variant.product.get_absolute_url()
    return f"{settings.SITE_URL}{path}?variant={quote(variant.sku)}"


def product_name(*, variant: Variant, language: str) -> str:
    """'Desk Lamp (Red / Large)' in the language; the options are read once per variant."""
    with translation.override(language or settings.LANGUAGE_CODE):
        options = " / ".join(str(value.value) for value in variant.attribute_values.all())
        name = str(variant.product.name)
    return f"{name} ({options})" if options else name
