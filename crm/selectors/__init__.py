"""Reads of the CRM that are reused or tricky, split by subject."""

from .profile import profile_get_or_blank

__all__ = ["profile_get_or_blank"]
