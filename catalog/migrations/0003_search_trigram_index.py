"""A trigram index on the folded search column, on PostgreSQL only (SQLite keeps its scan).

`search_text LIKE '%word%'` (every search word) uses a GIN index with gin_trgm_ops; the search
issue builds ranking on the same index. CREATE EXTENSION needs a role allowed to create it.
"""

from django.db import migrations

INDEX = "catalog_product_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_product "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_listing_fields")]

    operations = [migrations.RunPython(create, drop)]
