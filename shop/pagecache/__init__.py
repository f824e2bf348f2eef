"""The anonymous page cache: whole catalog pages for anonymous visitors, per language, with
holes for what differs per visitor, valid while the versions of what they show are current.

By job: `store` (where pages and tokens live, the shared version names), `versions` (bump,
read, the request memo), `tracking` (each worker's kept tokens and how it hears of changes),
`markers` (the visitor-part registry, split and fill), `middleware` (pages: which, their keys,
each worker's kept copies). The short imports below are what other apps use.
"""

from .markers import (
    fill_text,
    is_filling,
    marker,
    part_name,
    register_visitor_part,
    render_visitor_part,
    split_text,
)
from .middleware import PageCacheMiddleware, Plan, forget_kept, plan, register_page
from .store import CATALOG, DELIVERY, MENU, PAGES_ALIAS, VERSION_PREFIX
from .tracking import tracker
from .versions import bump, versions

__all__ = [
    "CATALOG",
    "DELIVERY",
    "MENU",
    "PAGES_ALIAS",
    "VERSION_PREFIX",
    "PageCacheMiddleware",
    "Plan",
    "bump",
    "fill_text",
    "forget_kept",
    "is_filling",
    "marker",
    "part_name",
    "plan",
    "register_page",
    "register_visitor_part",
    "render_visitor_part",
    "split_text",
    "tracker",
    "versions",
]
