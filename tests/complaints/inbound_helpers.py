"""Raw RFC 5322 messages for the inbound-email tests, built with the standard library."""

import os
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from io import BytesIO

from PIL import Image


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "red", noise: bool = False) -> bytes:
    """A real PNG; with noise it does not compress (its size is about 3 bytes a pixel)."""
    buffer = BytesIO()
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, color)
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def raw_email(
    *,
    sender: str = "Ayşe Yılmaz <ayse@example.com>",
    to: str = "destek@dukkan.local",
    subject: str = "Kargom gelmedi",
    body: str = "Siparişim bir haftadır gelmedi.",
    message_id: str | None = "<CA+first-1@mail.example.com>",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 12, 7, 9, 30, tzinfo=UTC))
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
