"""The shop's one audit trail: services record who did what to which object, when and why.

`audit_record` writes inside the caller's transaction, so an action that rolls back leaves no
entry, and an entry never exists without its action. Objects are named by type and id
(`("refund", 7)`, or any model instance), so a lower app records without importing a higher one.
"""

from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEntry, User

Target = models.Model | tuple[str, object]


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Target,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: `actor` did `action` to `target` (a model instance or (type, id))."""
    object_type, object_id = audit_target(target)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action[:60],
        object_type=object_type,
        object_id=object_id,
        reason=(reason or "")[:255],
        details=_plain(details or {}),
    )


def audit_target(target: Target) -> tuple[str, str]:
    """The (type, id) an entry names: a model's `app_label.model`, or the pair as given."""
    if isinstance(target, models.Model):
        return target._meta.label_lower[:40], str(target.pk)[:40]
    object_type, object_id = target
    return str(object_type)[:40], str(object_id)[:40]


def audit_trail(*, target: Target) -> models.QuerySet[AuditEntry]:
    """Every entry about one object, newest first."""
    object_type, object_id = audit_target(target)
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )


def _plain(value: Any) -> Any:
    """JSON-safe details: Decimals as strings (money stays exact), the rest as given."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
