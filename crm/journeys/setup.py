"""Registers every journey (called from `CrmConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from . import birthday, special_days
from .registry import Journey, register_journey


def register_journeys() -> None:
    register_journey(
        Journey(
            name="points_expiry",
            title=_("Points expiry reminder"),
            description=_("Two weeks before a lot of loyalty points expires (payments job)."),
            kinds=("points_expiring",),
            job="expire-loyalty-points",
        )
    )
    birthday.register()
    special_days.register()
