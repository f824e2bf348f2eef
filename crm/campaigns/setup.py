"""Registers the campaigns' message kind (called from `CrmConfig.ready`)."""

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel

from .selectors import KIND


def register() -> None:
    # The words are each campaign's own (passed to notification_send_many per language); the
    # sample is what the message previews show without a campaign.
    register_kind(
        MessageKind(
            KIND,
            Category.MARKETING,
            (Channel.EMAIL, Channel.SMS),
            sample_context={
                "first_name": "Ayşe",
                "stored_subject": "Kış indirimi başladı",
                "stored_body": "Merhaba Ayşe,\n\nKış indirimi başladı: KIS10 ile %10 indirim.",
                "stored_sms": "Dükkan: kış indirimi başladı, KIS10 ile %10 indirim.",
                "action_url": "https://dukkan.example/c/1-1.sample/",
                "action_label": "Mağazaya göz atın",
            },
        )
    )
