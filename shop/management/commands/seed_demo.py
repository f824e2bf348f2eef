from django.core.management.base import BaseCommand

from shop.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DEMO_CUSTOMER_PASSWORD,
    DEMO_CUSTOMERS,
    registered_demo_logins,
    registered_seeders,
)


class Command(BaseCommand):
    help = "Load the demo data (staff, customers, catalog); running it twice adds nothing."

    def handle(self, *args: object, **options: object) -> None:
        for name, seeder in registered_seeders():
            summary = seeder()
            self.stdout.write(f"  {name}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Admin login:    {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}")
        self.stdout.write(f"  Customer login: {DEMO_CUSTOMERS[0][0]} / {DEMO_CUSTOMER_PASSWORD}")
        for label, email, password in registered_demo_logins():
            self.stdout.write(f"  {label + ':':<15} {email} / {password}")
