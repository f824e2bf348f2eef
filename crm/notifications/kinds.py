"""Message kinds: what each is called, whether it is transactional or marketing, its channels.

Templates live in templates/notifications/<kind>/: subject.txt, body.txt, body.html (email)
and sms.txt, rendered with {% translate %} under the recipient's language; a browser
notification takes the subject as its title and push.txt (else sms.txt) as its text. Other apps
register their own kinds in their AppConfig.ready().

A kind with an `EditableText` (the journeys) takes its words from a text staff edit per
language (`MessageText`, falling back to the defaults here, translated), rendered with the
restricted placeholders; its templates (or `notifications/_stored/` when it has none) only lay
that text out, with whatever the kind adds around it (a cart's lines, a button).
"""

from dataclasses import dataclass, field

from .exceptions import UnknownKind
from .models import Category, Channel


@dataclass(frozen=True)
class EditableText:
    """The default words of a kind staff may rewrite (lazy translations: one per language)."""

    subject: object
    body: object
    sms: object = ""
    placeholders: tuple[str, ...] = ("first_name", "site_name")


@dataclass(frozen=True)
class MessageKind:
    name: str
    category: str
    channels: tuple[str, ...]
    sample_context: dict = field(default_factory=dict)  # for the admin preview
    # The weekly marketing cap (docs/notifications.md): a marketing kind the customer asked for
    # or that marks their own occasion (a birthday, back in stock, feedback) neither counts
    # towards it nor is held back by it.
    counts_toward_cap: bool = True
    text: EditableText | None = None  # words staff edit (journeys); None: the templates' own


_kinds: dict[str, MessageKind] = {}


def register_kind(kind: MessageKind) -> MessageKind:
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> MessageKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(name) from None


def kinds_outside_cap() -> list[str]:
    """The marketing kinds the weekly cap ignores (they neither count nor are held back)."""
    return sorted(kind.name for kind in _kinds.values() if not kind.counts_toward_cap)


def switchable(kind: MessageKind) -> bool:
    """Whether staff may switch the kind off: marketing and the journeys, never an order's
    own messages."""
    return kind.category == Category.MARKETING or kind.text is not None


def editable_kinds() -> list[MessageKind]:
    return [kind for kind in all_kinds() if kind.text is not None]


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
