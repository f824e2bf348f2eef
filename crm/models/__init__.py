"""The CRM's tables, one module per subject; each line imports one module's models."""

from .stats import Customer, CustomerStats  # noqa: F401
