"""Create (or bring back in line) the shop's staff groups and their permissions."""

from django.contrib.auth.management import create_permissions
from django.core.management.base import BaseCommand

from crm.staff.groups import staff_groups_markdown, staff_groups_setup


class Command(BaseCommand):
    help = "Create the staff groups (docs/staff.md) with exactly their listed permissions."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--markdown",
            action="store_true",
            help="Print the groups → permissions section of docs/staff.md instead.",
        )

    def handle(self, *args: object, markdown: bool = False, **options: object) -> None:
        if markdown:
            self.stdout.write(staff_groups_markdown(), ending="")
            return
        from django.apps import apps

        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        for name in staff_groups_setup():
            self.stdout.write(f"{name}: ok")
