"""Database pieces the apps share: the append-only guard their ledgers put on PostgreSQL."""

from django.db import migrations

_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION dukkan_append_only() RETURNS trigger AS $$
BEGIN
    -- A deleted user's rows keep everything but who made them (the foreign key's SET NULL).
    IF TG_OP = 'UPDATE' AND TG_NARGS > 0
       AND (to_jsonb(NEW) ->> TG_ARGV[0]) IS NULL
       AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_tables(*tables: str, user_column: str) -> migrations.RunPython:
    """A migration step: on PostgreSQL a trigger refuses UPDATE and DELETE on these tables, what
    ever code (or a raw query) tries, except clearing `user_column` when that user is deleted.
    SQLite keeps the models' own guard only."""

    def on(apps: object, schema_editor: object) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_APPEND_ONLY_FUNCTION, params=None)
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION dukkan_append_only('{user_column}');"
            )

    def off(apps: object, schema_editor: object) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")

    return migrations.RunPython(on, off)
