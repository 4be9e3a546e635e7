"""The answer-quality figures of the supervisors' dashboard.

The screen reads the roll-ups (complaints.models.quality: counts per UTC day and hour,
person, kind of case and answer category, kept by the services in the same transaction
as each change): a period is whole days, whole hours at its ends and at most two pieces
under an hour, which alone are counted from the cases. So the cost depends on the
length of the period and the number of people, never on the number of cases, and the
figures are exact. `quality_groups` is the one definition of every count, from the cases.

What counts in a period (start inclusive, end exclusive; either may be open):
- decisions made in it (Decision.decided_at), with their decision clock;
- first responses given in it (the first-response clock's met_at), credited to the person
  whose public reply or decision met that clock, as the audit trail records it;
- feedback, and appeals, on the decisions made in it;
- inquiry questions answered in it (Question.answered_at, credited to answered_by).
"""
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.db import connections, router
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import TruncHour

from accounts.models import User
from complaints.domain.events import EventType
from complaints.models import (
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    Decision,
    Feedback,
    QualityTally,
    Question,
)
from complaints.models.quality import TALLY_COUNTS

FIRST_RESPONSE = Deadline.Clock.FIRST_RESPONSE
DECISION = Deadline.Clock.DECISION
CATEGORIES = [value for value, _label in Question.Category.choices]


@dataclass
class Ratio:
    """`part` of `whole`: shown as both, so a small denominator is seen as small."""

    part: int = 0
    whole: int = 0

    @property
    def share(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def add(self, part: int, whole: int) -> None:
        self.part += part
        self.whole += whole


@dataclass
class QualityRow:
    key: object
    label: str
    decided: int = 0
    first_response_on_time: Ratio = field(default_factory=Ratio)
    decision_on_time: Ratio = field(default_factory=Ratio)
    helpful: Ratio = field(default_factory=Ratio)
    appeals_filed: int = 0
    # Appeals upheld (the first decision reversed) of the appeals decided so far.
    appeals_upheld: Ratio = field(default_factory=Ratio)
    answers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    @property
    def answers_total(self) -> int:
        return sum(self.answers.values())

    @property
    def answer_counts(self) -> list[int]:
        """The category counts in the order of Question.Category (for a table row)."""
        return [self.answers[category] for category in CATEGORIES]


@dataclass
class QualityFigures:
    by_operator: list[QualityRow]
    by_kind: list[QualityRow]
    total: QualityRow


Range = tuple[datetime | None, datetime | None]  # [start, end); None is open
Counts = dict[str, int]
# A group: (UTC hour or None, person id or None, kind of case, answer category).
GroupKey = tuple[datetime | None, int | None, str, str]


def _within(field_name: str, ranges: list[Range]) -> Q:
    """In any of the ranges (an empty list: in none)."""
    either = Q(pk__in=[])
    for start, end in ranges:
        if start is None and end is None:
            return Q()  # all time (an empty Q would drop out of the "or")
        condition = Q()
        if start is not None:
            condition &= Q(**{f"{field_name}__gte": start})
        if end is not None:
            condition &= Q(**{f"{field_name}__lt": end})
        either |= condition
    return either


def _first_responder():
    """Who met the case's first-response clock: the actor of its latest `deadline_met`
    event (a public reply's author, or the decider when the decision came first)."""
    return Subquery(
        CaseEvent.objects.filter(case_id=OuterRef("case_id"), event_type=EventType.DEADLINE_MET,
                                 new_value__clock=FIRST_RESPONSE)
        .order_by("-created_at", "-pk").values("actor_id")[:1]
    )


# Stand-ins put where a period's ends and the case ids go when the query is compiled
# (complaints.selectors.quality._compiled): values no real row or period ever has.
_ID_STAND_IN = -7_000_000_000
_MOMENT_STAND_IN = datetime(1001, 1, 1, tzinfo=UTC)


def _groups_query(ranges: list[Range] | None, case_ids, by_hour: bool):
    """The counts' query: one UNION ALL of a part per kind of count."""
    def select(queryset, field, case_field, person, kind, category=None, **counts):
        if ranges is not None:
            queryset = queryset.filter(_within(field, ranges))
        if case_ids is not None:
            queryset = queryset.filter(**{f"{case_field}__in": list(case_ids)})
        # Every part has the same columns in the same order, so they go in one UNION ALL.
        return queryset.annotate(
            group_hour=TruncHour(field, tzinfo=UTC) if by_hour
            else Value(None, DateTimeField()),
            group_person=person, group_kind=F(kind),
            group_category=F(category) if category else Value("", CharField()),
        ).values("group_hour", "group_person", "group_kind", "group_category").annotate(
            **{name: counts.get(name, Value(0, IntegerField())) for name in TALLY_COUNTS}
        ).order_by()

    decisions = select(
        Decision.objects.all(), "decided_at", "case_id", F("decided_by_id"), "case__kind",
        decided=Count("pk", distinct=True),
        # (case, clock) is unique, so each decision joins at most one decision clock.
        decision_timed=Count("case__deadlines", filter=Q(
            case__deadlines__clock=DECISION, case__deadlines__met_at__isnull=False,
            case__deadlines__due_at__isnull=False)),
        decision_on_time=Count("case__deadlines", filter=Q(
            case__deadlines__clock=DECISION,
            case__deadlines__met_at__lte=F("case__deadlines__due_at"))))
    first_responses = select(
        Deadline.objects.filter(clock=FIRST_RESPONSE, met_at__isnull=False,
                                due_at__isnull=False),
        "met_at", "case_id", _first_responder(), "case__kind",
        first_given=Count("pk"), first_on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))))
    feedback = select(
        Feedback.objects.filter(case__decision__isnull=False), "case__decision__decided_at",
        "case_id", F("case__decision__decided_by_id"), "case__kind",
        feedback_given=Count("pk"), feedback_helpful=Count("pk", filter=Q(helpful=True)))
    appeals = select(
        Case.objects.filter(kind=CaseKind.APPEAL, appeal_of__decision__isnull=False),
        "appeal_of__decision__decided_at", "pk", F("appeal_of__decision__decided_by_id"),
        "appeal_of__kind",
        appeals_filed=Count("pk"), appeals_decided=Count("decision"),
        appeals_upheld=Count("decision", filter=Q(decision__outcome=Decision.Outcome.REVERSED)))
    answers = select(
        Question.objects.filter(answered_by__isnull=False).exclude(answer_category=""),
        "answered_at", "case_id", F("answered_by_id"), "case__kind", "answer_category",
        answers=Count("pk"))
    return decisions.union(first_responses, feedback, appeals, answers, all=True)


