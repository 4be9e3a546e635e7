"""The published figures (PRODUCT.md, "Transparency"): computed in the database with
aggregates, made safe by the small-group rule, and stored as a TransparencySnapshot that
the public page and the downloads read.

Definitions (the page and the README say the same in words):
- a case belongs to the calendar quarter (and month) of its submission, in Japan time;
- received: cases filed; withdrawn: cases now withdrawn by their filer; retracted: notices
  their filer retracted, wholly or for some output locations, and that were not withdrawn
  (a whole notice retracted before its decision is a withdrawal, counted as such);
  decided: cases with a decision;
- times are business minutes of the clock's calendar from filing until the clock was met
  (Deadline.met_business_minutes); medians and 90th percentiles use the nearest-rank
  definition: the value at position ceil(p × n) of the n values in ascending order;
- decided on time: the share of decided cases whose decision clock was met by its due time;
- appeals and reversals count appeals against the cases of the group (by the appealed
  case's quarter and kind); answers count the questions of inquiries by answer category;
  rejections count the notices rejected, by the reason given;
- disputes and policies, per quarter of the event itself: counter-notices received, outputs
  restored after one (OUTPUT_RESTORED events), appeals by output owners, filers' notices
  suspended for misuse (DSA Art. 23, by the suspension's start) and the account actions
  the desk recorded under the repeat-infringer policy (DMCA 512(i)), by action.

The small-group rule and secondary suppression: complaints.domain.suppression.
"""
import zoneinfo
from collections import Counter
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Window
from django.db.models.functions import RowNumber, TruncMonth, TruncQuarter
from django.utils import timezone

from complaints.domain.business_time import CalendarSpec
from complaints.domain.events import EventType
from complaints.domain.policies import OwnerAction
from complaints.domain.status import Status
from complaints.domain.suppression import (
    HIDDEN,
    MIN_GROUP,
    SUPPRESSED,
    WITHHELD,
    figure_count,
    figure_measure,
    figure_share,
    next_month,
    next_quarter,
    secondary_suppression,
    withhold_all,
)
from complaints.models import (
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    Decision,
    FilerSuspension,
    OwnerAccountAction,
    Question,
    Retraction,
    TransparencySnapshot,
)
from complaints.services.deadlines import calendar_default, deadline_business_minutes

KEEP_SNAPSHOTS = 5
MONTHS_SHOWN = 12
# Clocks met before met_business_minutes existed are filled in this many at a refresh.
MINUTES_FILL_LIMIT = 500
TIMED_CLOCKS = (Deadline.Clock.FIRST_RESPONSE, Deadline.Clock.DECISION)
# Nearest-rank positions: the p-th percentile of n values is the value at ceil(p × n),
# written as fractions so the database compares whole numbers only.
PERCENTILES = {"median": (1, 2), "p90": (9, 10)}
FORMAT_VERSION = 3  # 2: the WITHHELD marker; 3: the disputes and policies of a quarter
# The account actions published (recording "no action" is not an action on an account).
ACCOUNT_ACTIONS = (OwnerAction.WARNED, OwnerAction.SUSPENDED, OwnerAction.TERMINATED)
DISPUTE_FIGURES = ("counter_notices", "restorations", "owner_appeals", "filer_suspensions",
                   *(f"owner_accounts_{a}" for a in ACCOUNT_ACTIONS))


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_date(value) -> date:
    """A Trunc result as a local date (backends return aware datetimes or dates)."""
    if isinstance(value, datetime):
        return timezone.localtime(value, _tz()).date() if timezone.is_aware(value) \
            else value.date()
    return value


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _action_taken(action: str) -> Q:
    # `actions` is a JSON list; index lookups work on SQLite and PostgreSQL alike,
    # where `contains` does not exist on SQLite.
    return Q(*(Q(**{f"decision__actions__{i}": action})
               for i in range(len(Decision.Action.values))), _connector=Q.OR)


def _decided_timed() -> Q:
    return Q(decision__isnull=False, decision_clock__met_at__isnull=False)


