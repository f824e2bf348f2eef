"""The customer's profile: one door for every change."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import CustomerProfile
from crm.models.profile import normalise_interest_tags
from shop.models import User

EDITABLE = {
    "birth_date",
    "gender",
    "gender_in_offers",
    "city",
    "interest_tags",
    "preferred_channel",
}


def profile_update(*, user: User, **fields: Any) -> CustomerProfile:
    """Change the named profile fields (and `interest_categories`, any iterable of categories).

    Fields not named stay as they are. Raises ValidationError and changes nothing when a value
    is invalid (a future birth date, an unknown city, more than ten interests).
    """
    unknown = set(fields) - EDITABLE - {"interest_categories"}
    if unknown:
        raise TypeError(f"not profile fields: {', '.join(sorted(unknown))}")
    categories = fields.pop("interest_categories", None)
    if "interest_tags" in fields:
        fields["interest_tags"] = normalise_interest_tags(
            list(fields["interest_tags"] or []), language=user.language
        )
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        profile = CustomerProfile.objects.filter(user=user).first() or CustomerProfile(user=user)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.full_clean(exclude=["user"])
        profile.save()
        if categories is not None:
            chosen = list(categories)
            inactive = [category for category in chosen if not category.is_active]
            if inactive:
                raise ValidationError(
                    {"interest_categories": _("Choose from the categories we list.")},
                    code="invalid_choice",
                )
            profile.interest_categories.set(chosen)
        return profile
