"""The audit trail is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on it."""

from django.db import migrations

from shop.db import append_only_tables


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_audit_trail")]

    operations = [append_only_tables("shop_auditentry", user_column="actor_id")]
