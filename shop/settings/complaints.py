"""The complaint desk (complaints/): inbound email and the SLA targets."""

from urllib.parse import urlsplit

from shop.embedded import DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET

from .base import PRODUCTION, SITE_URL, env


def _mail_domain(url: str) -> str:
    """The site's host without "www.", or dukkan.local when the host is an IP or has no dot."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if "." not in host or host.replace(".", "").isdigit() or ":" in host:
        return "dukkan.local"
    return host


# --- Inbound email (complaints/inbound/) ---
# Larger raw messages (attachments included) are refused before they are read.
COMPLAINTS_INBOUND_MAX_BYTES = env.int("COMPLAINTS_INBOUND_MAX_BYTES", default=25 * 1024 * 1024)
# The reply address the desk's messages carry: <local part>+<signed ticket token>@<domain>.
COMPLAINTS_REPLY_LOCAL_PART = env.str("COMPLAINTS_REPLY_LOCAL_PART", default="destek")
COMPLAINTS_REPLY_DOMAIN = env.str("COMPLAINTS_REPLY_DOMAIN", default=_mail_domain(SITE_URL))
# Shared secret of the signed inbound-email webhook. Production has no default: unset, the
# endpoint refuses every message (the development value is refused there too).
COMPLAINTS_INBOUND_WEBHOOK_SECRET = env.str(
    "COMPLAINTS_INBOUND_WEBHOOK_SECRET",
    default="" if PRODUCTION else DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET,
)
COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS = env.int(
    "COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS", default=300
)
# The maildir the mail server delivers the desk's address to (read by a management command);
# empty: none.
COMPLAINTS_INBOUND_MAILDIR = env.str("COMPLAINTS_INBOUND_MAILDIR", default="")

# --- SLA targets in working hours per priority (complaints/sla.py, docs/complaints.md): ---
# "urgent=1,high=2,..."; a priority left out takes its default.

_FIRST_RESPONSE = {"urgent": 1, "high": 2, "normal": 4, "low": 8}
_RESOLUTION = {"urgent": 8, "high": 16, "normal": 27, "low": 45}

COMPLAINTS_SLA_FIRST_RESPONSE_HOURS = _FIRST_RESPONSE | env.dict(
    "COMPLAINTS_SLA_FIRST_RESPONSE_HOURS", cast={"value": float}, default={}
)
COMPLAINTS_SLA_RESOLUTION_HOURS = _RESOLUTION | env.dict(
    "COMPLAINTS_SLA_RESOLUTION_HOURS", cast={"value": float}, default={}
)

# --- The staff desk: assignment (complaints/services/assignment.py) ---
# How a ticket given to a team picks its agent: "least_loaded" (fewest open tickets) or
# "round_robin" (the member longest without a new ticket).
COMPLAINTS_ASSIGNMENT = env.str("COMPLAINTS_ASSIGNMENT", default="least_loaded")
# The team (by name) new tickets go to; empty or no such team: they stay unassigned.
COMPLAINTS_DEFAULT_TEAM = env.str("COMPLAINTS_DEFAULT_TEAM", default="")
