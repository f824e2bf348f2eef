"""E-check payments: a signed, sealed check on the customer's bank account."""

from ...registry import register
from .provider import ECheckProvider

register(ECheckProvider())
