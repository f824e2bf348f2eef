"""Demo data: the shop's own part (staff and customers) and a registry other apps add to.

`seed_demo` runs the shop's seeder first, then each registered seeder in registration order
(apps register in their `AppConfig.ready()`, so lower apps seed before the apps that use them).
Every seeder must be idempotent: running it twice changes nothing.
"""

from collections.abc import Callable

from django.db import transaction

from .models import User

DEMO_ADMIN_EMAIL = "admin@dukkan.local"
DEMO_ADMIN_PASSWORD = "dukkan-admin"
DEMO_CUSTOMER_PASSWORD = "dukkan-demo"
DEMO_CUSTOMERS = [
    ("ayse@example.com", "Ayşe", "Yılmaz", "+905321234567", "tr"),
    ("mehmet@example.com", "Mehmet", "Demir", "+905421234567", "tr"),
    ("emma@example.com", "Emma", "Clarke", "+447700900123", "en"),
]

Seeder = Callable[[], str]
_seeders: list[tuple[str, Seeder]] = []
# What any catalog needs before an order can be placed (orders adds its carrier and rates), so
# a benchmark catalog (`seed_catalog`) is shoppable without the whole demo.
_checkout_essentials: list[tuple[str, Seeder]] = []


def register_seeder(name: str, seeder: Seeder) -> None:
    """Add an app's demo seeder; it returns a one-line summary of what exists afterwards."""
    if name not in {existing for existing, _ in _seeders}:
        _seeders.append((name, seeder))


def registered_seeders() -> list[tuple[str, Seeder]]:
    return [("accounts", seed_accounts), ("calendar", seed_calendar_years), *_seeders]


# Logins the apps' demo data make (label, email, password), printed by `seed_demo`.
_logins: list[tuple[str, str, str]] = []


def register_demo_login(label: str, email: str, password: str) -> None:
    """Add a demo login (e.g. a staff role's) for `seed_demo` to print after the admin's."""
    if email not in {existing for _, existing, _ in _logins}:
        _logins.append((label, email, password))


def registered_demo_logins() -> list[tuple[str, str, str]]:
    return list(_logins)


def register_checkout_essentials(name: str, seeder: Seeder) -> None:
    """Add an idempotent seeder of what checkout needs (e.g. shipping methods and rates)."""
    if name not in {existing for existing, _ in _checkout_essentials}:
        _checkout_essentials.append((name, seeder))


def seed_checkout_essentials() -> list[tuple[str, str]]:
    """Run every registered checkout-essentials seeder; (name, summary) of each."""
    return [(name, seeder()) for name, seeder in _checkout_essentials]


@transaction.atomic
def seed_accounts() -> str:
    admin = User.objects.filter(email__iexact=DEMO_ADMIN_EMAIL).first()
    if admin is None:
        User.objects.create_superuser(
            DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, first_name="Dükkan", last_name="Admin"
        )
    for email, first, last, phone, language in DEMO_CUSTOMERS:
        if not User.objects.filter(email__iexact=email).exists():
            User.objects.create_user(
                email,
                DEMO_CUSTOMER_PASSWORD,
                first_name=first,
                last_name=last,
                phone=phone,
                language=language,
            )
    _verify_demo_emails()
    return f"{User.objects.count()} users"


def seed_calendar_years() -> str:
    """This year's and next year's holidays in the business calendar, as the daily job makes
    sure of (the job's first run is a day after start)."""
    from django.utils import timezone

    from .models import CalendarDay
    from .services import calendar_seed

    year = timezone.localdate().year
    made = calendar_seed(year=year) + calendar_seed(year=year + 1)
    return f"{made} calendar days added, {CalendarDay.objects.count()} in all"


def _verify_demo_emails() -> None:
    from allauth.account.models import EmailAddress

    for user in User.objects.filter(email__in=[DEMO_ADMIN_EMAIL, *(c[0] for c in DEMO_CUSTOMERS)]):
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
