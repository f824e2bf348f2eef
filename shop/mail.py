"""The embedded default's email backend: every message to the console and to a file in var/mail."""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileEmailBackend(FileBackend):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._console = ConsoleBackend()

    def send_messages(self, email_messages: list) -> int:
        sent = super().send_messages(email_messages)
        self._console.send_messages(email_messages)
        return sent
