"""The complaint desk's staff screens, one module per subject; each line imports one module."""

from .. import (
    admin_reports,  # noqa: F401  (the complaint report)
    admin_sla,  # noqa: F401  (SLA policies)
)
from ..crisis import admin as crisis_admin  # noqa: F401
from ..mentions import admin as mentions_admin  # noqa: F401
from ..procedures import admin as procedures_admin  # noqa: F401
from . import tickets  # noqa: F401
