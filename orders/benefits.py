"""What a customer's standing gives them at checkout (free shipping), from whoever knows it.

A small registry: sources are registered in an AppConfig.ready() (the loyalty tiers of
payments now; crm's segments later could add theirs), and the cart's pricing asks
`customer_benefits` without knowing where a benefit comes from.
"""

from collections.abc import Callable
from dataclasses import dataclass

from shop.models import User


@dataclass(frozen=True)
class CustomerBenefits:
    free_shipping: bool = False
    labels: tuple[str, ...] = ()  # what gave them ("Gold"), for the page


BenefitSource = Callable[[User], CustomerBenefits]

_sources: dict[str, BenefitSource] = {}


def register_customer_benefits(name: str, source: BenefitSource) -> None:
    """Add (or replace) one source of benefits under a name."""
    _sources[name] = source


def customer_benefits(*, user: User | None) -> CustomerBenefits:
    """Every registered source's benefits for a signed-in customer, merged; none for a guest."""
    if user is None or not user.is_authenticated:
        return CustomerBenefits()
    free_shipping, labels = False, []
    for source in _sources.values():
        benefits = source(user)
        free_shipping = free_shipping or benefits.free_shipping
        labels.extend(benefits.labels)
    return CustomerBenefits(free_shipping=free_shipping, labels=tuple(labels))


def loyalty_tier_benefits(user: User) -> CustomerBenefits:
    """The loyalty tier the customer's 12-month spend reaches (payments keeps the tiers)."""
    from payments.services.points import loyalty_tier

    tier = loyalty_tier(user_id=user.pk)
    if tier is None:
        return CustomerBenefits()
    return CustomerBenefits(free_shipping=tier.free_shipping, labels=(tier.name,))
