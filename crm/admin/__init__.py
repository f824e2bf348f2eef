"""CRM staff screens, one module per subject; each line imports one module."""

from . import (  # noqa: F401
    analytics,
    campaigns,
    canned,
    chat,
    customer360,
    feedback,
    help,
    journeys,
    risk,
    segments,
    special_days,
    staff,
    stock_alerts,
    tracking,
)
