"""Run the local fake Stripe server (localstripe) bound to 127.0.0.1 only."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve localstripe, the local fake Stripe API and Stripe.js shim, on 127.0.0.1."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--keep", action="store_true", help="Keep state from the previous run.")

    def handle(self, *args: object, port: int | None, keep: bool, **options: object) -> None:
        try:
            import localstripe.server as fake
            from aiohttp import web
        except ImportError as error:
            raise CommandError("localstripe is not installed: pip install -e '.[local]'") from error
        from django.conf import settings

        port = port or settings.FAKE_STRIPE_PORT
        if keep:
            fake.store.try_load_from_disk()
        self.stdout.write(f"Fake Stripe on http://127.0.0.1:{port}")
        web.run_app(fake.app, host="127.0.0.1", port=port, print=None)
