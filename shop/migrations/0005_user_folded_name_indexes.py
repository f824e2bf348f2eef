"""The call-centre lookup finds "Ayşe" from "ayse": on PostgreSQL the name indexes are trigram
indexes on the folded names (shop.db.FoldedText), replacing those on UPPER(name)."""

from django.db import migrations

from shop.db import folded_index_sql

OLD = ("shop_user_first_name_trgm", "shop_user_last_name_trgm")
NEW = {"shop_user_first_name_fold_trgm": "first_name", "shop_user_last_name_fold_trgm": "last_name"}


def folded_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, column in NEW.items():
        schema_editor.execute(folded_index_sql(name=name, table="shop_user", column=column))


def drop_folded_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NEW:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, column in zip(OLD, NEW.values(), strict=True):
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON shop_user USING gin (UPPER("{column}") gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_user_phone_and_name_indexes")]

    operations = [migrations.RunPython(folded_indexes, drop_folded_indexes)]
