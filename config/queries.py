"""Queries compiled once per process, run with fresh ids each time.

Building a query through the ORM (resolving joins, select_related columns, annotations)
costs more than running it when it reads one case's rows by primary key: on the case page
it was a fifth of the request. A `CompiledQuery` builds its queryset once, with stand-in
ids, keeps the SQL and the compiler's column map, and at each call puts the real ids where
the stand-ins were and turns the rows into model instances as the ORM's own iterable does
(django.db.models.query.ModelIterable). The queryset is the one definition; only the
compiling is saved.

A stand-in is a negative id no row has (or, for text, a string no key has), so no fixed
parameter of the query can be taken for one; the build must use each argument only as a
value to compare with.

On PostgreSQL the query is also prepared on the server, once per connection: its SQL never
changes, and planning the case page's joins took longer than running them (1.6 ms against
0.9 for the case itself). Only these queries are prepared; Django's own cursors stay as the
settings make them.
"""
import contextlib
import copy
import threading
from collections.abc import Callable, Hashable

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_STAND_IN = -3_000_000_000
_STAND_IN_TEXT = "kotae:compiled-query:stand-in:"  # text no key has (keys are [a-z0-9])
_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1  # a 64-bit id column's range


class _Slot(int):
    """Where the compiled SQL takes argument number `self` of the call."""


class CompiledQuery:
    """`build(*ids)` returns a queryset of model instances (no values(), no prefetch);
    `CompiledQuery(build).list(*ids)` is `list(build(*ids))`, compiled once per database.
    With `text=True` the arguments are strings (a session's key), not ids."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], arity: int = 1,
                 *, text: bool = False):
        self.model, self.build, self.arity, self.text = model, build, arity, text
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str):
        stand_ins = ([f"{_STAND_IN_TEXT}{i}" for i in range(self.arity)] if self.text
                     else [_STAND_IN - i for i in range(self.arity)])
        queryset = self.build(*stand_ins)
        if (queryset.model is not self.model or queryset._prefetch_related_lookups
                or queryset._iterable_class is not ModelIterable):
            raise TypeError("a compiled query yields model instances and prefetches nothing")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {value: _Slot(i) for i, value in enumerate(stand_ins)}
        template = tuple(slots.get(param, param) if isinstance(param, Hashable)
                         and not isinstance(param, bool) else param for param in params)
        if sum(isinstance(param, _Slot) for param in template) < self.arity:
            raise TypeError("every argument must appear in the compiled query")
        compiler.connection = None  # each call gives its own thread's (no thread's is kept)
        return compiler, sql, template

    def list(self, *ids: int) -> list[Model]:
        return list_together((self, ids))[0]

    def _statement(self, ids: tuple) -> tuple | None:
        """The alias, compiler, SQL and parameters that read the rows of `ids` (None: no
        row can have such an id, and the database would refuse the number)."""
        if len(ids) != self.arity:
            raise TypeError(f"expected {self.arity} ids")
        if self.text:
            ids = tuple(str(value) for value in ids)
        else:
            ids = tuple(int(value) for value in ids)
            if any(not _ID_MIN <= value <= _ID_MAX for value in ids):
                return None
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        prototype, sql, template = compiled
        params = tuple(ids[param] if isinstance(param, _Slot) else param
                       for param in template)
        return alias, prototype, sql, params


def list_together(*calls: tuple[CompiledQuery, tuple]) -> list[list[Model]]:
    """`[query.list(*ids) for query, ids in calls]`, the queries sent to PostgreSQL in one
    pipeline: one round trip for all of them instead of one each (the case page's five
    queries of a case's own rows waited 0.1 ms each for the network, more than they ran).

    Each query is still logged and counted, but in a pipeline the wait is in the fetch,
    which Django's query log does not time: their logged times read about 0 ms."""
    statements = [query._statement(tuple(ids)) for query, ids in calls]
    rows: list[list[tuple]] = [[] for _ in statements]
    sent = [i for i, statement in enumerate(statements) if statement is not None]
    for alias in dict.fromkeys(statements[i][0] for i in sent):
        connection = connections[alias]
        mine = [i for i in sent if statements[i][0] == alias]
        # Entering and leaving the pipeline talk to the server too: their errors are
        # Django's, as the cursors' are.
        with connection.wrap_database_errors, _pipeline(connection, len(mine)):
            cursors = []
            try:
                for i in mine:
                    cursors.append(_preparing_cursor(connection))
                    cursors[-1].execute(statements[i][2], statements[i][3])
                for i, cursor in zip(mine, cursors, strict=True):
                    rows[i] = cursor.fetchall()
            finally:
                for cursor in cursors:
                    cursor.close()
    results = []
    for statement, found in zip(statements, rows, strict=True):
        if statement is None:
            results.append([])
            continue
        alias, prototype, _sql, _params = statement
        # A copy per call: this thread's connection for the converters.
        compiler = copy.copy(prototype)
        compiler.connection = connections[alias]
        results.append(list(_instances(compiler, alias, found)))
    return results


def _pipeline(connection: BaseDatabaseWrapper, queries: int):
    """psycopg's pipeline mode for more than one query on PostgreSQL; nothing elsewhere."""
    if queries < 2 or connection.vendor != "postgresql" or _Preparing is None:
        return contextlib.nullcontext()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    return connection.connection.pipeline()


def _preparing_cursor(connection: BaseDatabaseWrapper):
    """Django's cursor (its execute wrappers, query log and error translation), over a
    psycopg cursor that binds parameters on the server and prepares every statement it
    runs, where the database is PostgreSQL; the connection's own cursor elsewhere."""
    if connection.vendor != "postgresql" or _Preparing is None:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _Preparing(connection.connection)
    # Django's own steps for wrapping a new cursor (BaseDatabaseWrapper._prepare_cursor);
    # it has no public way to ask for a cursor of another class.
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return _LoggedAsWritten(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedAsWritten(CursorDebugWrapper):
    """Django's logging cursor (DEBUG, or a test counting queries), but a statement is logged
    as written, its %s and its parameters apart: psycopg keeps no text of a prepared
    statement, where Django reads the one it logs (it logged None)."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return super(CursorDebugWrapper, self).execute(sql, params)


try:
    from django.db.backends.postgresql.base import ServerBindingCursor
except ImportError:  # no psycopg 3 installed
    _Preparing = None
else:
    class _Preparing(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)


def _instances(compiler, alias: str, rows: list[tuple]):
    """The rows as model instances, select_related objects and annotations included: the
    steps of ModelIterable.__iter__ on an already compiled query."""
    results = [rows]
    select, klass_info = compiler.select, compiler.klass_info
    annotation_col_map = compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    related_populators = get_related_populators(klass_info, select, alias)
    for row in compiler.results_iter(results):
        obj = model_cls.from_db(alias, init_list, row[start:end])
        for populator in related_populators:
            populator.populate(row, obj)
        for name, position in (annotation_col_map or {}).items():
            setattr(obj, name, row[position])
        yield obj


def prefetched(instance: Model, name: str, rows: list[Model]) -> None:
    """Hand `rows` to `instance.<name>.all()` as a prefetch would (and each row its
    `instance`), so the page's `case.deadlines.all()` costs no query."""
    manager = getattr(instance, name)
    field = manager.field
    for row in rows:
        field.set_cached_value(row, instance)
    queryset = manager.get_queryset()
    queryset._result_cache, queryset._prefetch_done = rows, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset
