"""The customer's chat window: start, read, poll, write, end, rate (thin: forms and services).

A guest reaches their chat through the tokens in their session (crm.chat.session), a customer
through their account; anyone else gets a 404. With the `X-Chat-Panel` header (chat.js, the
floating panel) the window answers with its panel only."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from crm.models import Conversation
from orders.cart_session import signed_in_user
from orders.views.access import guest_order_lookup
from orders.views.limits import visitor_limits
from shop.ratelimit import attempt_count, attempts_exhausted

from . import selectors, services
from .assistant import assistant_menu
from .exceptions import ChatError
from .forms import ChatMessageForm, ChatRatingForm, ChatStartForm
from .pollcache import poll_answer, poll_signature, poll_state, signature_holds
from .session import chat_tokens, remember_chat
from .states import ChatEnd, ChatStatus

PANEL_HEADER = "X-Chat-Panel"
# The newest messages a window shows; older ones stay in the transcript (the console has all).
WINDOW_MESSAGES = 200


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _open_chat(request: HttpRequest) -> Conversation | None:
    """This visitor's chat still going on, to continue rather than start another."""
    user = signed_in_user(request)
    chats = Conversation.objects.exclude(status=ChatStatus.ENDED).only("token")
    if user is not None:
        return chats.filter(customer=user).order_by("-started_at").first()
    tokens = chat_tokens(request)
    if not tokens:
        return None
    return chats.filter(token__in=tokens, customer__isnull=True).order_by("-started_at").first()


@never_cache
def chat_start(request: HttpRequest) -> HttpResponse:
    """Signed in: the chat starts at once. A guest gives an email, or an order number and its
    email (checked like guest tracking, with its limit: a wrong pair answers like an unknown
    order)."""
    current = _open_chat(request)
    if current is not None:
        return redirect("crm:chat", token=current.token)
    user = signed_in_user(request)
    if user is not None:
        # Started by the button (a POST): a link followed or prefetched starts nothing.
        if request.method == "POST":
            conversation = services.conversation_start(customer=user, language=_language())
            return redirect("crm:chat", token=conversation.token)
        template = "crm/chat/_start_panel.html" if _is_panel(request) else "crm/chat/start.html"
        return render(request, template, {"signed_in": True})
    form = ChatStartForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            order, refused = None, False
            if data["number"].strip():
                order, error, status = guest_order_lookup(
                    request, number=data["number"], email=data["email"]
                )
                refused = order is None
            if not refused:
                try:
                    conversation = services.conversation_start(
                        guest_email=data["email"],
                        guest_name=data["name"],
                        order=order,
                        language=_language(),
                    )
                except ChatError as refusal:
                    error, status = str(refusal), 400
                else:
                    remember_chat(request, conversation.token)
                    return redirect("crm:chat", token=conversation.token)
    template = "crm/chat/_start_panel.html" if _is_panel(request) else "crm/chat/start.html"
    return render(request, template, {"form": form, "error": error}, status=status)


def _is_panel(request: HttpRequest) -> bool:
    return request.headers.get(PANEL_HEADER) == "1"


def _visible(request: HttpRequest, token: str) -> Conversation:
    conversation = selectors.conversation_for_visitor(
        token=token, user=signed_in_user(request), session_tokens=chat_tokens(request)
    )
    if conversation is None:
        raise Http404
    return conversation


def _menu(conversation: Conversation) -> list:
    """The assistant's buttons (none once a person is on the way)."""
    return assistant_menu(conversation=conversation)


