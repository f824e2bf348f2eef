"""The chats a guest started in this browser session (their tokens), shared by every chat view."""

from django.http import HttpRequest

CHAT_SESSION_KEY = "chat_tokens"


def remember_chat(request: HttpRequest, token: str) -> None:
    """Let this browser session reach the chat (a guest has no account to hold it)."""
    tokens = list(request.session.get(CHAT_SESSION_KEY, []))
    if token not in tokens:
        request.session[CHAT_SESSION_KEY] = [*tokens, token][-20:]


def chat_tokens(request: HttpRequest) -> list[str]:
    return list(request.session.get(CHAT_SESSION_KEY, []))
