"""Reads of the chat: is anyone on duty, the customer's own chat, what is new since a message."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from crm.customer360.selectors import LoadedPanel
from crm.models import ChatMessage, Conversation
from crm.registry import registered_panels
from orders.models import Order, OrderLine
from shop.calendar import working_hours
from shop.models import User

from .states import ChatStatus

S = ChatStatus


def chat_open_now(*, now: datetime | None = None) -> bool:
    """Agents answer chats during the shop's business hours (the one business calendar)."""
    now = timezone.localtime(now or timezone.now())
    hours = working_hours(now.date())
    if hours is None:
        return False
    opens, closes = hours
    return opens <= now.time() < closes


def conversation_for_visitor(
    *, token: str, user: User | None, session_tokens: list[str]
) -> Conversation | None:
    """The chat, if this visitor may see it: their account's, or one started in this browser
    session by a guest. None otherwise (the view answers 404)."""
    conversation = Conversation.objects.filter(token=token).first()
    if conversation is None:
        return None
    if conversation.customer_id is not None:
        return conversation if user is not None and user.pk == conversation.customer_id else None
    return conversation if token in session_tokens else None


def chat_messages_after(*, conversation: Conversation, after: int) -> QuerySet[ChatMessage]:
    """The messages newer than `after` (index crm_chatmessage_after_idx)."""
    return (
        ChatMessage.objects.filter(conversation=conversation, pk__gt=after)
        .only("pk", "author", "body", "meta", "created_at", "agent__first_name")
        .select_related("agent")
        .order_by("pk")
    )


@dataclass(frozen=True)
class PollState:
    """What a poll needs: whose chat it is, where it stands, its newest message."""

    pk: int
    customer_id: int | None
    status: str
    last_message_id: int


def chat_poll_state(*, token: str) -> PollState | None:
    """One indexed row (the unique token) with four columns: enough to answer "nothing new"."""
    rows = list(
        Conversation.objects.filter(token=token)
        .order_by()
        .values_list("pk", "customer_id", "status", "last_message_id")[:1]
    )
    return PollState(*rows[0]) if rows else None


# --- the agents' console ---------------------------------------------------------------------

CONSOLE_COLUMNS = (
    "pk",
    "token",
    "status",
    "customer__email",
    "customer__first_name",
    "customer__last_name",
    "guest_email",
    "guest_name",
    "order__number",
    "team__name",
    "agent__first_name",
    "agent__email",
    "topic",
    "language",
    "handed_over_at",
    "taken_at",
    "last_activity_at",
    "last_message_id",
    "started_at",
)
QUEUE_LIMIT = 50


def _console_rows(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.select_related("customer", "order", "team", "agent").only(*CONSOLE_COLUMNS)


def chat_queue(*, agent: User) -> list[Conversation]:
    """The waiting chats this agent may take, oldest first: their teams' queues and those of no
    team; every team's with `crm.take_any_chat` (index crm_chat_queue_idx)."""
    waiting = Conversation.objects.filter(status=S.WAITING)
    if not agent.has_perm("crm.take_any_chat"):
        waiting = waiting.filter(Q(team__isnull=True) | Q(team__in=agent.teams.all()))
    return list(_console_rows(waiting).order_by("handed_over_at", "pk")[:QUEUE_LIMIT])


def chats_of_agent(*, agent: User) -> list[Conversation]:
    """The agent's open chats (index crm_chat_agent_idx)."""
    return list(
        _console_rows(Conversation.objects.filter(agent=agent, status=S.ACTIVE)).order_by(
            "taken_at", "pk"
        )
    )


def chat_for_console(*, pk: int) -> Conversation | None:
    return (
        Conversation.objects.select_related("customer", "order", "team", "agent", "interaction")
        .filter(pk=pk)
        .first()
    )


def agent_may_open(*, agent: User, conversation: Conversation) -> bool:
    """An agent opens their own chats, their queues' and ended ones; others' with take_any_chat."""
    if agent.has_perm("crm.take_any_chat") or conversation.agent_id == agent.pk:
        return True
    if conversation.status == S.ACTIVE:
        return False
    if conversation.team_id is None or conversation.status == S.ENDED:
        return True
    return agent.teams.filter(pk=conversation.team_id).exists()


ORDER_COLUMNS = (
    "pk", "number", "status", "payment_status", "total", "currency", "language",
    "placed_at", "promised_from", "promised_to", "promised_ship_by",
)  # fmt: skip


def chat_order_summary(*, order_id: int) -> dict | None:
    """The chat's order as the console shows it beside the chat (two queries)."""
    order = Order.objects.filter(pk=order_id).only(*ORDER_COLUMNS).first()
    if order is None:
        return None
    lines = list(
        OrderLine.objects.filter(order_id=order_id)
        .only("product_name", "variant_name", "quantity", "total")
        .order_by("pk")[:20]
    )
    return {"order": order, "lines": lines}


@dataclass(frozen=True)
class ChatFigures:
    start: date
    end: date
    ended: int
    without_agent: int
    rated: int
    average_rating: Decimal | None

    @property
    def share_without_agent(self) -> Decimal | None:
        if not self.ended:
            return None
        share = Decimal(self.without_agent * 100) / Decimal(self.ended)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def chat_figures(*, start: date, end: date) -> ChatFigures:
    """Chats ended in [start, end] (shop days): how many, how many never reached an agent (the
    assistant answered, or the customer left before handing over), and the average rating."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    row = Conversation.objects.filter(ended_at__gte=since, ended_at__lt=until).aggregate(
        ended=Count("pk"),
        without_agent=Count("pk", filter=Q(taken_at__isnull=True)),
        rated=Count("rating"),
        average=Avg("rating"),
    )
    average = row["average"]
    return ChatFigures(
        start=start,
        end=end,
        ended=row["ended"],
        without_agent=row["without_agent"],
        rated=row["rated"],
        average_rating=None
        if average is None
        else Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
    )


# The 360's panels the console shows beside a chat (the full 360 is one click away).
CONSOLE_PANELS = ("contact", "figures", "orders", "complaints")
CONSOLE_PANEL_ROWS = 3


def chat_customer_panels(*, customer: User, viewer: User, masked: bool = False) -> list:
    """The customer's key 360 panels, compact (3 rows each), those the viewer may see (an
    outsourced team's agent, `masked`, not the contact details)."""
    if not viewer.has_perm("crm.view_customer360"):
        return []
    loaded = []
    for panel in registered_panels():
        if panel.name not in CONSOLE_PANELS or (masked and panel.name == "contact"):
            continue
        if panel.enabled is not None and not panel.enabled():
            continue
        if panel.permission and not viewer.has_perm(panel.permission):
            continue
        loaded.append(LoadedPanel(panel=panel, rows=panel.loader(customer, CONSOLE_PANEL_ROWS)))
    return loaded
