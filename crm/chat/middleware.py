"""The chat window's poll, answered before the rest of the middleware: when the window's signed
address asks after the newest message the cache knows (crm/chat/pollcache.py), "nothing new"
(204) costs one Redis read and no session, user, locale, CSRF or URL resolving. Anything else
(a miss, news, no or a wrong signature) goes on to the view, which checks everything."""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .pollcache import cached_poll_state, poll_answer, signature_holds

# /chat/<token>/poll/ in the default language, /<lang>/chat/<token>/poll/ in another.
POLL_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]{2})?/)?chat/([A-Za-z0-9_-]{1,32})/poll/$")


class ChatPollMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET":
            match = POLL_PATH.match(request.path_info)
            if match is not None:
                answer = _nothing_new(request, match[1])
                if answer is not None:
                    return answer
        return self.get_response(request)


def _nothing_new(request: HttpRequest, token: str) -> HttpResponse | None:
    after = request.GET.get("after", "")
    if not after.isdigit():
        return None
    state = cached_poll_state(token=token)
    if state is None or state.last_message_id > int(after):
        return None
    if not signature_holds(
        token=token,
        session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        signature=request.GET.get("v", ""),
    ):
        return None
    return poll_answer(state, HttpResponse(status=204))
