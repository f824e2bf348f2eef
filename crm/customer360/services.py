"""Writes of the customer 360: every opening of a customer's page is audited."""

from django.db import transaction

from shop.audit import audit_record
from shop.models import AuditEntry, User

AUDIT_ACTION = "customer360.view"


def customer360_record_view(*, customer: User, by: User) -> AuditEntry:
    """Record that `by` opened `customer`'s 360 (KVKK: who looked at whose data, when)."""
    with transaction.atomic():
        return audit_record(actor=by, action=AUDIT_ACTION, target=("shop.user", customer.pk))
