"""CRM tables, one module per subject; each owner adds one import line."""

from .callbacks import *  # noqa: F403
from .interactions import *  # noqa: F403
from .profile import CustomerProfile  # noqa: F401
from .staff import *  # noqa: F403
