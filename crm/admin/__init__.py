"""CRM staff screens, one module per owner."""

from . import staff  # noqa: F401
