"""Read the desk's maildir into tickets: `manage.py complaints_read_maildir [--maildir PATH]`.

Run it from the mail server's delivery hook or a timer; safe to run twice (taken messages move to
cur/ marked processed, and a message taken again is recognised by its Message-ID)."""

import mailbox

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.services.inbound import complaints_maildir_read


class Command(BaseCommand):
    help = "Take the unread messages of the complaint desk's maildir into tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--maildir", default="", help="The maildir (default: COMPLAINTS_INBOUND_MAILDIR)."
        )

    def handle(self, *args: object, maildir: str = "", **options: object) -> None:
        path = maildir or settings.COMPLAINTS_INBOUND_MAILDIR
        if not path:
            raise CommandError("No maildir: set COMPLAINTS_INBOUND_MAILDIR or give --maildir.")
        try:
            run = complaints_maildir_read(path=path)
        except (mailbox.NoSuchMailboxError, FileNotFoundError, NotADirectoryError):
            raise CommandError(f"{path} is not a maildir (it needs new/ and cur/).") from None
        self.stdout.write(
            f"new tickets: {run.new_tickets}, threaded: {run.threaded}, "
            f"duplicates: {run.duplicates}, refused: {run.refused}, failed: {run.failed}"
        )
        if run.failed:
            raise CommandError(f"{run.failed} message(s) not taken; they stay for the next run.")
