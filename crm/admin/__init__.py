"""CRM staff screens, one module per subject; each line imports one module."""

from . import customer360, journeys, special_days, staff  # noqa: F401