def _case_counts(tz) -> dict:
    rows = (
        Case.objects.annotate(
            decision_clock=FilteredRelation(
                "deadlines", condition=Q(deadlines__clock=Deadline.Clock.DECISION)),
            quarter=TruncQuarter("submitted_at", tzinfo=tz),
            retracted_by_filer=Exists(Retraction.objects.filter(case=OuterRef("pk"))),
        )
        .values("quarter", "kind")
        .annotate(
            received=Count("pk"),
            withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
            retracted=Count("pk", filter=Q(retracted_by_filer=True) & ~Q(
                status=Status.WITHDRAWN)),
            decided=Count("pk", filter=Q(decision__isnull=False)),
            decided_timed=Count("pk", filter=_decided_timed()),
            decided_on_time=Count("pk", filter=_decided_timed() & Q(
                decision_clock__met_at__lte=F("decision_clock__due_at"))),
            **{f"outcome_{o}": Count("pk", filter=Q(decision__outcome=o))
               for o in Decision.Outcome.values},
            **{f"action_{a}": Count("pk", filter=_action_taken(a))
               for a in Decision.Action.values},
            **{f"rejection_{r}": Count("pk", filter=Q(decision__rejection_reason=r))
               for r in Decision.RejectionReason.values},
        )
        .order_by()
    )
    return {(_local_date(r.pop("quarter")), r.pop("kind")): r for r in rows}


def _appeal_counts(tz) -> dict:
    rows = (
        Case.objects.filter(kind=CaseKind.APPEAL, appeal_of__isnull=False)
        .annotate(quarter=TruncQuarter("appeal_of__submitted_at", tzinfo=tz))
        .values("quarter", appealed_kind=F("appeal_of__kind"))
        .annotate(appeals=Count("pk"),
                  reversals=Count("pk", filter=Q(decision__outcome=Decision.Outcome.REVERSED)))
        .order_by()
    )
    return {(_local_date(r["quarter"]), r["appealed_kind"]): r for r in rows}


def _answer_counts(tz) -> dict:
    rows = (
        Question.objects.exclude(answer_category="")
        .annotate(quarter=TruncQuarter("case__submitted_at", tzinfo=tz))
        .values("quarter", case_kind=F("case__kind"))
        .annotate(**{c: Count("pk", filter=Q(answer_category=c))
                     for c in Question.Category.values})
        .order_by()
    )
    return {(_local_date(r.pop("quarter")), r.pop("case_kind")): r for r in rows}


def _by_quarter(queryset, field: str, tz, **counts) -> dict:
    rows = (queryset.annotate(quarter=TruncQuarter(field, tzinfo=tz)).values("quarter")
            .annotate(**counts).order_by())
    return {_local_date(r.pop("quarter")): r for r in rows}


def _dispute_counts(tz) -> dict:
    """{quarter: {figure: count}} for DISPUTE_FIGURES: four small aggregate queries."""
    parts = [
        _by_quarter(Case.objects.filter(Q(kind=CaseKind.COUNTER_NOTICE) | Q(
            kind=CaseKind.APPEAL, output_owner__isnull=False)), "submitted_at", tz,
            counter_notices=Count("pk", filter=Q(kind=CaseKind.COUNTER_NOTICE)),
            owner_appeals=Count("pk", filter=Q(kind=CaseKind.APPEAL))),
        _by_quarter(CaseEvent.objects.filter(event_type=EventType.OUTPUT_RESTORED),
                    "created_at", tz, restorations=Count("pk")),
        _by_quarter(FilerSuspension.objects.all(), "starts_at", tz,
                    filer_suspensions=Count("pk")),
        _by_quarter(OwnerAccountAction.objects.all(), "taken_at", tz, **{
            f"owner_accounts_{a}": Count("pk", filter=Q(action=a)) for a in ACCOUNT_ACTIONS}),
    ]
    merged: dict = {}
    for part in parts:
        for quarter, counts in part.items():
            merged.setdefault(quarter, {}).update(counts)
    return merged


