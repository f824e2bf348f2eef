"""The assistant's two doors: a tap in the chat window, and a question asked from an order's page
(or the guest tracking page), which starts a chat about that order and answers it at once."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import assistant as answers
from orders import selectors as order_selectors
from orders.cart_session import guest_orders, signed_in_user
from orders.views.limits import visitor_limits
from shop.ratelimit import attempt_count, attempts_exhausted

from .assistant import HAND_OVER, assistant_choose
from .exceptions import ChatError
from .selectors import conversation_for_visitor
from .services import conversation_start
from .session import chat_tokens, remember_chat

SOMETHING_ELSE = "other"  # the order page's "Something else": straight to a person


def _too_many(request: HttpRequest) -> bool:
    """Count this tap; True (with a message) when the visitor has tapped too fast."""
    limits = visitor_limits(request, "chat-assistant", settings.CHAT_ASSISTANT_TAPS_PER_MINUTE)
    if attempts_exhausted(limits):
        messages.error(request, _("Too many taps in a short time. Please wait a minute."))
        return True
    attempt_count(limits, window_seconds=60)
    return False


def _window(token: str) -> str:
    """The chat window (the chat app's `crm:chat`)."""
    return reverse("crm:chat", args=[token])


@require_POST
def chat_assistant(request: HttpRequest, token: str) -> HttpResponse:
    """One tap of the assistant's buttons in the visitor's own chat (another's: 404)."""
    conversation = conversation_for_visitor(
        token=token, user=signed_in_user(request), session_tokens=chat_tokens(request)
    )
    if conversation is None:
        raise Http404
    if _too_many(request):
        return redirect(_window(token))
    choice = (request.POST.get("choice") or "").strip()[:40]
    try:
        go_to = assistant_choose(conversation_id=conversation.pk, choice=choice)
    except ChatError as refused:
        messages.error(request, str(refused))
        go_to = ""
    return redirect(go_to or _window(token))


@require_POST
def chat_about_order(request: HttpRequest) -> HttpResponse:
    """Ask the assistant about an order this visitor may see: a new chat, answered at once."""
    number = (request.POST.get("number") or "").strip()[:40]
    topic = (request.POST.get("topic") or "").strip()[:20]
    user = signed_in_user(request)
    order = order_selectors.order_for_viewer(
        number=number, user=user, guest_numbers=guest_orders(request)
    )  # 404 for another's order
    if topic != SOMETHING_ELSE and topic not in answers.order_topics(order=order):
        messages.error(request, _("That question is not on offer for this order."))
        return redirect("orders:confirmation", number=order.number)
    if _too_many(request):
        return redirect("orders:confirmation", number=order.number)
    try:
        conversation = conversation_start(
            customer=user,
            guest_email="" if user is not None else order.email,
            order=order,
            language=(get_language() or "").split("-")[0],
        )
    except ChatError as refused:
        messages.error(request, str(refused))
        return redirect("orders:confirmation", number=order.number)
    remember_chat(request, conversation.token)
    choice = HAND_OVER.value if topic == SOMETHING_ELSE else topic
    try:
        go_to = assistant_choose(conversation_id=conversation.pk, choice=choice)
    except ChatError as refused:
        messages.error(request, str(refused))
        go_to = ""
    return redirect(go_to or _window(conversation.token))
