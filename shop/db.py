"""Database pieces the apps share: the append-only guard their ledgers put on PostgreSQL."""

from django.db import migrations
from django.db.models import CharField, Func

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


# Turkish letters → ASCII, as `shop.text.fold` does, for a name searched in the database.
_TURKISH_FROM = "İIıŞşĞğÜüÖöÇç"
_TURKISH_TO = "iiissgguuoocc"


class FoldedText(Func):
    """`fold` in SQL for a column: Turkish letters to ASCII, then lower case, so "ayse" finds
    "Ayşe" and "YILMAZ" finds "Yılmaz". PostgreSQL: LOWER(TRANSLATE(col, …)) — the expression
    the trigram indexes of shop 0005 are built on; SQLite: REPLACE per letter."""

    output_field = CharField()

    def __init__(self, expression: object) -> None:
        super().__init__(expression)

    def as_postgresql(self, compiler: object, connection: object, **extra: object) -> tuple:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, '{_TURKISH_FROM}', '{_TURKISH_TO}'))", params

    def as_sql(self, compiler: object, connection: object, **extra: object) -> tuple:
        sql, params = compiler.compile(self.source_expressions[0])
        for letter, plain in zip(_TURKISH_FROM, _TURKISH_TO, strict=True):
            sql = f"REPLACE({sql}, '{letter}', '{plain}')"
        return f"LOWER({sql})", params


def folded_index_sql(*, name: str, table: str, column: str) -> str:
    """A PostgreSQL trigram index on a column's folded text (see FoldedText)."""
    folded = f"LOWER(TRANSLATE(\"{column}\", '{_TURKISH_FROM}', '{_TURKISH_TO}'))"
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({folded}) gin_trgm_ops)"
