"""Trigram indexes for the desk's word search, on PostgreSQL only.

`title__icontains` becomes `UPPER(title::text) LIKE UPPER('%…%')`; a GIN trigram index
on that expression answers it without reading the whole table. SQLite has no such index
and does without. Creating the extension needs a superuser or a database owner that may;
without it the migration goes on and the search still works, only slower.
"""
import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = [
    ("case_title_trgm", "complaints_case"),
    ("work_title_trgm", "complaints_work"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, table in INDEXES:
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                    f"USING gin ((UPPER(title::text)) gin_trgm_ops)"
                )
    except DatabaseError as exc:
        logger.warning("No trigram indexes (search stays correct, only slower): %s", exc)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_event_times")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
