"""The seeded customers (seed-customer-0…, made once, reused) and the carriers parcels go with."""

import random

from django.contrib.auth.hashers import make_password

from orders.models import Carrier
from shop.models import User

BATCH = 1000
CUSTOMER_EMAIL = "seed-customer-{n}@example.com"
FIRST_NAMES = ["Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Ahmet", "Emma", "Can", "İpek"]
LAST_NAMES = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Clarke", "Aydın"]
# Made when the shop has fewer than three active carriers, so carriers can be compared.
CARRIERS = [
    (
        "Yurtiçi Kargo",
        "https://www.yurticikargo.com/tr/online-servisler/gonderi-sorgula?code={number}",
    ),
    ("Aras Kargo", "https://kargotakip.araskargo.com.tr/mainpage.aspx?code={number}"),
    ("PTT Kargo", "https://gonderitakip.ptt.gov.tr/Track/Verify?q={number}"),
]


def seed_customers(count: int) -> list[int]:
    """`count` customers seed-customer-0… (made once; reruns reuse them); their ids in order."""
    emails = [CUSTOMER_EMAIL.format(n=n) for n in range(count)]
    existing = ids_by_email(emails)
    password = make_password(None)  # unusable: nobody signs in as a seeded customer
    missing = []
    for n, email in enumerate(emails):
        if email not in existing:
            rng = random.Random(n)  # noqa: S311 - benchmark data, not security
            missing.append(
                User(
                    email=email,
                    password=password,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    phone=f"+90532{n % 10_000_000:07d}" if n % 3 else "",
                    language="tr" if n % 4 else "en",
                )
            )
    User.objects.bulk_create(missing, batch_size=BATCH * 5)
    existing = ids_by_email(emails)
    return [existing[email] for email in emails]


def ids_by_email(emails: list[str]) -> dict[str, int]:
    """Looked up in batches: PostgreSQL takes at most 65,535 parameters in one statement."""
    found: dict[str, int] = {}
    for start in range(0, len(emails), BATCH * 10):
        part = emails[start : start + BATCH * 10]
        found.update(User.objects.filter(email__in=part).values_list("email", "pk"))
    return found


def emails_by_id(ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), BATCH * 10):
        part = ids[start : start + BATCH * 10]
        found.update(User.objects.filter(pk__in=part).values_list("pk", "email"))
    return found


def carriers_in_use() -> tuple[list[Carrier], int]:
    """Three active carriers (the shop's own first, seeded ones added when fewer); and how
    many were made now."""
    carriers = list(Carrier.objects.filter(is_active=True).order_by("pk")[:3])
    made = 0
    for name, url in CARRIERS:
        if len(carriers) >= 3:
            break
        if any(carrier.name == name for carrier in carriers):
            continue
        carrier, created = Carrier.objects.get_or_create(
            name=name, defaults={"tracking_url_template": url, "adapter": "manual"}
        )
        made += created
        carriers.append(carrier)
    return carriers, made