def _percentiles(tz) -> dict:
    """{(quarter, kind): {clock: {"n": .., "median": .., "p90": ..}}}, picked in the
    database: each met clock is numbered within its (clock, quarter, kind), and only the
    rows at the percentile positions come back (a few per group, never every clock)."""
    quarter = TruncQuarter("case__submitted_at", tzinfo=tz)
    partition = [F("clock"), quarter, F("case__kind")]
    numbered = (
        Deadline.objects.filter(clock__in=TIMED_CLOCKS, met_at__isnull=False,
                                met_business_minutes__isnull=False)
        .annotate(
            quarter=quarter,
            case_kind=F("case__kind"),
            position=Window(RowNumber(), partition_by=partition,
                            order_by=[F("met_business_minutes").asc(), F("pk").asc()]),
            size=Window(Count("pk"), partition_by=partition),
        )
    )
    at_a_position = Q()
    for name, (numerator, denominator) in PERCENTILES.items():
        # position = ceil(n × p)  ⇔  position ≥ n × p  and  position − 1 < n × p
        numbered = numbered.annotate(**{
            f"{name}_from": F("position") * denominator,
            f"{name}_before": (F("position") - 1) * denominator,
            f"{name}_at": F("size") * numerator,
        })
        at_a_position |= Q(**{f"{name}_from__gte": F(f"{name}_at"),
                              f"{name}_before__lt": F(f"{name}_at")})
    rows = (numbered.filter(at_a_position)
            .values_list("clock", "quarter", "case_kind", "position", "size",
                         "met_business_minutes")
            .order_by())
    result: dict = {}
    for clock, quarter_value, kind, position, size, minutes in rows:
        entry = result.setdefault((_local_date(quarter_value), kind), {}).setdefault(
            clock, {"n": size})
        for name, (numerator, denominator) in PERCENTILES.items():
            if position * denominator >= size * numerator > (position - 1) * denominator:
                entry[name] = minutes
    return result


def _month_counts(tz, since) -> dict:
    rows = (
        Case.objects.filter(submitted_at__gte=since)
        .annotate(
            decision_clock=FilteredRelation(
                "deadlines", condition=Q(deadlines__clock=Deadline.Clock.DECISION)),
            month=TruncMonth("submitted_at", tzinfo=tz),
        )
        .values("month")
        .annotate(
            received=Count("pk"),
            decided_timed=Count("pk", filter=_decided_timed()),
            decided_on_time=Count("pk", filter=_decided_timed() & Q(
                decision_clock__met_at__lte=F("decision_clock__due_at"))),
        )
        .order_by()
    )
    return {_local_date(r.pop("month")): r for r in rows}


def _group(kind: str, counts: dict, appeals: dict, answers: dict, times: dict) -> dict:
    timed = {clock: times.get(clock, {"n": 0}) for clock in TIMED_CLOCKS}
    group = {
        "kind": kind,
        "received": figure_count(counts.get("received", 0)),
        "withdrawn": figure_count(counts.get("withdrawn", 0)),
        "retracted": figure_count(counts.get("retracted", 0)),
        "decided": figure_count(counts.get("decided", 0)),
        **{f"{clock}_{name}_business_minutes": figure_measure(timed[clock].get(name),
                                                         timed[clock]["n"])
           for clock in TIMED_CLOCKS for name in PERCENTILES},
        "decided_on_time_share": figure_share(counts.get("decided_on_time", 0),
                                        counts.get("decided_timed", 0)),
        "outcomes": {o: figure_count(counts.get(f"outcome_{o}", 0))
                     for o in Decision.Outcome.values},
        "actions": {a: figure_count(counts.get(f"action_{a}", 0)) for a in Decision.Action.values},
        "rejections": {r: figure_count(counts.get(f"rejection_{r}", 0))
                       for r in Decision.RejectionReason.values},
        "appeals": figure_count(appeals.get("appeals", 0)),
        "reversals": figure_count(appeals.get("reversals", 0)),
        "answers": {c: figure_count(answers.get(c, 0)) for c in Question.Category.values},
    }
    received = counts.get("received", 0)
    return withhold_all(group) if 0 < received < MIN_GROUP else group


# --- Building, storing, reading -----------------------------------------------------------

def business_day_minutes(spec: CalendarSpec) -> int:
    """The length of the calendar's usual working day (how "business days" are counted)."""
    lengths = Counter(
        (datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).seconds // 60
        for opens, closes in (h for h in spec.hours.values() if h))
    return lengths.most_common(1)[0][0] if lengths else 8 * 60


