"""CRM tables, one module per subject; each line imports one module's models."""

from .actions import CustomerAction  # noqa: F401
from .analytics import *  # noqa: F403
from .callbacks import *  # noqa: F403
from .campaigns import Campaign, CampaignRecipient  # noqa: F401
from .canned import CannedResponse  # noqa: F401
from .chat import ChatMessage, Conversation  # noqa: F401
from .feedback import FeedbackSurvey  # noqa: F401
from .help import HelpArticle, HelpCategory, HelpVote  # noqa: F401
from .interactions import *  # noqa: F403
from .journeys import JourneyRun  # noqa: F401
from .profile import CustomerProfile  # noqa: F401
from .recommendations import BoughtTogether, PairSource  # noqa: F401
from .risk import RiskFlag  # noqa: F401
from .segments import Segment  # noqa: F401
from .special_days import SpecialDay  # noqa: F401
from .staff import *  # noqa: F403
from .stats import Customer, CustomerStats, RfmGroup  # noqa: F401
from .stock_alerts import StockAlert  # noqa: F401
from .tracking import EventKind, TrackingDaily, TrackingEvent  # noqa: F401
