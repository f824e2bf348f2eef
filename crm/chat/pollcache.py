"""The poll's answer "nothing new" from the cache: each chat's (customer, status, newest message)
is kept in Redis, written when the chat is saved, so the usual poll reads no database at all;
with the window's signature of the session cookie, not even the session (one Redis read).

The database stays the truth: a miss reads the one indexed row (selectors.chat_poll_state) and
fills the entry with `add`, so a poll that read the row just before a write commits cannot put
the older state back over the newer one; every entry also expires after
CHAT_POLL_CACHE_SECONDS, so a write made without `save()` (a bulk update) shows within that."""

import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from crm.models import Conversation

from .selectors import PollState, chat_poll_state

PREFIX = "chat-poll:"
# A chat's token (models.chat.new_chat_token): anything else is no chat, and no cache key.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")
SALT = "crm.chat.poll"


def poll_signature(*, token: str, session_key: str) -> str:
    """The window's proof that this browser session was shown the chat: the poll checks it
    against the session cookie, so "nothing new" needs no session read either."""
    return salted_hmac(SALT, f"{token}:{session_key}", algorithm="sha256").hexdigest()[:32]


def signature_holds(*, token: str, session_key: str, signature: str) -> bool:
    if not (session_key and signature):
        return False
    expected = poll_signature(token=token, session_key=session_key)
    return constant_time_compare(signature, expected)


def _key(token: str) -> str:
    return f"{PREFIX}{token}"


def _value(state: PollState) -> str:
    customer = "" if state.customer_id is None else str(state.customer_id)
    return f"{state.pk}|{customer}|{state.status}|{state.last_message_id}"


def _state(value: str) -> PollState:
    pk, customer, status, last = value.split("|")
    return PollState(int(pk), int(customer) if customer else None, status, int(last))


def cached_poll_state(*, token: str) -> PollState | None:
    """The chat's poll state if the cache has it (None on a miss)."""
    if not TOKEN.match(token):
        return None
    cached = cache.get(_key(token))
    return _state(cached) if cached is not None else None


def poll_state(*, token: str) -> PollState | None:
    """The chat's poll state: from the cache, else from its row (then cached)."""
    if not TOKEN.match(token):
        return None
    cached = cached_poll_state(token=token)
    if cached is not None:
        return cached
    state = chat_poll_state(token=token)
    if state is not None:
        cache.add(_key(token), _value(state), timeout=settings.CHAT_POLL_CACHE_SECONDS)
    return state


@receiver(post_save, sender=Conversation, dispatch_uid="crm.chat.poll_state_saved")
def _saved(sender: type, instance: Conversation, **kwargs: object) -> None:
    state = PollState(instance.pk, instance.customer_id, instance.status, instance.last_message_id)
    token = instance.token
    transaction.on_commit(
        lambda: cache.set(_key(token), _value(state), timeout=settings.CHAT_POLL_CACHE_SECONDS),
        robust=True,
    )


@receiver(post_delete, sender=Conversation, dispatch_uid="crm.chat.poll_state_deleted")
def _deleted(sender: type, instance: Conversation, **kwargs: object) -> None:
    token = instance.token
    transaction.on_commit(lambda: cache.delete(_key(token)), robust=True)


def poll_answer(state: PollState, response: HttpResponse) -> HttpResponse:
    """A poll's answer carries the chat's status and newest message id; never cached."""
    response["X-Chat-Status"] = state.status
    response["X-Chat-Last"] = str(state.last_message_id)
    response["Cache-Control"] = "no-store"
    return response
