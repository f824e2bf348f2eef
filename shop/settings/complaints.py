"""The complaint desk (complaints/): inbound email and the SLA targets."""

from urllib.parse import urlsplit

from shop.embedded import (
    DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET,
    DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET,
)

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

# --- The mention inbox (complaints/mentions/) ---
# Shared secret of the signed mentions webhook (signed like the inbound-email one, within
# COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS). Production has no default: unset, it refuses all.
COMPLAINTS_MENTIONS_WEBHOOK_SECRET = env.str(
    "COMPLAINTS_MENTIONS_WEBHOOK_SECRET",
    default="" if PRODUCTION else DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET,
)
# The most mentions one CSV upload or one webhook call may carry.
COMPLAINTS_MENTIONS_IMPORT_MAX_ROWS = env.int("COMPLAINTS_MENTIONS_IMPORT_MAX_ROWS", default=5000)

# --- Crisis detection (complaints/crisis/) ---
# A spike: at least MIN_COUNT complaints and mentions about one product, category or channel in
# the last WINDOW_HOURS, and at least FACTOR times the mean of the same hours of the four weeks
# before. The scan runs every SCAN_EVERY_SECONDS.
COMPLAINTS_CRISIS_WINDOW_HOURS = env.int("COMPLAINTS_CRISIS_WINDOW_HOURS", default=6)
COMPLAINTS_CRISIS_MIN_COUNT = env.int("COMPLAINTS_CRISIS_MIN_COUNT", default=5)
COMPLAINTS_CRISIS_FACTOR = env.float("COMPLAINTS_CRISIS_FACTOR", default=3.0)
COMPLAINTS_CRISIS_SCAN_EVERY_SECONDS = env.int("COMPLAINTS_CRISIS_SCAN_EVERY_SECONDS", default=900)
# Who is told of a new alert besides the "Complaint manager" group: email addresses.
COMPLAINTS_CRISIS_NOTIFY_EMAILS = env.list("COMPLAINTS_CRISIS_NOTIFY_EMAILS", default=[])
