"""CRM staff screens, one module per subject; each line imports one module."""

from . import customer360, feedback, journeys, staff  # noqa: F401
