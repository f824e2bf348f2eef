"""Thin Celery tasks: take ids, call a service. Safe to run twice (the claim sees to it)."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=None, name="notifications.deliver_message")
def deliver_message(self, message_id: int) -> None:
    retry_in = services.message_deliver(message_id=message_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name="notifications.relay_messages")
def relay_messages() -> int:
    return services.messages_relay()


@shared_task(name="notifications.deliver_messages")
def deliver_messages(message_ids: list[int]) -> None:
    """A batch's messages one after another; one that must wait for a retry gets its own task."""
    for message_id in message_ids:
        retry_in = services.message_deliver(message_id=message_id)
        if retry_in is not None:
            deliver_message.apply_async((message_id,), countdown=retry_in)
