"""Reads of the customer 360: the customer, every panel's rows and the one timeline."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from shop.models import User

from ..registry import (
    Action,
    Panel,
    TimelineItem,
    registered_actions,
    registered_panels,
    registered_timeline_sources,
)

CUSTOMER_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "language",
    "time_zone",
    "is_active",
    "is_staff",
    "date_joined",
    "last_login",
)


@dataclass(frozen=True)
class LoadedPanel:
    panel: Panel
    rows: Any
    more_url: str = ""


@dataclass(frozen=True)
class Customer360:
    customer: User
    panels: list[LoadedPanel]
    timeline: list[TimelineItem]
    actions: list[tuple[Action, str]] = field(default_factory=list)


def customer_for_360(*, user_id: int) -> User | None:
    """The customer, with only the columns the page shows."""
    return User.objects.filter(pk=user_id).only(*CUSTOMER_COLUMNS).first()


def panel_limit() -> int:
    return settings.CRM_360_PANEL_ROWS


def _allowed(viewer: User, permission: str) -> bool:
    return not permission or viewer.has_perm(permission)


def customer360(*, customer: User, viewer: User, limit: int | None = None) -> Customer360:
    """Every panel the viewer may see (latest `limit` rows each), and the timeline merged from
    every source, newest first. A constant number of queries whatever the history."""
    limit = limit or panel_limit()
    loaded: dict[str, Any] = {}
    panels = []
    for panel in registered_panels():
        if panel.enabled is not None and not panel.enabled():
            continue
        if not _allowed(viewer, panel.permission):
            continue
        rows = panel.loader(customer, limit)
        loaded[panel.name] = rows
        # A list links to everything once it is full; a panel of figures always links.
        full = isinstance(rows, Mapping) or len(rows) >= limit
        more = panel.more_url(customer) if panel.more_url is not None and full else ""
        panels.append(LoadedPanel(panel=panel, rows=rows, more_url=more))
    items: list[TimelineItem] = []
    for source in registered_timeline_sources():
        if _allowed(viewer, source.permission):
            items.extend(source.items(customer, limit, loaded))
    items.sort(key=lambda item: item.at, reverse=True)
    actions = [
        (action, action.url(customer))
        for action in registered_actions()
        if _allowed(viewer, action.permission)
    ]
    return Customer360(
        customer=customer, panels=panels, timeline=items[: 2 * limit], actions=actions
    )