def transparency_figures(*, now: datetime | None = None) -> dict:
    """Every published figure, with the small-group rule and secondary suppression
    applied (see the module's docstring for the definitions). A handful of aggregate
    queries, whatever the number of cases."""
    now = now or timezone.now()
    tz = _tz()
    today = timezone.localtime(now, tz).date()
    counts, appeals, answers = _case_counts(tz), _appeal_counts(tz), _answer_counts(tz)
    times = _percentiles(tz)
    disputes = _dispute_counts(tz)

    quarters, published_groups = [], []
    keys = set(counts) | set(appeals) | set(answers) | set(times)
    if keys or disputes:
        start = min([day for day, _kind in keys] + list(disputes))
        current = _quarter_start(today)
        while start <= current:
            following = next_quarter(start)
            kinds = [_group(kind, counts.get((start, kind), {}),
                            appeals.get((start, kind), {}),
                            answers.get((start, kind), {}),
                            times.get((start, kind), {}))
                     for kind in CaseKind.values]
            published_groups += [(start, group, counts.get((start, group["kind"]), {}))
                                 for group in kinds]
            quarters.append({
                "quarter": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
                "first_day": start.isoformat(),
                "last_day": (following - timedelta(days=1)).isoformat(),
                "complete": following <= today,
                "kinds": kinds,
                # Each its own count: no published figure is their sum, so the small-group
                # rule keeps them safe (the counter-notices, the same count as their
                # kind's received, follow that one's secondary suppression: below).
                "disputes": {name: figure_count(disputes.get(start, {}).get(name, 0))
                             for name in DISPUTE_FIGURES},
            })
            start = following

    first_month = today.replace(day=1)
    for _ in range(MONTHS_SHOWN - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    since = datetime.combine(first_month, datetime.min.time(), tzinfo=tz)
    by_month = _month_counts(tz, since)
    months, published_months, month = [], [], first_month
    while month <= today:
        row = by_month.get(month, {})
        months.append({
            "month": f"{month:%Y-%m}",
            "complete": next_month(month) <= today,
            "received": figure_count(row.get("received", 0)),
            "decided_on_time_share": figure_share(row.get("decided_on_time", 0),
                                            row.get("decided_timed", 0)),
        })
        published_months.append((month, months[-1], row))
        month = next_month(month)
    secondary_suppression(published_groups, published_months, today)
    for quarter in quarters:
        # The counter-notices received are the counter-notice kind's received count: the
        # same number, so withheld there (secondary suppression) is withheld here too.
        for group in quarter["kinds"]:
            if group["kind"] == CaseKind.COUNTER_NOTICE and group["received"] in HIDDEN:
                quarter["disputes"]["counter_notices"] = group["received"]

    calendar = calendar_default()
    spec = calendar.spec() if calendar else CalendarSpec(time_zone=settings.TIME_ZONE)
    return {
        "format": FORMAT_VERSION,
        "computed_at": now.isoformat(),
        "time_zone": settings.TIME_ZONE,
        "business_day_minutes": business_day_minutes(spec),
        "small_group_minimum": MIN_GROUP,
        "suppressed_marker": SUPPRESSED,
        "withheld_marker": WITHHELD,
        "quarters": quarters,
        "months": months,
    }


def deadlines_minutes_fill(*, limit: int = MINUTES_FILL_LIMIT) -> int:
    """Give clocks met before `met_business_minutes` existed their minutes, a bounded
    batch at a time, so old data joins the medians over a few refreshes."""
    missing = list(
        Deadline.objects.filter(clock__in=TIMED_CLOCKS, met_at__isnull=False,
                                met_business_minutes__isnull=True)
        .select_related("case").order_by("pk")[:limit])
    for deadline in missing:
        Deadline.objects.filter(pk=deadline.pk).update(
            met_business_minutes=deadline_business_minutes(deadline))
    return len(missing)


@transaction.atomic
def transparency_refresh(*, now: datetime | None = None,
                         fill: bool = True) -> TransparencySnapshot:
    """Compute the figures and store them as the newest snapshot; keep the last few.
    `fill` first gives older met clocks their business minutes (the periodic task's
    work: a few queries a clock, so never in a visitor's request)."""
    if fill:
        deadlines_minutes_fill()
    now = now or timezone.now()
    snapshot = TransparencySnapshot.objects.create(
        computed_at=now, data=transparency_figures(now=now))
    stale = TransparencySnapshot.objects.order_by("-computed_at", "-pk").values_list(
        "pk", flat=True)[KEEP_SNAPSHOTS:]
    TransparencySnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot


def transparency_snapshot_latest() -> TransparencySnapshot:
    """The figures the public reads: the newest snapshot, or a fresh one if none exists
    yet (the first visit after installing, before the periodic task has run)."""
    snapshot = TransparencySnapshot.objects.order_by("-computed_at", "-pk").first()
    return snapshot or transparency_refresh(fill=False)
