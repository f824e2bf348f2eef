"""The embedded default's email backend: every message to a file in var/mail and, outside
production, to the console too (production logs must never hold reset or sign-in links)."""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileEmailBackend(FileBackend):
    def __init__(self, *, console: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._console = ConsoleBackend() if console else None

    def send_messages(self, email_messages: list) -> int:
        sent = super().send_messages(email_messages)
        if self._console is not None:
            self._console.send_messages(email_messages)
        return sent
