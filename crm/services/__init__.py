"""Every write of the CRM that matters, one transaction each, split by subject.

Import from here: `from crm import services; services.profile_update(...)`.
"""

from .consent import marketing_consent_record
from .profile import profile_update

__all__ = ["marketing_consent_record", "profile_update"]
