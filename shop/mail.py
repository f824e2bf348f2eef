"""The embedded default's email backend: every message to var/mail and, outside production, to
the console too (production logs must never hold reset or sign-in links).

Each message is written twice, side by side: `<stamp>.eml`, the raw MIME a mail client opens,
and `<stamp>.txt`, the same message decoded for a person (quoted-printable soft line breaks
would otherwise cut a verification link in two). The console prints the decoded text.
"""

import sys
from datetime import datetime
from pathlib import Path
from uuid import uuid4

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend


def readable_message(message: EmailMessage) -> str:
    """Headers a person looks at, the plain-text body as written, and the attachments' names."""
    lines = [
        f"From: {message.from_email}",
        f"To: {', '.join(message.to)}",
        *([f"Cc: {', '.join(message.cc)}"] if message.cc else []),
        *([f"Reply-To: {', '.join(message.reply_to)}"] if message.reply_to else []),
        f"Subject: {message.subject}",
        "",
        str(message.body),
    ]
    names = [_attachment_name(item) for item in message.attachments]
    if names:
        lines += ["", "Attachments: " + ", ".join(names)]
    if getattr(message, "alternatives", None):
        lines += ["", "(An HTML version is in the .eml file next to this one.)"]
    return "\n".join(lines)


def _attachment_name(item: object) -> str:
    filename = getattr(item, "filename", None)
    if filename is None and isinstance(item, tuple):
        filename = item[0]
    if filename is None and hasattr(item, "get_filename"):
        filename = item.get_filename()
    return str(filename or "attachment")


class ConsoleAndFileEmailBackend(FileBackend):
    def __init__(self, *, console: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._console = console

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        sent = 0
        folder = Path(self.file_path)
        for message in email_messages:
            if not message.recipients():
                continue
            stem = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid4().hex[:8]}"
            (folder / f"{stem}.eml").write_bytes(message.message().as_bytes())
            readable = readable_message(message)
            (folder / f"{stem}.txt").write_text(readable + "\n", encoding="utf-8")
            if self._console:
                sys.stdout.write(f"{readable}\n{'-' * 79}\n")
                sys.stdout.flush()
            sent += 1
        return sent
