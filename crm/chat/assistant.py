"""The "where is my order" assistant: a guided flow of buttons answering from the order's own
data (orders.assistant), with one tap to a person. No free text, no outside language model.

Each tap records the customer's choice (its button's label) and the assistant's answer (with
the date and source it rests on in `meta`) as messages, and sets `conversation.topic`: blank at
the first menu, an order topic ("where", "cancel", ...), "pick" (which order?), "closed" (out of
hours: callback or complaint)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from crm.models import Conversation
from orders import assistant as answers
from orders.models import Order, OrderEvent
from orders.services import order_cancel_by_customer
from orders.states import CUSTOMER_CANCELLABLE, OrderStatus
from orders.views.order_page import OrderPage
from shop.exceptions import ShopError

from .exceptions import ChatClosedHours, ChatRefused
from .services import _append, _locked, conversation_end, conversation_hand_over
from .states import Author, ChatEnd, ChatStatus


@dataclass(frozen=True)
class Choice:
    """One button of the assistant: `value` is posted back as `choice`."""

    value: str
    label: str


HAND_OVER = Choice("person", gettext_lazy("Talk to a person"))
DONE = Choice("done", gettext_lazy("That answers it"))
ASK_ORDER = Choice("ask_order", gettext_lazy("Where is my order?"))
DO_CANCEL = Choice("do_cancel", gettext_lazy("Cancel my order"))
CALLBACK = Choice("callback", gettext_lazy("Call me back"))
COMPLAINT = Choice("complaint", gettext_lazy("Tell us about a problem"))
PICK, CLOSED = "pick", "closed"
PICK_PREFIX = "order:"
RECENT_ORDERS = 5  # a signed-in customer picks among their newest orders


def _topic_choices(order: Order) -> list[Choice]:
    return [Choice(t, answers.TOPIC_LABELS[t]) for t in answers.order_topics(order=order)]


def _recent_numbers(conversation: Conversation) -> list[str]:
    return list(
        Order.objects.filter(user_id=conversation.customer_id)
        .order_by("-placed_at", "-pk")
        .values_list("number", flat=True)[:RECENT_ORDERS]
    )


def assistant_menu(*, conversation: Conversation) -> list[Choice]:
    """The buttons the assistant offers now (none once a person is on the way)."""
    if conversation.status != ChatStatus.ASSISTANT:
        return []
    topic = conversation.topic
    if topic == CLOSED:
        return [CALLBACK, COMPLAINT, DONE]
    menu: list[Choice] = []
    if conversation.order_id is not None:
        order = conversation.order
        if topic == answers.CANCEL and order.status in CUSTOMER_CANCELLABLE:
            menu.append(DO_CANCEL)
        menu += _topic_choices(order)
    elif topic == PICK and conversation.customer_id is not None:
        menu += [Choice(PICK_PREFIX + number, number) for number in _recent_numbers(conversation)]
    else:
        menu.append(ASK_ORDER)
    if topic:
        menu.append(DONE)
    menu.append(HAND_OVER)
    return menu


# --- the writes --------------------------------------------------------------------------------


def assistant_answer_record(
    *,
    conversation_id: int,
    said: str,
    answer: str,
    meta: dict | None = None,
    topic: str,
    order: Order | None = None,
) -> Conversation:
    """The customer's tap and the assistant's answer, as two messages; the topic moves on
    (and the chat is about `order` from now, when one was picked)."""
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != ChatStatus.ASSISTANT:
            raise ChatRefused(_("The assistant has finished in this chat."))
        _append(conversation, author=Author.CUSTOMER, body=said, now=now)
        _append(conversation, author=Author.ASSISTANT, body=answer[:2000], meta=meta, now=now)
        conversation.topic = topic[:20]
        fields = ["last_message_id", "last_activity_at", "topic"]
        if order is not None:
            conversation.order = order
            fields.append("order")
        conversation.save(update_fields=fields)
    return conversation


def _said_only(conversation_id: int, said: str) -> None:
    """The customer's tap alone (what follows is the service's own system message)."""
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != ChatStatus.ASSISTANT:
            raise ChatRefused(_("The assistant has finished in this chat."))
        _append(conversation, author=Author.CUSTOMER, body=said, now=now)
        conversation.save(update_fields=["last_message_id", "last_activity_at"])


def assistant_choose(*, conversation_id: int, choice: str) -> str:
    """Act on one tap of the assistant's buttons. Returns where to send the customer next
    ("" for the chat window). A choice not on offer: ChatRefused, nothing changed."""
    conversation = (
        Conversation.objects.select_related("order", "customer").filter(pk=conversation_id).first()
    )
    if conversation is None or conversation.status != ChatStatus.ASSISTANT:
        raise ChatRefused(_("The assistant has finished in this chat."))
    with override(conversation.language):
        if choice == DO_CANCEL.value and conversation.order_id is not None:
            # Always through the order service, which refuses what the order page refuses
            # (packed meanwhile, say): its message becomes the answer.
            return _cancel(conversation)
        offered = {c.value: c for c in assistant_menu(conversation=conversation)}
        picked = offered.get(choice)
        if picked is None:
            raise ChatRefused(
                _("That choice is no longer on offer. Please pick one of the buttons.")
            )
        said = str(picked.label)
        if choice in answers.TOPICS:
            return _answer(conversation, said, choice, conversation.order)
        if choice.startswith(PICK_PREFIX):
            number = choice.removeprefix(PICK_PREFIX)
            order = Order.objects.filter(number=number, user_id=conversation.customer_id).first()
            if order is None:
                raise ChatRefused(_("We could not find that order."))
            return _answer(conversation, said, answers.WHERE, order, pick=True)
        if choice == ASK_ORDER.value:
            return _ask_order(conversation, said)
        if choice == DONE.value:
            _said_only(conversation.pk, said)
            conversation_end(conversation_id=conversation.pk, reason=ChatEnd.SELF_SERVED)
            return ""
        if choice == HAND_OVER.value:
            return _hand_over(conversation, said)
        if choice == CALLBACK.value:
            _said_only(conversation.pk, said)
            conversation_end(conversation_id=conversation.pk, reason=ChatEnd.CALLBACK)
            # The callback form takes this chat (the visitor's own) along with the request.
            return f"{reverse('crm:callback_request')}?{urlencode({'chat': conversation.token})}"
        if choice == COMPLAINT.value:
            _said_only(conversation.pk, said)
            conversation_end(conversation_id=conversation.pk, reason=ChatEnd.COMPLAINT)
            # The complaint form attaches this chat (the visitor's own) when it is sent.
            query = {"chat": conversation.token}
            if conversation.order_id is not None:
                query["order"] = conversation.order.number
            return f"{reverse('complaints:new')}?{urlencode(query)}"
    raise ChatRefused(_("That choice is no longer on offer. Please pick one of the buttons."))


def _answer(
    conversation: Conversation, said: str, topic: str, order: Order, *, pick: bool = False
) -> str:
    loaded = answers.order_for_answers(order_id=order.pk)
    answer = answers.order_answer(order=loaded, topic=topic)
    assistant_answer_record(
        conversation_id=conversation.pk,
        said=said,
        answer=answer.text,
        meta=answer.meta(),
        topic=topic,
        order=order if pick else None,
    )
    return ""


def _ask_order(conversation: Conversation, said: str) -> str:
    if conversation.customer_id is not None and _recent_numbers(conversation):
        assistant_answer_record(
            conversation_id=conversation.pk,
            said=said,
            answer=_("Which order is it about? Pick its number below."),
            topic=PICK,
        )
        return ""
    if conversation.customer_id is not None:
        text = _("We find no orders on your account. Is it about an order placed as a guest?")
    else:
        text = _(
            "Tell us which order: open “Track your order” with the order number and your email "
            "address, then ask from there."
        )
    assistant_answer_record(
        conversation_id=conversation.pk,
        said=said,
        answer=text,
        meta={"link": reverse("orders:track"), "link_label": _("Track your order")},
        topic=PICK,
    )
    return ""


def _hand_over(conversation: Conversation, said: str) -> str:
    try:
        conversation_hand_over(conversation_id=conversation.pk, said=said)
    except ChatClosedHours as closed:
        assistant_answer_record(
            conversation_id=conversation.pk, said=said, answer=str(closed), topic=CLOSED
        )
    return ""


def _cancel(conversation: Conversation) -> str:
    said = str(DO_CANCEL.label)
    order = answers.order_for_answers(order_id=conversation.order_id)
    page = OrderPage(order)
    preview = answers.cancel_preview_text(page) if page.can_cancel else ""
    try:
        order_cancel_by_customer(order=order, by=conversation.customer)
    except ShopError as refused:
        assistant_answer_record(
            conversation_id=conversation.pk, said=said, answer=str(refused), topic=answers.CANCEL
        )
        return ""
    cancelled = (
        OrderEvent.objects.filter(order_id=order.pk, to_status=OrderStatus.CANCELLED)
        .order_by("-pk")
        .first()
    )
    at = cancelled.created_at if cancelled is not None else timezone.now()
    text = _("Your order has been cancelled.")
    if preview:
        text += " " + preview
    meta = {
        "source": _("order timeline"),
        "as_of": at.isoformat(),
        "as_of_shown": answers.when(at),
    }
    assistant_answer_record(
        conversation_id=conversation.pk,
        said=said,
        answer=text,
        meta=meta,
        topic=answers.CANCEL,
    )
    return ""
