"""Keeping the answer-quality roll-ups (complaints.models.quality) in step with the cases.

Every service that changes what the screen counts does its change inside
`quality_tallies_kept(case_ids=...)`: the cases' counts are taken from the cases before
and after (complaints.selectors.quality.quality_groups, the one definition of every
figure, by UTC hour), and the difference is added to the hour and day rows, in the same
transaction. So a roll-up row can never disagree with the cases it counts, whatever the
change was. Nested calls for the same cases count once (the outermost one).
`quality_tallies_rebuild` writes every row from scratch, in bulk.

A case's counts are: its decision (with its decision clock), its first-response clock,
the feedback on it, its answered questions and, for an appeal, the appeal under the
decision it appeals. A decision is never changed once made, so the appeals of a case
need not be counted again when the case changes.
"""
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from django.db import connection, transaction

from complaints.models import QualityTally
from complaints.models.quality import TALLY_COUNTS
from complaints.selectors.quality import GroupKey, quality_groups

# The cases whose counts an outer `quality_tallies_kept` is already keeping.
_kept: ContextVar[frozenset] = ContextVar("quality_tallies_kept", default=frozenset())
Bucket = tuple[str, datetime, int, str, str]  # grain, start, person id (0: none), kind, category


def _buckets(groups: dict[GroupKey, dict], sign: int, into: dict[Bucket, list[int]]) -> None:
    """Add (or with sign -1, take away) the groups' counts to their hour and day rows."""
    for (hour, person, kind, category), counts in groups.items():
        if hour is None:  # nothing places it in any hour (no such row is ever written)
            continue
        day = hour.replace(hour=0)
        for bucket in ((QualityTally.Grain.HOUR.value, hour, person or 0, kind, category),
                       (QualityTally.Grain.DAY.value, day, person or 0, kind, category)):
            row = into[bucket]
            for i, name in enumerate(TALLY_COUNTS):
                row[i] += sign * counts[name]


def _upsert(changes: dict[Bucket, list[int]]) -> None:
    """Add each change to its row, creating the row if need be: one statement, rows in a
    fixed order (concurrent transactions then lock them in the same order)."""
    changes = {bucket: counts for bucket, counts in changes.items() if any(counts)}
    if not changes:
        return
    table = connection.ops.quote_name(QualityTally._meta.db_table)
    keys = ["grain", "starts_at", "person_id", "kind", "category"]
    columns = ", ".join(connection.ops.quote_name(name) for name in (*keys, *TALLY_COUNTS))
    row = "(" + ", ".join(["%s"] * (len(keys) + len(TALLY_COUNTS))) + ")"
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}"
                        for name in map(connection.ops.quote_name, TALLY_COUNTS))
    params = []
    ordered = sorted(changes.items(), key=lambda item: (item[0][0], item[0][1], *item[0][2:]))
    for (grain, starts_at, person, kind, category), counts in ordered:
        params += [grain, connection.ops.adapt_datetimefield_value(starts_at), person, kind,
                   category, *counts]
    # Names from the model's own metadata; every value is a parameter.
    values = ", ".join([row] * len(ordered))
    sql = (f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
           f"ON CONFLICT (grain, starts_at, person_id, kind, category) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def quality_tallies_kept(*, case_ids):
    """Keep the roll-ups in step with whatever the block changes on these cases."""
    ids = frozenset(case_ids) - _kept.get()
    if not ids:
        yield
        return
    with transaction.atomic():
        before = quality_groups(case_ids=ids, by_hour=True)
        token = _kept.set(_kept.get() | ids)
        try:
            yield
        finally:
            _kept.reset(token)
        after = quality_groups(case_ids=ids, by_hour=True)
        changes: dict[Bucket, list[int]] = defaultdict(lambda: [0] * len(TALLY_COUNTS))
        _buckets(after, 1, changes)
        _buckets(before, -1, changes)
        _upsert(changes)


def quality_tallies_add(*, case_ids) -> None:
    """Count new cases (a filed appeal counts under the decision it appeals)."""
    groups = quality_groups(case_ids=frozenset(case_ids), by_hour=True)
    changes: dict[Bucket, list[int]] = defaultdict(lambda: [0] * len(TALLY_COUNTS))
    _buckets(groups, 1, changes)
    _upsert(changes)


@transaction.atomic
def quality_tallies_rebuild(*, batch_size: int = 5000) -> int:
    """Write every roll-up row from the cases, replacing what was there; the row count."""
    changes: dict[Bucket, list[int]] = defaultdict(lambda: [0] * len(TALLY_COUNTS))
    _buckets(quality_groups(by_hour=True), 1, changes)
    QualityTally.objects.all().delete()
    QualityTally.objects.bulk_create(
        (QualityTally(grain=grain, starts_at=starts_at.astimezone(UTC), person_id=person,
                      kind=kind, category=category, **dict(zip(TALLY_COUNTS, counts,
                                                               strict=True)))
         for (grain, starts_at, person, kind, category), counts in changes.items()
         if any(counts)),
        batch_size=batch_size)
    return QualityTally.objects.count()
