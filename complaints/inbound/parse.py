"""A raw inbound email (bytes, as a provider's webhook or a maildir hands it over) read into an
`InboundEmail`: who sent it, which thread it belongs to, its text and its attachments.

Only the standard library's `email` package (policy.default) reads the message; nothing in it is
rendered, fetched or executed. Whether an attachment really is an image is the ticket code's
check (as the catalog validates uploads); this module exposes the bytes and the declared type.
"""

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .exceptions import InboundRefused
from .text import html_to_text, reply_trimmed

# Message-IDs longer than this are stored as their hash (a database column has a size).
MESSAGE_ID_MAX_LENGTH = 250
FILENAME_MAX_LENGTH = 150
_ANGLED = re.compile(r"<([^<>\s]+)>")
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str  # as the sender declared it; not checked against the bytes
    content: bytes

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class InboundEmail:
    message_id: str  # without angle brackets; a hash of the raw bytes when the message has none
    sender: str  # the From address, validated, domain lower-cased
    sender_name: str
    subject: str
    body: str  # the new text: quoted history trimmed
    full_body: str  # the whole text part (or the HTML part as text)
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    recipients: tuple[str, ...]  # To, Cc, Delivered-To, X-Original-To; lower-cased, no repeats
    attachments: tuple[InboundAttachment, ...]
    sent_at: datetime | None
    auto_submitted: bool  # an auto-reply, bounce or list mail: never answer it automatically

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this message answers, nearest first: In-Reply-To, then References
        from the newest back."""
        return tuple(dict.fromkeys((*self.in_reply_to, *reversed(self.references))))

    @property
    def images(self) -> tuple[InboundAttachment, ...]:
        return tuple(item for item in self.attachments if item.is_image)


def _text(value: object) -> str:
    """A header value as text. Unencoded 8-bit headers arrive with surrogate escapes: read them
    as UTF-8, else as Windows-1254 (Turkish), so "Ayşe" stays "Ayşe"."""
    text = "" if value is None else str(value)
    if any("\udc80" <= char <= "\udcff" for char in text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1254", "replace")
    return re.sub(r"\s+", " ", text).strip()


def message_id_normalised(value: str) -> str:
    """`<Abc@host>` → `Abc@host` (case kept: the part before @ is case-sensitive)."""
    value = value.strip()
    found = _ANGLED.search(value)
    value = found.group(1) if found else (value.split() or [""])[0]
    if len(value) > MESSAGE_ID_MAX_LENGTH:
        value = "sha256-" + hashlib.sha256(value.encode()).hexdigest()
    return value


def message_ids(value: str) -> tuple[str, ...]:
    """Every Message-ID in an In-Reply-To or References header, normalised, in order, once."""
    found = _ANGLED.findall(value) or value.split()
    return tuple(dict.fromkeys(filter(None, (message_id_normalised(item) for item in found))))


def _header(message: EmailMessage, name: str) -> str:
    try:
        return _text(message.get(name))
    except (ValueError, IndexError, TypeError):  # a header the parser cannot make sense of
        return ""


def _sender(message: EmailMessage) -> tuple[str, str]:
    """(address, display name) of the first From mailbox; InboundRefused without a usable one."""
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ())
    except (ValueError, IndexError, TypeError):
        addresses = ()
    for address in addresses:
        username, domain = _text(address.username), _text(address.domain).lower()
        candidate = f"{username}@{domain}" if username and domain else ""
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        return candidate, _text(address.display_name)
    raise InboundRefused("no_sender", _header(message, "From")[:200])


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    values = []
    for name in RECIPIENT_HEADERS:
        values.extend(_text(value) for value in message.get_all(name) or ())
    found = (address.strip().lower() for _, address in getaddresses(values))
    return tuple(dict.fromkeys(address for address in found if "@" in address))


def _decoded_text(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def _body(message: EmailMessage) -> tuple[str, EmailMessage | None]:
    """The text to read and the part it came from: text/plain if there is one, else the HTML
    part as plain text."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return _decoded_text(part).replace("\r\n", "\n").strip(), part
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(_decoded_text(part)), part
    return "", None


def _filename(part: EmailMessage, number: int) -> str:
    name = _text(part.get_filename() or "")
    name = _UNSAFE_FILENAME.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    if not name:
        extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"attachment-{number}{extension}"
    if len(name) > FILENAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = FILENAME_MAX_LENGTH - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and 0 < len(extension) < 10 else name[:150]
    return name


def _attachments(message: EmailMessage, body_part: EmailMessage | None) -> tuple:
    found = []
    for part in message.walk():
        if part.is_multipart() or part is body_part:
            continue
        maintype = part.get_content_maintype()
        named = part.is_attachment() or part.get_filename()
        if maintype == "text" and not named:
            continue  # another alternative of the body, not a file
        if maintype == "message":
            continue  # its parts are walked themselves
        content = part.get_payload(decode=True) or b""
        found.append(
            InboundAttachment(
                filename=_filename(part, len(found) + 1),
                content_type=part.get_content_type(),
                content=content,
            )
        )
    return tuple(found)


def _sent_at(message: EmailMessage) -> datetime | None:
    try:
        header = message.get("Date")
        return getattr(header, "datetime", None)
    except (ValueError, IndexError, TypeError):
        return None


def _auto_submitted(message: EmailMessage, sender: str) -> bool:
    auto = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    return (
        (bool(auto) and auto != "no")
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or bool(_header(message, "X-Autoreply") or _header(message, "X-Autorespond"))
        or sender.split("@")[0] in {"mailer-daemon", "postmaster"}
    )


def _fallback_id(message: EmailMessage, raw: bytes) -> str:
    """An id for a message without a Message-ID: a hash of what its sender wrote (the headers
    below and the body bytes), so the same message delivered twice, even by different routes
    adding their own Received or Delivered-To lines, gets the same id."""
    digest = hashlib.sha256()
    for name in ("From", "To", "Cc", "Date", "Subject", "In-Reply-To"):
        digest.update(f"{name}:{_header(message, name)}\n".encode("utf-8", "surrogateescape"))
    normalised = raw.replace(b"\r\n", b"\n")
    digest.update(normalised.partition(b"\n\n")[2].strip())
    return "sha256-" + digest.hexdigest()


def inbound_parse(raw: bytes) -> InboundEmail:
    """Read a raw RFC 5322 message. Raises InboundRefused when it is larger than
    COMPLAINTS_INBOUND_MAX_BYTES, is not a message at all, or has no usable From address."""
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise InboundRefused("unreadable", "empty")
    if len(raw) > settings.COMPLAINTS_INBOUND_MAX_BYTES:
        raise InboundRefused("too_large", f"{len(raw)} bytes")
    raw = bytes(raw)
    message = message_from_bytes(raw, policy=policy.default)
    sender, sender_name = _sender(message)
    full_body, body_part = _body(message)
    message_id = message_id_normalised(_header(message, "Message-ID")) or _fallback_id(message, raw)
    return InboundEmail(
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        subject=_header(message, "Subject"),
        body=reply_trimmed(full_body),
        full_body=full_body,
        in_reply_to=message_ids(_header(message, "In-Reply-To")),
        references=message_ids(_header(message, "References")),
        recipients=_recipients(message),
        attachments=_attachments(message, body_part),
        sent_at=_sent_at(message),
        auto_submitted=_auto_submitted(message, sender),
    )
