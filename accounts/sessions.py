"""The session store (SESSION_ENGINE): Django's database sessions, with the read that every
signed-in request makes written once as SQL instead of built through the ORM each time.

Building `Session.objects.get(session_key=…, expire_date__gt=now)` took 0.6 ms of the
0.8 ms a session read cost on the case page; the statement below runs in 0.2 (README
"Speed"). It reads the same row the ORM reads: the key given, not yet expired. Writing,
ending and clearing sessions are Django's own.
"""
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    _select: dict[str, str] = {}  # the SQL, per database vendor

    def _get_session_from_db(self):
        key = self.session_key  # None for a key Django would not accept (too short)
        row = None
        if key is not None:
            connection = connections[router.db_for_read(self.model)]
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.execute(self._sql(connection), [key, now])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: a new key if anything is saved
            return None
        return self.model(session_key=key, session_data=row[0])

    def _sql(self, connection) -> str:
        sql = self._select.get(connection.vendor)
        if sql is None:
            meta, quote = self.model._meta, connection.ops.quote_name
            column = {name: quote(meta.get_field(name).column)
                      for name in ("session_key", "session_data", "expire_date")}
            # The names are the model's, quoted; the values are bound parameters.
            sql = (f"SELECT {column['session_data']} FROM {quote(meta.db_table)} "  # noqa: S608
                   f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s")
            self._select[connection.vendor] = sql
        return sql
