"""The audit trail is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on it."""

from django.db import migrations

APPEND_ONLY_FUNCTION = """
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


def append_only(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the model's guard only
    schema_editor.execute(APPEND_ONLY_FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER shop_auditentry_append_only BEFORE UPDATE OR DELETE ON shop_auditentry "
        "FOR EACH ROW EXECUTE FUNCTION dukkan_append_only('actor_id');"
    )


def append_only_off(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS shop_auditentry_append_only ON shop_auditentry;")


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_audit_trail")]

    operations = [migrations.RunPython(append_only, append_only_off)]
