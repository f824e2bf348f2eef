"""Writes of saved segments: save (checked, counted, audited), delete, recount."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User

from ..models import Segment
from .exceptions import SegmentInUse
from .rules import rules_clean
from .selectors import segment_count


def segment_save(
    *,
    segment: Segment | None = None,
    name: str,
    description: str = "",
    rules: object,
    staff: User | None,
    now: datetime | None = None,
) -> Segment:
    """Create (or change `segment`) with checked rules and its member count now.
    ValidationError (nothing saved) for bad rules or a name already taken."""
    name, description = (name or "").strip(), (description or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the segment a name.")}, code="required")
    clean = rules_clean(rules)
    if not clean["rules"]:
        raise ValidationError(_("Add at least one condition."), code="empty")
    now = now or timezone.now()
    with transaction.atomic():
        taken = Segment.objects.filter(name__iexact=name)
        if segment is not None:
            taken = taken.exclude(pk=segment.pk)
        if taken.exists():
            raise ValidationError(
                {"name": _("A segment named “%(name)s” exists already.") % {"name": name}},
                code="unique",
            )
        created = segment is None
        if created:
            segment = Segment(created_by=staff if staff is not None and staff.pk else None)
        segment.name, segment.description, segment.rules = name, description, clean
        segment.member_count = segment_count(clean, now=now)
        segment.counted_at = now
        segment.save()
        audit_record(
            actor=staff,
            action="segment.create" if created else "segment.change",
            target=segment,
            details={"name": name, "rules": clean, "members": segment.member_count},
        )
    return segment


def segment_delete(*, segment: Segment, staff: User | None) -> None:
    """Delete the segment; SegmentInUse (nothing deleted) while a campaign names it."""
    try:
        with transaction.atomic():
            pk, name = segment.pk, segment.name
            segment.delete()
            audit_record(
                actor=staff,
                action="segment.delete",
                target=("crm.segment", pk),
                details={"name": name},
            )
    except ProtectedError as error:
        users = sorted({str(obj) for obj in error.protected_objects})[:5]
        raise SegmentInUse(
            _("“%(name)s” cannot be deleted: it is used by %(users)s.")
            % {"name": segment.name, "users": ", ".join(users)}
        ) from error


def segment_recount(*, segment: Segment, now: datetime | None = None) -> Segment:
    """Count the segment's members now and store the figure (no audit: nothing a person did)."""
    now = now or timezone.now()
    with transaction.atomic():
        segment.member_count = segment_count(segment.rules, now=now)
        segment.counted_at = now
        segment.save(update_fields=["member_count", "counted_at", "updated_at"])
    return segment
