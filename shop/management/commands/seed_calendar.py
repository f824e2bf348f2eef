from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from shop.services import calendar_seed


class Command(BaseCommand):
    help = (
        "Write the Turkish public holidays and the bayram eves (half days) of the given years into "
        "the business calendar, from the holidays library; days already there are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="default: this and next")

    def handle(self, *args: object, year: list[int] | None = None, **options: object) -> None:
        this = timezone.localdate().year
        for one in year or [this, this + 1]:
            made = calendar_seed(year=one)
            self.stdout.write(f"{one}: {made} calendar days added")
