"""A campaign's words: restricted placeholders, checked when saved and filled per recipient.

Built in: {first_name}, {site_name}, {coupon_code}, {coupon_value}, {coupon_expiry} and {link}
(the recipient's tracked link to the landing page). Other apps add a placeholder computed per
recipient with `register_campaign_placeholder` (the monthly "picked for you" campaign names its
products this way), in their AppConfig.ready().
"""

from collections.abc import Callable

from django.conf import settings

from crm.notifications.placeholders import placeholders_check
from crm.notifications.rendering import Words
from shop.models import User

from ..models import Campaign
from .states import CouponMode

BUILT_IN = ("first_name", "site_name", "coupon_code", "coupon_value", "coupon_expiry", "link")
COUPON_PLACEHOLDERS = ("coupon_code", "coupon_value", "coupon_expiry")

PlaceholderFn = Callable[[User, str], str]
_computed: dict[str, PlaceholderFn] = {}


def register_campaign_placeholder(name: str, fn: PlaceholderFn) -> None:
    """Offer `{name}` to campaign texts, its value `fn(user, language)` for each recipient."""
    if name in BUILT_IN or not name.isidentifier():
        raise ValueError(f"cannot register campaign placeholder {name!r}")
    _computed[name] = fn


def unregister_campaign_placeholder(name: str) -> None:
    _computed.pop(name, None)


def campaign_placeholders() -> tuple[str, ...]:
    return BUILT_IN + tuple(sorted(_computed))


def computed_values(*, names: set[str], user: User, language: str) -> dict[str, str]:
    """The registered placeholders among `names`, computed for one recipient."""
    return {name: str(_computed[name](user, language)) for name in names if name in _computed}


def text_fields(channel: str) -> tuple[str, ...]:
    """The campaign's fields the channel uses, per language."""
    names = ("subject", "body") if channel == "email" else ("sms",)
    return tuple(f"{name}_{language}" for language, _ in settings.LANGUAGES for name in names)


def words_by_language(campaign: Campaign) -> dict[str, Words]:
    allowed = campaign_placeholders()
    return {
        language: Words(
            subject=getattr(campaign, f"subject_{language}", ""),
            body=getattr(campaign, f"body_{language}", ""),
            sms=getattr(campaign, f"sms_{language}", ""),
            placeholders=allowed,
        )
        for language, _ in settings.LANGUAGES
    }


def placeholders_used(campaign: Campaign) -> set[str]:
    """Every placeholder the channel's texts name (they were checked when saved)."""
    used: set[str] = set()
    for name in text_fields(campaign.channel):
        used.update(placeholders_check(getattr(campaign, name) or "", campaign_placeholders()))
    return used


def coupon_placeholders_without_coupon(campaign: Campaign) -> bool:
    return campaign.coupon_mode == CouponMode.NONE and bool(
        placeholders_used(campaign) & set(COUPON_PLACEHOLDERS)
    )
