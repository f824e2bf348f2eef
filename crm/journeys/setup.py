"""Registers every journey (called from `CrmConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from . import birthday, carts, special_days, win_back
from .back_in_stock.setup import register as register_back_in_stock
from .feedback.setup import register_feedback
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
    carts.register()
    win_back.register()
    register_feedback()
    register_back_in_stock()
    birthday.register()
    special_days.register()
