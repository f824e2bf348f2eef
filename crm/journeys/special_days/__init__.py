"""The special days journey: a greeting to everyone who may receive marketing on the national
days, the bayrams and the days staff add (crm.models.SpecialDay), on the morning of the day,
in each customer's language; optionally with a coupon for everyone (sweep.py)."""

from django.utils.translation import gettext_lazy as _

from crm.notifications.kinds import EditableText, MessageKind, register_kind
from crm.notifications.models import Category
from shop.demo import register_seeder

from ..registry import Journey, register_journey
from .seed import special_days_seed
from .sweep import (
    CHANNELS,
    KIND,
    NAME,
    calendar_holidays,
    special_days_batch,
    special_days_on,
    special_days_sweep,
)

__all__ = [
    "calendar_holidays",
    "register",
    "special_days_batch",
    "special_days_on",
    "special_days_seed",
    "special_days_sweep",
]


def register() -> None:
    register_kind(
        MessageKind(
            KIND,
            Category.MARKETING,
            CHANNELS,
            {"first_name": "Ayşe", "occasion": "Ramazan Bayramı", "coupon": "BAYRAM10"},
            text=EditableText(
                subject=_("{occasion} | {site_name}"),
                body=_(
                    "Hello {first_name},\n\nOn {occasion}, we send you and your loved ones our "
                    "warmest wishes.\n\nWarm regards,\n{site_name}"
                ),
                sms=_("{first_name}, our warmest wishes on {occasion}. {site_name}"),
                placeholders=("first_name", "occasion", "coupon", "site_name"),
            ),
        )
    )
    register_journey(
        Journey(
            name=NAME,
            title=_("Special days and holidays"),
            description=_(
                "On national days, the bayrams and the special days listed under CRM → Special "
                "days, a greeting on the morning of the day to everyone who consented."
            ),
            kinds=(KIND,),
            job="journey-special-days",
        )
    )
    register_seeder("special-days", seed_special_days_demo)


def seed_special_days_demo() -> str:
    """The starting special days, as the data migration makes them (a flushed test database
    has none)."""
    from crm.models import SpecialDay

    made = special_days_seed()
    return f"{made} special days added, {SpecialDay.objects.filter(enabled=True).count()} on"
