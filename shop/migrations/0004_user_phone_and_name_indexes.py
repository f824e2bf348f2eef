"""The call-centre lookup's indexes on users: the phone (E.164, as stored), and on PostgreSQL
trigram indexes on UPPER(first_name) / UPPER(last_name) for `icontains` name searches."""

from django.db import migrations, models

NAME_INDEXES = {
    "shop_user_first_name_trgm": "first_name",
    "shop_user_last_name_trgm": "last_name",
}


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in NAME_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON shop_user "
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAME_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("shop", "0003_audit_append_only"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["phone"], name="shop_user_phone_idx"),
        ),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
