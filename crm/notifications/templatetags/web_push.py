"""`{% web_push_public_key %}`: the VAPID public key a page's script subscribes with ("" when
browser notifications are off); no query."""

from django import template
from django.conf import settings

from ..push import push_enabled

register = template.Library()


@register.simple_tag
def web_push_public_key() -> str:
    return settings.WEB_PUSH_VAPID_PUBLIC_KEY if push_enabled() else ""
