"""The complaint desk's staff screens, one module per subject."""

from ..crisis import admin as crisis_admin  # noqa: F401
from ..mentions import admin as mentions_admin  # noqa: F401
from ..procedures import admin as procedures_admin  # noqa: F401
from . import actions, attachments, reports, sla, tickets  # noqa: F401
