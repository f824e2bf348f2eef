"""The complaint desk (complaints/): inbound email and the SLA targets."""

from urllib.parse import urlsplit

from shop.embedded import (
    DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET,
    DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET,
)

from .base import PRODUCTION, SITE_URL, VAR_DIR, env


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

# How often the maildir command runs is the deploy's cron/timer (`complaints_read_maildir`).

# --- Attachments (photos sent with a complaint; docs/complaints.md) ---
# A private folder, never under MEDIA_ROOT (no URL reaches it; views check access).
COMPLAINTS_ATTACHMENTS_ROOT = env.str(
    "COMPLAINTS_ATTACHMENTS_ROOT", default=str(VAR_DIR / "private" / "complaints")
)
# The largest photo taken (the catalog's CATALOG_IMAGE_MAX_BYTES also applies: the lower wins).
COMPLAINTS_ATTACHMENT_MAX_BYTES = env.int(
    "COMPLAINTS_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024
)
# How many photos one message (the form, a reply, an email) may carry.
COMPLAINTS_ATTACHMENTS_PER_MESSAGE = env.int("COMPLAINTS_ATTACHMENTS_PER_MESSAGE", default=5)

# --- Retention (docs/complaints.md): days after a ticket is closed ---
# Personal details (name, email, phone, the texts, the customer link): two years, the period in
# which a consumer may still claim for a defective product (Law 6502) or take the case further.
COMPLAINTS_RETENTION_DAYS = env.int("COMPLAINTS_RETENTION_DAYS", default=730)
# Photos: one year (they may show more than the product: people, homes, address labels).
COMPLAINTS_ATTACHMENT_RETENTION_DAYS = env.int("COMPLAINTS_ATTACHMENT_RETENTION_DAYS", default=365)
COMPLAINTS_RETENTION_EVERY_SECONDS = env.int(
    "COMPLAINTS_RETENTION_EVERY_SECONDS", default=24 * 3600
)

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

# --- SLA watch and lifecycle sweeps (complaints/services/sla.py, lifecycle.py) ---
# How often the SLA watch warns (80 % of a target) and escalates (target passed).
COMPLAINTS_SLA_WATCH_EVERY_SECONDS = env.int("COMPLAINTS_SLA_WATCH_EVERY_SECONDS", default=300)
# How often the lifecycle sweep closes, reminds and resolves.
COMPLAINTS_LIFECYCLE_EVERY_SECONDS = env.int("COMPLAINTS_LIFECYCLE_EVERY_SECONDS", default=3600)
# Days after its resolution a customer may reopen a ticket; then the sweep closes it.
COMPLAINTS_REOPEN_DAYS = env.int("COMPLAINTS_REOPEN_DAYS", default=14)
# Days a ticket waits on the customer before one reminder, and before it is resolved.
COMPLAINTS_WAITING_REMINDER_DAYS = env.int("COMPLAINTS_WAITING_REMINDER_DAYS", default=3)
COMPLAINTS_WAITING_RESOLVE_DAYS = env.int("COMPLAINTS_WAITING_RESOLVE_DAYS", default=7)
# --- Satisfaction after resolution (complaints/satisfaction/, docs/complaints.md) ---
# One reminder this many days after the survey if it is unanswered; the link answers for
# COMPLAINTS_CSAT_ANSWER_DAYS. The reminder sweep runs every COMPLAINTS_CSAT_EVERY_SECONDS.
COMPLAINTS_CSAT_REMINDER_DAYS = env.int("COMPLAINTS_CSAT_REMINDER_DAYS", default=2)
COMPLAINTS_CSAT_ANSWER_DAYS = env.int("COMPLAINTS_CSAT_ANSWER_DAYS", default=30)
COMPLAINTS_CSAT_EVERY_SECONDS = env.int("COMPLAINTS_CSAT_EVERY_SECONDS", default=3600)
# --- The staff desk: assignment (complaints/services/assignment.py) ---
# How a ticket given to a team picks its agent: "least_loaded" (fewest open tickets) or
# "round_robin" (the member longest without a new ticket).
COMPLAINTS_ASSIGNMENT = env.str("COMPLAINTS_ASSIGNMENT", default="least_loaded")
# The team (by name) new tickets go to; empty or no such team: they stay unassigned.
COMPLAINTS_DEFAULT_TEAM = env.str("COMPLAINTS_DEFAULT_TEAM", default="")
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
