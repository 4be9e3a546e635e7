"""Writing many rows at once, as fast as the database allows.

On PostgreSQL the rows are streamed with COPY (several times faster than a multi-row
INSERT for thousands of rows); rows whose unique key is already there are skipped by
copying into a temporary table first and inserting from it with ON CONFLICT DO NOTHING.
Elsewhere (SQLite on a laptop) Django's bulk_create does the same job.
"""
import time

from django.db import connection, models, transaction
from django.utils import timezone


def _row(values: dict, fields: list[models.Field], now) -> tuple:
    """One row for COPY: given values by attribute name, defaults for the rest."""
    from psycopg.types.json import Jsonb

    row = []
    for field in fields:
        if field.attname in values:
            value = values[field.attname]
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = now
        else:
            value = field.get_default()
        if isinstance(field, models.JSONField):
            value = Jsonb(value)
        row.append(value)
    return tuple(row)


def rows_insert(model: type[models.Model], rows: list[dict], *,
                skip_conflicts_on: str | None = None) -> None:
    """Insert rows given as {attribute name: value} (ids and auto times filled in).

    `skip_conflicts_on` names a unique field: a row whose value is already there is
    left out, so running the same insert twice writes each row once.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows],
                                  ignore_conflicts=bool(skip_conflicts_on), batch_size=500)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # One transaction: the staging table empties itself at commit (ON COMMIT DELETE ROWS),
    # so in autocommit the rows copied into it were gone before the INSERT read them.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if skip_conflicts_on is None:
            target = table
        else:
            target = connection.ops.quote_name(f"{model._meta.db_table}_incoming")
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} "  # noqa: S608 (names from the model, quoted)
                           f"ON COMMIT DELETE ROWS AS SELECT {columns} FROM {table} WITH NO DATA")
        sql = f"COPY {target} ({columns}) FROM STDIN"
        started = time.monotonic()
        with cursor.cursor.copy(sql) as copy:  # psycopg's own cursor: COPY
            for values in rows:
                copy.write_row(_row(values, fields, now))
        if connection.queries_logged:  # counted like any other query
            connection.queries_log.append(
                {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"})
        if skip_conflicts_on is not None:
            conflict = connection.ops.quote_name(model._meta.get_field(skip_conflicts_on).column)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} "  # noqa: S608
                           f"ON CONFLICT ({conflict}) DO NOTHING")
            cursor.execute(f"TRUNCATE {target}")
