"""CRM tables, one module per subject; each module's models are imported here."""

from .profile import CustomerProfile  # noqa: F401
