"""CRM reactions to what happens below it: a new account gets its welcome message."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest

from crm.notifications.services import notification_send
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
