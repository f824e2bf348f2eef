"""The customer's address book: saving, defaults, deleting."""

from django.db import transaction

from shop.models import User

from ..models import Address


@transaction.atomic
def address_save(
    *,
    address: Address,
    default_shipping: bool = False,
    default_billing: bool = False,
) -> Address:
    """Save a validated address; making it a default takes that role from the user's others."""
    # Lock the user's row so two tabs setting defaults at once cannot both win.
    User.objects.select_for_update().only("pk").get(pk=address.user_id)
    others = Address.objects.filter(user_id=address.user_id).exclude(pk=address.pk)
    first = not others.exists()
    if default_shipping or first:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
        address.is_default_shipping = True
    if default_billing or first:
        others.filter(is_default_billing=True).update(is_default_billing=False)
        address.is_default_billing = True
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; a default role passes to the most recently used remaining one."""
    User.objects.select_for_update().only("pk").get(pk=address.user_id)
    was_shipping, was_billing = address.is_default_shipping, address.is_default_billing
    user_id = address.user_id
    address.delete()
    successor = Address.objects.filter(user_id=user_id).order_by("-updated_at").first()
    if successor and (was_shipping or was_billing):
        successor.is_default_shipping |= was_shipping
        successor.is_default_billing |= was_billing
        successor.save(update_fields=["is_default_shipping", "is_default_billing"])
