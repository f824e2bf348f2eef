"""Staff's words for the editable kinds and the on/off switch of a kind (journeys)."""

from django.db import transaction

from shop.audit import audit_record
from shop.models import User

from ..exceptions import PlaceholderError
from ..kinds import get_kind
from ..models import KindSwitch, MessageText
from ..placeholders import placeholders_check


def message_text_save(
    *, kind: str, language: str, subject: str, body: str, sms: str, staff: User
) -> MessageText:
    """Store staff's words for a kind in one language; PlaceholderError (nothing saved) when a
    text names a placeholder the kind does not offer."""
    message_kind = get_kind(kind)
    if message_kind.text is None:
        raise PlaceholderError(f"{kind} has no editable text")
    for text in (subject, body, sms):
        placeholders_check(text, message_kind.text.placeholders)
    with transaction.atomic():
        row, _ = MessageText.objects.update_or_create(
            kind=kind,
            language=language,
            defaults={
                "subject": subject.strip(),
                "body": body.strip(),
                "sms": sms.strip(),
                "updated_by": staff,
            },
        )
        audit_record(
            actor=staff, action="message_text.save", target=row, details={"language": language}
        )
    return row


def kind_switch(*, kind: str, enabled: bool, staff: User) -> KindSwitch:
    """Switch a kind off (nothing of it is queued any more) or on again."""
    get_kind(kind)
    with transaction.atomic():
        row, _ = KindSwitch.objects.update_or_create(
            kind=kind, defaults={"enabled": enabled, "changed_by": staff}
        )
        audit_record(
            actor=staff,
            action="message_kind.switch",
            target=row,
            details={"enabled": enabled},
        )
    return row
