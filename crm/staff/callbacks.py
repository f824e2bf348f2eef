"""The callback queue: requests from the site, taken by one agent, closed with an outcome."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Callback, Conversation, Interaction
from orders.models import Order
from shop.models import User
from shop.phones import normalize_phone

from .exceptions import CallbackRefused
from .interactions import interaction_log

LATEST_WINDOW_START = timedelta(days=30)
SHORTEST_WINDOW = timedelta(minutes=15)
# Outcomes after which the customer was not reached: the callback failed.
NOT_REACHED = {Interaction.Outcome.NO_ANSWER, Interaction.Outcome.WRONG_NUMBER}


def callback_request(
    *,
    name: str,
    phone: str,
    window_start: datetime,
    window_end: datetime,
    topic: str,
    order_number: str = "",
    user: User | None = None,
    language: str = "",
    conversation: Conversation | None = None,
) -> Callback:
    """Queue a request to be called back; refused (nothing saved) with a clear reason.
    `conversation`: the requester's own chat it came from (the view has checked it is theirs)."""
    now = timezone.now()
    if not name.strip():
        raise CallbackRefused(_("Tell us your name."))
    try:
        e164 = normalize_phone(phone)
    except ValidationError as error:
        raise CallbackRefused(error.messages[0]) from None
    if topic not in Callback.Topic.values:
        raise CallbackRefused(_("Choose what the call is about."))
    if window_end <= now:
        raise CallbackRefused(_("That time has already passed: choose a time in the future."))
    if window_end <= window_start:
        raise CallbackRefused(_("The end of the time window must be after its start."))
    if window_end - window_start < SHORTEST_WINDOW:
        raise CallbackRefused(_("Give us a window of at least 15 minutes."))
    if window_start > now + LATEST_WINDOW_START:
        raise CallbackRefused(_("Choose a time within the next 30 days."))
    window_start = max(window_start, now)
    order_number = order_number.strip().upper()[:20]
    if not order_number and conversation is not None and conversation.order_id is not None:
        order_number = conversation.order.number
    order = _own_order(order_number, user=user, phone=e164) if order_number else None
    return Callback.objects.create(
        customer=user if user is not None and user.is_authenticated else None,
        name=name.strip()[:150],
        phone=e164,
        language=language or (user.language if user is not None else "") or "tr",
        topic=topic,
        order_number=order_number,
        order=order,
        window_start=window_start,
        window_end=window_end,
        due_at=window_start,
        conversation=conversation,
    )


def _own_order(number: str, *, user: User | None, phone: str) -> Order | None:
    """The order named, only when it is the requester's (their account or their phone)."""
    order = Order.objects.filter(number=number).only("pk", "user_id", "phone").first()
    if order is None:
        return None
    if user is not None and user.is_authenticated and order.user_id == user.pk:
        return order
    return order if order.phone == phone else None


def callback_take(*, callback_id: int, agent: User) -> Callback:
    """One agent takes an open callback; a second agent gets a clear refusal (row lock)."""
    with transaction.atomic():
        # No select_related: a join read before the lock was granted would miss the winner.
        callback = Callback.objects.select_for_update().get(pk=callback_id)
        if callback.status != Callback.Status.OPEN:
            taker = ""
            if callback.taken_by is not None:
                taker = callback.taken_by.get_full_name() or callback.taken_by.email
            raise CallbackRefused(
                _("This callback was already taken by %(agent)s.") % {"agent": taker}
                if callback.status == Callback.Status.TAKEN
                else _("This callback is already closed.")
            )
        callback.status = Callback.Status.TAKEN
        callback.taken_by = agent
        callback.taken_at = timezone.now()
        callback.save(update_fields=["status", "taken_by", "taken_at"])
    return callback


def callback_release(*, callback_id: int, agent: User) -> Callback:
    """Put a taken callback back in the queue (its taker, or anyone with change permission)."""
    with transaction.atomic():
        callback = Callback.objects.select_for_update().get(pk=callback_id)
        if callback.status != Callback.Status.TAKEN:
            raise CallbackRefused(_("Only a taken callback can go back to the queue."))
        callback.status = Callback.Status.OPEN
        callback.taken_by = None
        callback.taken_at = None
        callback.save(update_fields=["status", "taken_by", "taken_at"])
    return callback


def callback_close(
    *, callback_id: int, agent: User, outcome: str, summary: str, recording_ref: str = ""
) -> Callback:
    """The taker logs the call's outcome (an Interaction); done, or failed if not reached."""
    with transaction.atomic():
        callback = Callback.objects.select_for_update().get(pk=callback_id)
        if callback.status != Callback.Status.TAKEN:
            raise CallbackRefused(_("Take the callback before logging its outcome."))
        if callback.taken_by_id != agent.pk:
            raise CallbackRefused(_("Another agent has taken this callback."))
        interaction = interaction_log(
            agent=agent,
            channel=Interaction.Channel.PHONE,
            direction=Interaction.Direction.OUTBOUND,
            summary=summary,
            outcome=outcome,
            customer=callback.customer,
            contact_phone=callback.phone,
            order=callback.order,
            recording_ref=recording_ref,
            subject=("callback", callback.pk),
        )
        callback.status = Callback.Status.FAILED if outcome in NOT_REACHED else Callback.Status.DONE
        callback.interaction = interaction
        callback.closed_at = timezone.now()
        callback.save(update_fields=["status", "interaction", "closed_at"])
    return callback


def callbacks_queue() -> QuerySet[Callback]:
    """Open and taken callbacks, soonest due first (index crm_callback_queue_idx)."""
    return Callback.objects.filter(
        status__in=[Callback.Status.OPEN, Callback.Status.TAKEN]
    ).order_by("due_at", "pk")
