"""Builders for the fulfilment tests: a simulated carrier, a packed order, a paid digital order."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from catalog.models import DigitalFile
from orders import services
from orders.carriers import sign_body
from orders.carriers import webhook_body as carrier_webhook_body
from orders.models import Carrier, Order, ShippingMethod
from payments.interface import Outcome, ProviderResult
from payments.services import Operation, payment_record
from tests.factories import ProductFactory, VariantFactory

from .helpers import cart_with, place, shipping_setup, stocked_variant

SECRET = "carrier-secret"


def simulated_carrier(**fields: object) -> Carrier:
    values = {
        "name": "Simüle Kargo",
        "adapter": "simulated",
        "webhook_secret": SECRET,
        "tracking_url_template": "https://kargo.example/t/{number}",
    }
    return Carrier.objects.create(**{**values, **fields})


def packed_order(*items: tuple[object, int], user=None, **overrides: object) -> Order:
    """A cash-on-delivery order (cash due: shippable), prepared and packed."""
    if not items:
        items = ((stocked_variant(), 2),)
    if not ShippingMethod.objects.exists():
        shipping_setup()
    order = place(cart_with(*items, user=user), **overrides)
    services.checkout_payment_start(order=order)
    for step in ("preparing", "packed"):
        services.order_step(order=order, to=step)
    return Order.objects.get(pk=order.pk)


def digital_variant(*, title: str = "Şiir kitabı (PDF)", content: bytes = b"%PDF-1.4 poems"):
    product = ProductFactory(kind="digital")
    variant = VariantFactory(product=product, price=Decimal("50.00"), on_hand=0)
    digital = DigitalFile(product=product, title=title)
    digital.file.save("siirler.pdf", ContentFile(content), save=True)
    return variant


def pay(order: Order) -> Order:
    """The order's card attempt is captured, as the provider would report it."""
    payment = order.payments.order_by("-pk").first()
    payment_record(
        payment_id=payment.pk,
        result=ProviderResult(
            Outcome.CAPTURED,
            payment.amount,
            currency=payment.currency,
            reference=f"ch_{payment.pk}",
        ),
        operation=Operation.CAPTURE,
        operation_key=f"test-capture-{payment.pk}",
    )
    return Order.objects.get(pk=order.pk)


def webhook_body(*events: dict, sent_at: int | None = None) -> bytes:
    return carrier_webhook_body(events=list(events), sent_at=sent_at)


def signed_post(client, carrier: Carrier, body: bytes, *, secret: str = SECRET):
    return client.post(
        f"/carriers/{carrier.pk}/webhook/",
        data=body,
        content_type="application/json",
        headers={"X-Dukkan-Signature": sign_body(secret=secret, body=body)},
    )


def event(number: str, event_id: str, status: str, at=None, description: str = "") -> dict:
    return {
        "id": event_id,
        "tracking_number": number,
        "status": status,
        "time": (at or timezone.now()).isoformat(),
        "description": description,
    }
