"""The chats a guest started in this browser session (their tokens), shared by every chat view."""

from django.http import HttpRequest

from crm.models import Conversation
from orders.cart_session import signed_in_user

from .selectors import conversation_for_visitor

CHAT_SESSION_KEY = "chat_tokens"


def remember_chat(request: HttpRequest, token: str) -> None:
    """Let this browser session reach the chat (a guest has no account to hold it)."""
    tokens = list(request.session.get(CHAT_SESSION_KEY, []))
    if token not in tokens:
        request.session[CHAT_SESSION_KEY] = [*tokens, token][-20:]


def chat_tokens(request: HttpRequest) -> list[str]:
    return list(request.session.get(CHAT_SESSION_KEY, []))


def chat_named_in(request: HttpRequest) -> Conversation | None:
    """The chat a form names (`?chat=` or its hidden field: the assistant's "Call me back" and
    "Tell us about a problem" out of hours), only when it is this visitor's own; else None."""
    token = (request.POST.get("chat") or request.GET.get("chat") or "").strip()[:40]
    if not token:
        return None
    return conversation_for_visitor(
        token=token, user=signed_in_user(request), session_tokens=chat_tokens(request)
    )
