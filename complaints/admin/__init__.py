"""The complaint desk's staff screens, one module per subject; each line imports one module."""

from . import tickets  # noqa: F401
