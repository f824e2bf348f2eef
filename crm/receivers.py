"""CRM reactions to what happens below it: a new account gets its welcome message; a variant back
in stock tells the shoppers waiting for it."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest

from catalog.signals import variant_back_in_stock
from crm.models import StockAlert
from crm.notifications.services import notification_send
from shop.background import enqueue
from shop.models import User


@receiver(user_signed_up, dispatch_uid="crm.welcome_on_sign_up")
def send_welcome(request: HttpRequest, user: User, **kwargs: object) -> None:
    notification_send(
        to=user,
        kind="welcome",
        context={"first_name": user.first_name},
        subject=("user", user.pk),
        dedupe_key=f"welcome:{user.pk}",
    )


@receiver(variant_back_in_stock, dispatch_uid="crm.back_in_stock_on_restock")
def tell_waiting_shoppers(sender: type, variant_id: int, **kwargs: object) -> None:
    """Sent after the restock committed: queue the journey's task if anyone is waiting."""
    if StockAlert.objects.waiting().filter(variant_id=variant_id).exists():
        enqueue("crm.journey_back_in_stock", variant_id=variant_id, restocked=True)