def _window(
    request: HttpRequest,
    conversation: Conversation,
    *,
    form: ChatMessageForm | None = None,
    rating_form: ChatRatingForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    newest = list(
        selectors.chat_messages_after(conversation=conversation, after=0).reverse()[
            :WINDOW_MESSAGES
        ]
    )
    newest.reverse()
    open_now = selectors.chat_open_now()
    poll_url = reverse("crm:chat_poll", args=[conversation.token])
    if request.session.session_key:
        signature = poll_signature(
            token=conversation.token, session_key=request.session.session_key
        )
        poll_url += f"?v={signature}"
    context = {
        "poll_url": poll_url,
        "conversation": conversation,
        "chat_messages": newest,
        "last_id": conversation.last_message_id,
        "menu": _menu(conversation),
        "open_now": open_now,
        "closed_offer": not open_now
        and conversation.status in (ChatStatus.ASSISTANT, ChatStatus.WAITING),
        "can_write": conversation.status in (ChatStatus.WAITING, ChatStatus.ACTIVE),
        "form": form or ChatMessageForm(),
        "rating_form": rating_form or ChatRatingForm(),
        "error": error,
        "poll_seconds": settings.CHAT_POLL_SECONDS,
        "hidden_seconds": settings.CHAT_POLL_HIDDEN_SECONDS,
    }
    template = "crm/chat/_panel.html" if _is_panel(request) else "crm/chat/window.html"
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def chat_window(request: HttpRequest, token: str) -> HttpResponse:
    return _window(request, _visible(request, token))


@require_GET
def chat_poll(request: HttpRequest, token: str) -> HttpResponse:
    """`?after=<last message id>`: 204 when nothing is new, from the cached state (else one
    indexed row); else the new messages as a fragment, with the chat's status and newest id in
    headers."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return HttpResponse(_("Give the id of the last message you have."), status=400)
    state = poll_state(token=token)
    if state is None:
        raise Http404
    signed = signature_holds(
        token=token,
        session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        signature=request.GET.get("v", ""),
    )
    if signed and state.last_message_id <= after:
        # The usual answer: this session was shown the chat, and nothing is new.
        return poll_answer(state, HttpResponse(status=204))
    if state.customer_id is not None:
        # "Nothing new" needs only the session's account id; new messages, the account itself.
        signed_in = request.session.get(SESSION_KEY)
        may_see = signed_in == str(state.customer_id) and (
            state.last_message_id <= after or signed_in_user(request) is not None
        )
    else:
        may_see = token in chat_tokens(request)
    if not may_see:
        raise Http404
    if state.last_message_id <= after:
        return poll_answer(state, HttpResponse(status=204))
    new = list(
        selectors.chat_messages_after(conversation=Conversation(pk=state.pk), after=after)[
            :WINDOW_MESSAGES
        ]
    )
    # No context processors: the fragment needs no menu, cart or user.
    fragment = render_to_string("crm/chat/_messages.html", {"chat_messages": new})
    return poll_answer(state, HttpResponse(fragment))


@require_POST
def chat_post(request: HttpRequest, token: str) -> HttpResponse:
    """The customer writes (plain text, at most 2,000 characters, a few a minute)."""
    conversation = _visible(request, token)
    form = ChatMessageForm(request.POST)
    form.is_valid()
    limits = visitor_limits(request, "chat-post", settings.CHAT_MESSAGES_PER_MINUTE)
    if attempts_exhausted(limits):
        return _window(
            request,
            conversation,
            form=form,
            error=_("You are writing faster than we can read. Please wait a minute."),
            status=429,
        )
    try:
        services.chat_message_post(
            conversation_id=conversation.pk,
            author="customer",
            body=form.cleaned_data.get("body", ""),
        )
    except ChatError as refusal:
        conversation.refresh_from_db()
        return _window(request, conversation, form=form, error=str(refusal), status=400)
    attempt_count(limits, window_seconds=60)
    return redirect("crm:chat", token=token)


@require_POST
def chat_end(request: HttpRequest, token: str) -> HttpResponse:
    conversation = _visible(request, token)
    services.conversation_end(conversation_id=conversation.pk, reason=ChatEnd.CUSTOMER)
    return redirect("crm:chat", token=token)


@require_POST
def chat_rate(request: HttpRequest, token: str) -> HttpResponse:
    """The optional 1–5 rating once the chat has ended."""
    conversation = _visible(request, token)
    form = ChatRatingForm(request.POST)
    if not form.is_valid():
        error = form.errors["rating"][0]
        return _window(request, conversation, rating_form=form, error=error, status=400)
    try:
        services.conversation_rate(
            conversation_id=conversation.pk, rating=form.cleaned_data["rating"]
        )
    except ChatError as refusal:
        return _window(request, conversation, rating_form=form, error=str(refusal), status=400)
    if not _is_panel(request):
        messages.success(request, _("Thank you for your rating."))
    return redirect("crm:chat", token=token)
