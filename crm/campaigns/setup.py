"""Registers the campaigns' message kind (called from `CrmConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

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
                "stored_subject": _("The winter sale is on"),
                "stored_body": _(
                    "Hello Ayşe,\n\nThe winter sale is on: 10 percent off with KIS10."
                ),
                "stored_sms": _("The winter sale is on: 10 percent off with KIS10."),
                "action_url": "https://dukkan.example/go/1-1.sample/",
                "action_label": _("Visit the shop"),
            },
        )
    )
