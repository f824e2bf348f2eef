"""Human-friendly numbers read out on the phone (DK-7KQ2-M9XD for an order, SK-… for a
complaint): two groups of four from an alphabet without 0/O or 1/I."""

import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Model

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone
ATTEMPTS = 5


def human_number(prefix: str) -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(2))
    return f"{prefix}-{'-'.join(groups)}"


def insert_with_number(
    instance: Model, *, prefix: str, other_conflict: Callable[[], bool] = lambda: False
) -> bool:
    """Insert the row under a fresh `number`, retrying the rare collision; False when every
    attempt collided. `other_conflict()` says an IntegrityError came from another unique
    field (then it is raised, not retried)."""
    for _attempt in range(ATTEMPTS):
        instance.number = human_number(prefix)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
            return True
        except IntegrityError:
            if other_conflict():
                raise
            instance.pk = None
    return False