@lru_cache(maxsize=64)
def _compiled(alias: str, shape: tuple, ids: int, by_hour: bool):
    """The counts' SQL for this database, this shape of periods (which ends are open), this
    many case ids (-1: all cases) and grouping: compiled once per process (building the
    five-part query through the ORM costs more than running it on a case or two). Returns
    (sql, params) where a param is a fixed value or ("moment", i) / ("id", i), a slot filled
    by `quality_groups` from its arguments."""
    moments = iter(_MOMENT_STAND_IN + timedelta(seconds=i) for i in range(2 * len(shape or ())))
    ranges = None if shape is None else [
        (None if open_start else next(moments), None if open_end else next(moments))
        for open_start, open_end in shape]
    stand_ins = [_ID_STAND_IN - i for i in range(ids)]
    query = _groups_query(ranges, None if ids < 0 else stand_ins, by_hour)
    connection = connections[alias]
    sql, params = query.query.get_compiler(using=alias).as_sql()
    slots = {value: _Slot("ids", i) for i, value in enumerate(stand_ins)}
    for i, moment in enumerate(
            _MOMENT_STAND_IN + timedelta(seconds=i) for i in range(2 * len(shape or ()))):
        slots[connection.ops.adapt_datetimefield_value(moment)] = _Slot("moments", i)
    # A fixed param is never equal to a stand-in (no id is negative; no period is in 1001).
    return sql, tuple(slots.get(param, param) if isinstance(param, Hashable) else param
                      for param in params)


class _Slot(NamedTuple):
    """Where a compiled query takes one of its arguments: the i-th case id or period end."""

    source: str  # "ids" or "moments"
    index: int


def quality_groups(*, ranges: list[Range] | None = None, case_ids=None,
                   by_hour: bool = False) -> dict[GroupKey, Counts]:
    """The screen's counts from the cases themselves, grouped by person, kind and answer
    category (and by UTC hour of the moment that places them in a period, if `by_hour`):
    of the periods in `ranges`, or everything; of the cases in `case_ids`, or all. The one
    definition of every figure: the roll-ups are built and kept from it."""
    if ranges is not None and not ranges:
        return {}
    if case_ids is not None:
        case_ids = sorted(set(case_ids))
        if not case_ids:
            return {}
    connection = connections[router.db_for_read(Decision)]
    shape = None if ranges is None else tuple((start is None, end is None)
                                              for start, end in ranges)
    sql, template = _compiled(connection.alias, shape, -1 if case_ids is None else len(case_ids),
                              by_hour)
    moments = [connection.ops.adapt_datetimefield_value(moment)
               for start, end in (ranges or ()) for moment in (start, end) if moment is not None]
    given = {"ids": case_ids, "moments": moments}
    params = [given[param.source][param.index] if isinstance(param, _Slot) else param
              for param in template]
    groups: dict[GroupKey, Counts] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    for row in rows:
        group = dict(zip(columns, row, strict=True))
        hour = group.pop("group_hour")
        if isinstance(hour, str):  # SQLite gives a compound query's datetimes as text
            hour = datetime.fromisoformat(hour).replace(tzinfo=UTC)
        if hour is not None:  # truncated in UTC; a raw cursor may give it without a zone
            hour = hour.replace(tzinfo=UTC) if hour.tzinfo is None else hour.astimezone(UTC)
        key = (hour, group.pop("group_person"), group.pop("group_kind"),
               group.pop("group_category"))
        counts = groups.setdefault(key, dict.fromkeys(TALLY_COUNTS, 0))
        for name, value in group.items():
            counts[name] += value or 0
    return groups


