"""Privacy requests (KVKK art. 11): the data export is recorded; erasure anonymises in place.

The user row cannot be deleted (payments and orders protect it), so erasure blanks it and runs
every registered step in one transaction with the row locked; Stripe is called after commit.
"""

from dataclasses import dataclass

from django.db import transaction

from shop.audit import audit_record
from shop.models import User

from .erasure import erased_email
from .exceptions import ErasureRefused
from .registry import ERASURE_STEPS
from .selectors import erasure_refusal


@dataclass(frozen=True)
class Erasure:
    user_id: int
    already_erased: bool
    counts: dict[str, int]


def privacy_export_record(*, user: User) -> None:
    """Record in the audit trail that the customer downloaded their data."""
    with transaction.atomic():
        audit_record(actor=user, action="privacy.export", target=("user", user.pk))


def account_erase(*, user: User, by: User | None = None) -> Erasure:
    """Anonymise the account in place; raises ErasureRefused (with the customer's message) while
    money is held. A second run finds it erased and changes nothing."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.email == erased_email(locked) and not locked.is_active:
            return Erasure(user_id=locked.pk, already_erased=True, counts={})
        reason = erasure_refusal(user=locked, erasing=True)
        if reason:
            raise ErasureRefused(reason)
        counts = {}
        for name, step in ERASURE_STEPS.items():
            result = step.run(locked)
            counts[name] = result if isinstance(result, int) else int(bool(result))
        locked.email = erased_email(locked)
        locked.first_name = locked.last_name = locked.phone = ""
        locked.is_active = False
        locked.set_unusable_password()  # every other signed-in session stops verifying
        locked.save()
        locked.groups.clear()
        locked.user_permissions.clear()
        audit_record(
            actor=by or locked,
            action="privacy.erase",
            target=("user", locked.pk),
            details={"counts": counts},
        )
    return Erasure(user_id=locked.pk, already_erased=False, counts=counts)
