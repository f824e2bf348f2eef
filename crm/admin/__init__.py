"""crm's staff screens, one module per subject; each line imports one module."""

from . import customer360  # noqa: F401