def quality_figures_counted(*, start: datetime | None = None,
                            end: datetime | None = None) -> QualityFigures:
    """The figures of [start, end) counted from the cases (slow: every case in it)."""
    return _figures(
        (person, kind, category, counts)
        for (_hour, person, kind, category), counts in
        quality_groups(ranges=[(start, end)]).items())


def _figures(groups) -> QualityFigures:
    """Rows per operator, per kind and in all from (person, kind, category, counts)."""
    people: dict[object, QualityRow] = {}
    kinds = {value: QualityRow(key=value, label=str(label)) for value, label in CaseKind.choices}
    total = QualityRow(key=None, label="")

    def rows_for(person_id, kind):
        person = people.setdefault(person_id, QualityRow(key=person_id, label=""))
        # An unknown kind would be a bad row in the data: counted in the total only.
        return [person, kinds.get(kind, QualityRow(key=kind, label=kind)), total]

    for person_id, kind, category, counts in groups:
        for row in rows_for(person_id or None, kind):
            row.decided += counts["decided"]
            row.decision_on_time.add(counts["decision_on_time"], counts["decision_timed"])
            row.first_response_on_time.add(counts["first_on_time"], counts["first_given"])
            row.helpful.add(counts["feedback_helpful"], counts["feedback_given"])
            row.appeals_filed += counts["appeals_filed"]
            row.appeals_upheld.add(counts["appeals_upheld"], counts["appeals_decided"])
            if category:
                row.answers[category] = row.answers.get(category, 0) + counts["answers"]
    names = {
        person["pk"]: person["display_name"] or person["email"]
        for person in User.objects.filter(pk__in=[pk for pk in people if pk is not None])
        .values("pk", "display_name", "email")
    }
    for person_id, row in people.items():
        row.label = names.get(person_id, "")
    return QualityFigures(
        by_operator=sorted(people.values(), key=lambda row: (row.label.casefold(),
                                                              str(row.key))),
        by_kind=list(kinds.values()),
        total=total,
    )



HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def _floor(moment: datetime | None, step: timedelta) -> datetime | None:
    if moment is None:
        return None
    moment = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0) if step == DAY else moment


def _ceil(moment: datetime | None, step: timedelta) -> datetime | None:
    floor = _floor(moment, step)
    return floor if floor is None or floor == moment else floor + step


def _before(a: datetime | None, b: datetime | None) -> bool:
    """a < b, where None is the open end on a's side (-inf) and on b's side (+inf)."""
    return a is None or b is None or a < b


def quality_pieces(start: datetime | None,
                   end: datetime | None) -> tuple[list[Range], list[Range], list[Range]]:
    """[start, end) as whole UTC days, whole UTC hours and pieces under an hour."""
    if not _before(start, end):
        return [], [], []
    first_hour, last_hour = _ceil(start, HOUR), _floor(end, HOUR)
    if not _before(first_hour, last_hour):
        return [], [], [(start, end)]
    raw = [piece for piece in ((start, first_hour), (last_hour, end))
           if piece[0] is not None and piece[1] is not None and piece[0] < piece[1]]
    first_day, last_day = _ceil(first_hour, DAY), _floor(last_hour, DAY)
    if not _before(first_day, last_day):
        return [], [(first_hour, last_hour)], raw
    hours = [piece for piece in ((first_hour, first_day), (last_day, last_hour))
             if piece[0] is not None and piece[1] is not None and piece[0] < piece[1]]
    return [(first_day, last_day)], hours, raw


def _tallies(days: list[Range], hours: list[Range]):
    """(person, kind, category, counts) summed over the roll-up rows of those buckets."""
    if not days and not hours:
        return []
    rows = (
        QualityTally.objects.filter(
            (Q(grain=QualityTally.Grain.DAY) & _within("starts_at", days))
            | (Q(grain=QualityTally.Grain.HOUR) & _within("starts_at", hours)))
        .values("person_id", "kind", "category")
        .annotate(**{name: Sum(name) for name in TALLY_COUNTS})
        .order_by()
    )
    return [(row.pop("person_id"), row.pop("kind"), row.pop("category"), row) for row in rows]


def quality_figures(*, start: datetime | None = None,
                    end: datetime | None = None) -> QualityFigures:
    """The dashboard's figures for the period [start, end), per operator and per kind."""
    days, hours, raw = quality_pieces(start, end)
    groups = _tallies(days, hours)
    if raw:
        groups += [(person, kind, category, counts) for (_hour, person, kind, category), counts
                   in quality_groups(ranges=raw).items()]
    return _figures(groups)
