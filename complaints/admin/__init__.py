"""The complaint desk's staff screens, one module per subject; each line imports one module."""

from .. import admin_reports  # noqa: F401  (the complaint report)
from . import tickets  # noqa: F401
