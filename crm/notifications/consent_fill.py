"""Fill the current-consent rows from the consent history (run once by a data migration)."""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models import F, OuterRef, Subquery

BATCH = 2000


def consent_current_fill(*, apps: Apps = global_apps) -> int:
    """Write each person's latest decision per channel as the current row; idempotent.

    Takes the app registry so the migration can pass its historical models. Returns how many
    current rows were written or refreshed.
    """
    consent_model = apps.get_model("notifications", "Consent")
    current_model = apps.get_model("notifications", "ConsentCurrent")
    latest = (
        consent_model.objects.filter(user_id=OuterRef("user_id"), channel=OuterRef("channel"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    decisions = (
        consent_model.objects.annotate(latest_pk=Subquery(latest))
        .filter(pk=F("latest_pk"))
        .values_list("user_id", "channel", "granted", "recipient", "source", "created_at")
        .order_by("pk")
    )
    written = 0
    batch = []
    for user_id, channel, granted, recipient, source, created_at in decisions.iterator(
        chunk_size=BATCH
    ):
        batch.append(
            current_model(
                user_id=user_id,
                channel=channel,
                granted=granted,
                recipient=recipient,
                source=source,
                updated_at=created_at,
            )
        )
        if len(batch) >= BATCH:
            written += _upsert(current_model, batch)
            batch = []
    if batch:
        written += _upsert(current_model, batch)
    return written


def _upsert(current_model: type, rows: list) -> int:
    current_model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "channel"],
        update_fields=["granted", "recipient", "source", "updated_at"],
    )
    return len(rows)
