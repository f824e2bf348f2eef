"""What the staff ticket screen shows besides the conversation: panels registered by the
desk's parts (the procedure to follow, resolution actions, satisfaction, ...).

Each part registers a `TicketPanel` in `ComplaintsConfig.ready()`; the ticket screen renders,
in `order`, every panel whose `context` returns a dict (None hides it for this ticket or this
staff member). A panel's template gets that dict plus `ticket` and `request`; its forms post to
the part's own admin URLs and come back to the ticket screen with a message."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import Ticket


@dataclass(frozen=True)
class TicketPanel:
    name: str
    template: str
    # (request, ticket) -> the template's context, or None to leave the panel out.
    context: Callable[[HttpRequest, "Ticket"], dict[str, Any] | None]
    order: int = 100


_panels: dict[str, TicketPanel] = {}


def register_ticket_panel(panel: TicketPanel) -> None:
    _panels[panel.name] = panel


def unregister_ticket_panel(name: str) -> None:
    _panels.pop(name, None)


def ticket_panels(request: HttpRequest, ticket: "Ticket") -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for each panel shown on this ticket to this staff member."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, ticket)
        if context is not None:
            shown.append((panel.template, {**context, "ticket": ticket, "request": request}))
    return shown
