"""The customer's profile, read without writing."""

from crm.models import CustomerProfile
from shop.models import User


def profile_get_or_blank(*, user: User) -> CustomerProfile:
    """The customer's saved profile, or an unsaved blank one: a read never creates a row."""
    profile = CustomerProfile.objects.filter(user=user).first()
    return profile if profile is not None else CustomerProfile(user=user)
