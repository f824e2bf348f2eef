"""Every write of the notifications app, split by subject: the outbox and consents.

Import from here: `from crm.notifications import services; services.notification_send(...)`.
"""

from shop.models import User

from ..links import UNSUBSCRIBE_SALT, unsubscribe_url
from .batch import Outgoing, notification_send_many
from .consent import (
    consent_is_given,
    consent_record_by_staff,
    consent_set,
    sms_opt_out,
    unsubscribe,
)
from .outbox import (
    Recipient,
    delivery_report_apply,
    message_claim,
    message_deliver,
    message_resend,
    messages_redact,
    messages_relay,
    next_allowed_time,
    notification_send,
)
from .push import (
    push_subscription_gone,
    push_subscription_remove,
    push_subscription_save,
    push_turn_off,
)
from .texts import kind_switch, message_text_save

__all__ = [
    "UNSUBSCRIBE_SALT",
    "Outgoing",
    "Recipient",
    "User",
    "consent_is_given",
    "consent_record_by_staff",
    "consent_set",
    "delivery_report_apply",
    "kind_switch",
    "message_claim",
    "message_deliver",
    "message_resend",
    "message_text_save",
    "messages_redact",
    "messages_relay",
    "next_allowed_time",
    "notification_send",
    "notification_send_many",
    "push_subscription_gone",
    "push_subscription_remove",
    "push_subscription_save",
    "push_turn_off",
    "sms_opt_out",
    "unsubscribe",
    "unsubscribe_url",
]
