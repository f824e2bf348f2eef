"""Rows written fast: ids given by us, PostgreSQL's COPY (SQLite: `bulk_create` with the ids).

Building a model instance per row and letting `bulk_create` prepare every value costs more than
the database's own work at a million rows. A `Table` takes plain values (by attribute name,
foreign keys as `<name>_id`), fills in the model's defaults, and gives each row its id at once,
so dependent rows can point at it before anything is sent. The ids come from the table's own
sequence: the run holds the tables locked against other writers (in its transaction) and moves
each sequence past the ids it used at the end.
"""

from datetime import datetime

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import JSONField, Model


class Table:
    def __init__(self, model: type[Model], now: datetime) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.json = [isinstance(f, JSONField) for f in fields]
        self.defaults = [self._default(f, now) for f in fields]
        self.rows: list[dict] = []
        self.next_id = 0
        self.used = 0

    @staticmethod
    def _default(field, now: datetime) -> object:
        if field.primary_key:
            return None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        return "" if field.empty_strings_allowed else None

    def start(self) -> None:
        """Lock the table against other writers and take the next id from its sequence."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'LOCK TABLE "{self.name}" IN SHARE ROW EXCLUSIVE MODE')
                sequence = f"pg_get_serial_sequence('\"{self.name}\"', 'id')"
                highest = f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{self.name}"'  # noqa: S608
                cursor.execute(f"SELECT GREATEST(nextval({sequence}), ({highest}))")
            else:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{self.name}"')  # noqa: S608
            self.next_id = cursor.fetchone()[0]

    def add(self, **values: object) -> int:
        pk = values["id"] = self.next_id
        self.next_id += 1
        self.rows.append(values)
        return pk

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        self.used += len(rows)
        if connection.vendor != "postgresql":
            self.model.objects.bulk_create([self.model(**row) for row in rows], batch_size=500)
            return
        from psycopg.types.json import Jsonb

        pairs = list(zip(self.attnames, self.defaults, self.json, strict=True))
        columns = ", ".join(f'"{c}"' for c in self.columns)
        sql = f'COPY "{self.name}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    [_json(row.get(a, d), Jsonb) if j else row.get(a, d) for a, d, j in pairs]
                )

    def finish(self) -> None:
        """Move the sequence past the ids used (PostgreSQL; SQLite's follows by itself)."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.name}\"', 'id'), %s)",
                [max(self.next_id - 1, 1)],
            )


def _json(value: object, wrap: type) -> object:
    return None if value is None else wrap(value)


class Tables:
    """Every table a run writes, by model; flushed together in dependency order.

    On PostgreSQL, when the connection may (a superuser's, as the bench's and the tests'), the
    row-by-row foreign key triggers are off for the run (`session_replication_role = replica`,
    for this transaction only) and every foreign key of the rows written is checked afterwards
    in one anti-join per key instead: at a million rows the triggers' checks at commit took
    longer than writing the rows. Otherwise the database checks them at commit as usual.
    """

    def __init__(self, models: list[type[Model]], now: datetime) -> None:
        self.tables = {model: Table(model, now) for model in models}
        for table in self.tables.values():
            table.start()
        self.unchecked = _triggers_off()

    def __getitem__(self, model: type[Model]) -> Table:
        return self.tables[model]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def finish(self) -> None:
        self.flush()
        for table in self.tables.values():
            table.finish()
        if self.unchecked:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
            for table in self.tables.values():
                _keys_check(table)


def _triggers_off() -> bool:
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # not a superuser: the triggers stay on
        return False
    return True


def _keys_check(table: Table) -> None:
    """Every foreign key of the rows this run wrote points at a row (the triggers' check)."""
    if not table.used:
        return
    first = table.next_id - table.used
    for field in table.model._meta.concrete_fields:
        if not (field.is_relation and field.db_constraint):
            continue
        parent = field.related_model._meta
        target, column = field.target_field.column, field.column
        parent_row = f'SELECT 1 FROM "{parent.db_table}" p WHERE p."{target}" = c."{column}"'  # noqa: S608
        missing = f'c."{column}" IS NOT NULL AND NOT EXISTS ({parent_row})'
        sql = f'SELECT c.id FROM "{table.name}" c WHERE c.id >= %s AND {missing} LIMIT 1'  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [first])
            broken = cursor.fetchone()
        if broken is not None:
            raise IntegrityError(
                f"{table.name} {broken[0]}: {field.column} points at no {parent.db_table} row"
            )
