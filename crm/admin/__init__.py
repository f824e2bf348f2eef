"""CRM staff screens, one module per subject; each line imports one module."""

from . import canned, chat, customer360, feedback, journeys, special_days, staff, stock_alerts  # noqa: F401
