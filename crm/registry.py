"""What other apps add to the customer 360: panels, timeline sources, complaint sources, actions
(and the call-centre console's links for a guest contact: contact actions).

crm fills its own panels in `crm.customer360.panels`; an app above crm (complaints) or a part
of crm built later registers from its `AppConfig.ready()`. crm never imports those apps: a
complaint is named by type and id, and reached by the URL its source gives.

    from crm.registry import Panel, register_panel

    register_panel(Panel(name="points", title=_("Points"), loader=points_rows,
                         template="admin/crm/customer360/points.html", order=60,
                         more_url=lambda user: f"{reverse(...)}?q={user.email}"))

A loader is `loader(user, limit) -> rows`: the latest `limit` rows (or one mapping for a panel
of figures) in a constant number of queries whatever the customer's history, selecting only
the columns its template shows. Its template receives `panel`, `rows`, `customer`, `limit`
and `more_url` (set when the panel is full and the panel has a `more_url`).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shop.models import User

Rows = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Panel:
    """One box of the 360: `loader(user, limit)` gives its rows, `template` renders them."""

    name: str
    title: str
    loader: Callable[[User, int], Rows]
    template: str
    # Smaller first; crm's own: contact 10, figures 20, orders 30, returns 40, cancellations
    # 50, messages 70, balance 80, tab 90. Leave gaps (points 60, interactions 65, profile 15,
    # complaints 75).
    order: int = 100
    # The changelist with everything ("more"), for the customer: `more_url(user) -> str`.
    more_url: Callable[[User], str] | None = None
    # A permission the viewer needs besides `crm.view_customer360` ("payments.view_tab").
    permission: str = ""
    # "wide" spans the page on a large screen; "narrow" shares a row.
    width: str = "narrow"
    # Shown only while this says so (the complaints panel: once a complaint source exists).
    enabled: Callable[[], bool] | None = None


@dataclass(frozen=True)
class TimelineItem:
    """One moment in the customer's history: when, what kind, a line of text, a link."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class TimelineSource:
    """Items for the one timeline. `items(user, limit, loaded)` gets the rows every panel
    already loaded (`loaded["orders"]`, ...), so a source reading its own panel's rows runs no
    query; one that needs a query runs a constant number."""

    name: str
    items: Callable[[User, int, Mapping[str, Rows]], Iterable[TimelineItem]]
    permission: str = ""


@dataclass(frozen=True)
class ComplaintRow:
    """A complaint as the 360 shows it (crm knows no ticket model: type and id, and a URL)."""

    object_type: str
    object_id: str
    number: str
    subject: str
    status: str
    is_open: bool
    opened_at: datetime
    url: str = ""


@dataclass(frozen=True)
class FollowUp:
    """A customer staff should get back to (a low feedback score): what the complaint desk
    needs to open a ticket for it."""

    customer: User | None
    email: str
    order_id: int | None
    summary: str
    language: str = ""


@dataclass(frozen=True)
class ChatTicket:
    """A chat staff turn into a complaint: who, about which order, and the transcript as text
    (the ticket's first message). The desk's `chat_ticket(ChatTicket)` returns a TicketRef."""

    customer: User | None
    email: str
    order_id: int | None
    language: str
    transcript: str
    conversation_id: int
    by: User | None = None


@dataclass(frozen=True)
class TicketRef:
    """The ticket the desk opened, as crm keeps it (no foreign key to complaints)."""

    id: str
    number: str
    url: str


@dataclass(frozen=True)
class ComplaintSource:
    """Where complaints come from (the complaints app registers one): a customer's latest
    complaints for the 360's complaints panel and timeline, and figures for the dashboard;
    `follow_up(FollowUp)` opens a ticket for a customer staff should get back to."""

    name: str
    for_customer: Callable[[User, int], Sequence[ComplaintRow]]
    open_count: Callable[[], int] | None = None
    more_url: Callable[[User], str] | None = None
    follow_up: Callable[[FollowUp], object] | None = None
    # The dashboard's "complaints per 100 orders" over a date range (both days included).
    per_100_orders: Callable[[date, date], Decimal | None] | None = None
    # A live chat turned into a ticket in one click (crm.chat.services.conversation_ticket_open).
    chat_ticket: Callable[[ChatTicket], TicketRef] | None = None


@dataclass(frozen=True)
class Action:
    """A button in the 360's action area (log an interaction, goodwill, ...): a link to the
    action's own form for this customer, shown to staff with its permission."""

    name: str
    title: str
    url: Callable[[User], str]
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class ContactAction:
    """A link the call-centre console offers for a contact without an account (a guest's
    phone or email, or a guest's order): `url(contact)` gets {"phone", "email", "name",
    "order"} (empty strings when unknown)."""

    name: str
    title: str
    url: Callable[[Mapping[str, str]], str]
    permission: str = ""
    order: int = 100


@dataclass
class _Registry:
    panels: dict[str, Panel] = field(default_factory=dict)
    timeline: dict[str, TimelineSource] = field(default_factory=dict)
    complaints: dict[str, ComplaintSource] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    contact_actions: dict[str, ContactAction] = field(default_factory=dict)


_registry = _Registry()


def register_panel(panel: Panel) -> None:
    """Add a panel (or replace the one of that name: registering twice is harmless)."""
    _registry.panels[panel.name] = panel


def unregister_panel(name: str) -> None:
    _registry.panels.pop(name, None)


def registered_panels() -> list[Panel]:
    return sorted(_registry.panels.values(), key=lambda panel: (panel.order, panel.name))


def register_timeline_source(source: TimelineSource) -> None:
    _registry.timeline[source.name] = source


def unregister_timeline_source(name: str) -> None:
    _registry.timeline.pop(name, None)


def registered_timeline_sources() -> list[TimelineSource]:
    return list(_registry.timeline.values())


def register_complaint_source(source: ComplaintSource) -> None:
    """The complaints app's way in: its customer's complaints reach the 360's complaints panel
    and timeline (and the dashboard's figures) without crm importing it."""
    _registry.complaints[source.name] = source


def unregister_complaint_source(name: str) -> None:
    _registry.complaints.pop(name, None)


def registered_complaint_sources() -> list[ComplaintSource]:
    return list(_registry.complaints.values())


def follow_up_opener() -> Callable[[FollowUp], object] | None:
    """The complaint desk's way of opening a follow-up ticket, when it is installed."""
    for source in _registry.complaints.values():
        if source.follow_up is not None:
            return source.follow_up
    return None


def chat_ticket_opener() -> Callable[[ChatTicket], TicketRef] | None:
    """The complaint desk's way of turning a chat into a ticket, when it is installed."""
    for source in _registry.complaints.values():
        if source.chat_ticket is not None:
            return source.chat_ticket
    return None


def register_action(action: Action) -> None:
    _registry.actions[action.name] = action


def unregister_action(name: str) -> None:
    _registry.actions.pop(name, None)


def registered_actions() -> list[Action]:
    return sorted(_registry.actions.values(), key=lambda action: (action.order, action.name))


def register_contact_action(action: ContactAction) -> None:
    _registry.contact_actions[action.name] = action


def unregister_contact_action(name: str) -> None:
    _registry.contact_actions.pop(name, None)


def registered_contact_actions() -> list[ContactAction]:
    return sorted(
        _registry.contact_actions.values(), key=lambda action: (action.order, action.name)
    )
