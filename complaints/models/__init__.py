"""Complaint desk tables, one module per subject."""

from .actions import ResolutionAction, ResolutionActionLine  # noqa: F401
from .attachments import TicketAttachment  # noqa: F401
from .crisis import (  # noqa: F401
    CrisisAlert,
    CrisisDimension,
    CrisisPlan,
    CrisisScenario,
    CrisisStatus,
)
from .mentions import Mention, MentionClass, MentionSource, TriageStatus  # noqa: F401
from .procedures import (  # noqa: F401
    Procedure,
    ProcedureAcknowledgement,
    ProcedureVersion,
    TicketProcedureUse,
)
from .quality import QualityReview  # noqa: F401
from .reports import TicketReport  # noqa: F401
from .satisfaction import SatisfactionSurvey  # noqa: F401
from .sla import SlaAlert, SlaPolicy  # noqa: F401
from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
