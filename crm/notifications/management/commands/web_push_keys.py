"""Make a VAPID key pair for browser notifications: print it for the environment, or (`--dev`,
what `make run` does) write the development pair once to WEB_PUSH_VAPID_DEV_FILE."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.notifications.push import vapid_pair_generate


class Command(BaseCommand):
    help = "Make a VAPID key pair for browser notifications (Web Push)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Write the development pair to var/ unless it or the environment has one.",
        )

    def handle(self, *args: object, dev: bool = False, **options: object) -> None:
        if not dev:
            public, private = vapid_pair_generate()
            self.stdout.write(f"WEB_PUSH_VAPID_PUBLIC_KEY={public}")
            self.stdout.write(f"WEB_PUSH_VAPID_PRIVATE_KEY={private}")
            return
        if settings.PRODUCTION:
            raise CommandError("No development key pair in production: set the environment.")
        path = settings.WEB_PUSH_VAPID_DEV_FILE
        if settings.WEB_PUSH_VAPID_PRIVATE_KEY or path.exists():
            self.stdout.write("Browser notifications: a VAPID key pair is already set.")
            return
        public, private = vapid_pair_generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"public_key": public, "private_key": private}) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"Browser notifications: a development key pair was written to {path}.")
