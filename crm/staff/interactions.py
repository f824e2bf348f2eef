"""Logging contacts with customers and guest contacts."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from crm.models import Interaction
from shop.models import User
from shop.phones import normalize_phone

from .exceptions import InteractionRefused


def interaction_log(
    *,
    agent: User | None,
    channel: str,
    direction: str,
    summary: str,
    outcome: str,
    customer: User | None = None,
    contact_email: str = "",
    contact_phone: str = "",
    order: models.Model | None = None,
    recording_ref: str = "",
    subject: tuple[str, object] | None = None,
) -> Interaction:
    """Record one contact; a guest is named by email or phone; `subject` is ("complaint", 7)."""
    if channel not in Interaction.Channel.values:
        raise InteractionRefused(_("Choose a channel."))
    if direction not in Interaction.Direction.values:
        raise InteractionRefused(_("Choose inbound or outbound."))
    if outcome not in Interaction.Outcome.values:
        raise InteractionRefused(_("Choose an outcome."))
    if not summary.strip():
        raise InteractionRefused(_("Write a short summary of the contact."))
    contact_phone = contact_phone.strip()
    if contact_phone:
        try:
            contact_phone = normalize_phone(contact_phone)
        except ValidationError as error:
            raise InteractionRefused(error.messages[0]) from None
    contact_email = contact_email.strip().lower()
    if customer is None and order is not None and order.user_id:
        customer = order.user
    if customer is None and not (contact_email or contact_phone):
        raise InteractionRefused(_("Name the customer, or the guest's email or phone."))
    subject_type, subject_id = subject if subject else ("", "")
    with transaction.atomic():
        return Interaction.objects.create(
            customer=customer,
            contact_email=contact_email,
            contact_phone=contact_phone,
            channel=channel,
            direction=direction,
            agent=agent,
            summary=summary.strip(),
            outcome=outcome,
            recording_ref=recording_ref.strip()[:200],
            order=order,
            subject_type=str(subject_type)[:40],
            subject_id=str(subject_id)[:40],
        )


def interactions_of(*, customer: User, limit: int = 20) -> models.QuerySet[Interaction]:
    """A customer's latest interactions, newest first, with agent and order (one query)."""
    return Interaction.objects.filter(customer=customer).select_related("agent", "order")[:limit]
