"""Message kinds: what each is called, whether it is transactional or marketing, its channels.

Templates live in templates/notifications/<kind>/: subject.txt, body.txt, body.html (email)
and sms.txt, rendered with {% translate %} under the recipient's language. Other apps register
their own kinds in their AppConfig.ready().
"""

from dataclasses import dataclass, field

from .exceptions import UnknownKind
from .models import Category, Channel


@dataclass(frozen=True)
class MessageKind:
    name: str
    category: str
    channels: tuple[str, ...]
    sample_context: dict = field(default_factory=dict)  # for the admin preview


_kinds: dict[str, MessageKind] = {}


def register_kind(kind: MessageKind) -> MessageKind:
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> MessageKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(name) from None


def all_kinds() -> list[MessageKind]:
    return sorted(_kinds.values(), key=lambda k: k.name)


register_kind(
    MessageKind(
        "welcome",
        Category.TRANSACTIONAL,
        (Channel.EMAIL,),
        {"first_name": "Ayşe"},
    )
)
register_kind(
    MessageKind(
        "promotion",
        Category.MARKETING,
        (Channel.EMAIL, Channel.SMS),
        {"first_name": "Ayşe", "headline": "Kış indirimi", "offer": "%20"},
    )
)
