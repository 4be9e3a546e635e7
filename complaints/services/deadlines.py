"""Named clocks on a case, each a row with an indexed due time.

How long a clock runs comes from a DeadlinePolicy (per kind, priority and clock, edited
by supervisors) in business time of a BusinessCalendar, or in calendar time.
"""
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from complaints.domain.business_time import (
    CalendarSpec,
    add_business_days,
    add_business_minutes,
    business_minutes_between,
)
from complaints.domain.events import EventType
from complaints.models import BusinessCalendar, Case, Deadline, DeadlinePolicy
from complaints.services.audit import event_record
from complaints.services.quality import quality_tallies_kept


def calendar_default() -> BusinessCalendar | None:
    return BusinessCalendar.objects.filter(is_default=True).first()


def policy_for(*, case: Case, clock: str) -> DeadlinePolicy | None:
    """The most specific policy: kind and priority, then kind, then priority, then any."""
    return _most_specific(DeadlinePolicy.objects.filter(
        clock=clock, kind__in=[case.kind, ""], priority__in=[case.priority, ""]
    ).select_related("calendar"))


def _most_specific(candidates) -> DeadlinePolicy | None:
    return max(candidates, key=lambda p: (bool(p.kind), bool(p.priority)), default=None)


def _spec(calendar: BusinessCalendar | None) -> CalendarSpec:
    return calendar.spec() if calendar else CalendarSpec(time_zone=settings.TIME_ZONE)


def due_time(*, start: datetime, amount: int, unit: str,
             calendar: BusinessCalendar | None, spec: CalendarSpec | None = None) -> datetime:
    """`spec`, when given, is `calendar`'s (read once for several clocks)."""
    Unit = DeadlinePolicy.Unit
    if unit == Unit.CALENDAR_DAYS:
        return start + timedelta(days=amount)
    if unit == Unit.CALENDAR_HOURS:
        return start + timedelta(hours=amount)
    spec = spec or _spec(calendar)
    if unit == Unit.BUSINESS_HOURS:
        return add_business_minutes(start, amount * 60, spec)
    return add_business_days(start, amount, spec)


# Used only when no policy matches (the defaults of PRODUCT.md).
FALLBACK = {"first_response": (2, "business_days"), "decision": (10, "business_days"),
            "filer_reply": (30, "calendar_days")}


def _policy_terms(case: Case, clock: str):
    policy = policy_for(case=case, clock=clock)
    if policy is None:
        amount, unit = FALLBACK[clock]
        return amount, unit, calendar_default()
    return policy.amount, policy.unit, policy.calendar or calendar_default()


def deadline_due_for(*, case: Case, clock: str, start: datetime) -> datetime:
    amount, unit, calendar = _policy_terms(case, clock)
    return due_time(start=start, amount=amount, unit=unit, calendar=calendar)


WARNING_SHARE = 0.75
FILER_REMINDER_AFTER = timedelta(days=7)
# The second date missed is the one promised in the late notice; from then on,
# supervisors are told again every day until the clock is met or the case ends.
PROMISE_MISSED = 2
ESCALATION_EVERY = timedelta(days=1)


def _warn_time(*, clock: str, unit: str, calendar: BusinessCalendar | None,
               start: datetime, due: datetime,
               spec: CalendarSpec | None = None) -> datetime | None:
    """When 75% of the clock's budget is used, in the clock's own kind of time."""
    if clock == Deadline.Clock.FILER_REPLY:
        return None
    if unit.startswith("business"):
        spec = spec or _spec(calendar)
        budget = business_minutes_between(start, due, spec)
        if budget > 0:
            return add_business_minutes(start, int(budget * WARNING_SHARE), spec)
    return start + (due - start) * WARNING_SHARE


def deadline_next_check(deadline: Deadline) -> datetime | None:
    """The next moment the sweep has something to do for this clock, or None."""
    if deadline.met_at or deadline.cancelled_at or deadline.paused_at:
        return None
    moments = []
    if deadline.clock == Deadline.Clock.FILER_REPLY:
        if deadline.reminded_at is None:
            moments.append(deadline.started_at + FILER_REMINDER_AFTER)
        moments.append(deadline.due_at)
    else:
        if deadline.warned_at is None and deadline.breached_at is None and deadline.warn_at:
            moments.append(deadline.warn_at)
        if deadline.breached_at is None:
            moments.append(deadline.due_at)
        elif deadline.misses < PROMISE_MISSED and deadline.promised_at:
            moments.append(deadline.promised_at)
        elif deadline.misses >= PROMISE_MISSED and deadline.escalated_at:
            moments.append(deadline.escalated_at + ESCALATION_EVERY)
    moments = [m for m in moments if m is not None]
    return min(moments) if moments else None


def deadline_start(*, case: Case, clock: str, actor=None,
                   due_at: datetime | None = None) -> Deadline:
    """Start (or restart) a clock: due as its policy says, or at `due_at`."""
    with _counted(case, clock):
        return _deadline_started(case=case, clock=clock, actor=actor, due_at=due_at)


def _counted(case: Case, clock: str):
    """The answer-quality roll-ups kept in step, for the clocks the screen counts."""
    if clock in (Deadline.Clock.FIRST_RESPONSE, Deadline.Clock.DECISION):
        return quality_tallies_kept(case_ids=[case.pk])
    return nullcontext()


def _deadline_started(*, case: Case, clock: str, actor, due_at: datetime | None) -> Deadline:
    now = timezone.now()
    amount, unit, calendar = _policy_terms(case, clock)
    spec = _spec(calendar) if unit.startswith("business") else None
    due_at = due_at or due_time(start=now, amount=amount, unit=unit, calendar=calendar,
                                spec=spec)
    deadline, _ = Deadline.objects.update_or_create(
        case=case,
        clock=clock,
        defaults={
            "started_at": now,
            "due_at": due_at,
            "warn_at": _warn_time(clock=clock, unit=unit, calendar=calendar, start=now,
                                  due=due_at, spec=spec),
            "met_at": None,
            "paused_at": None,
            "breached_at": None,
            "cancelled_at": None,
            "warned_at": None,
            "reminded_at": None,
            "promised_at": None,
            "misses": 0,
            "escalated_at": None,
        },
    )
    deadline.next_check_at = deadline_next_check(deadline)
    deadline.save(update_fields=["next_check_at"])
    event_record(
        case=case, actor=actor, event_type=EventType.DEADLINE_STARTED,
        new={"clock": clock, "due_at": deadline.due_at.isoformat()},
    )
    case_next_due_refresh(case=case)
    return deadline


def deadlines_plan_new(*, case: Case, clocks: list[str], now: datetime) -> list[Deadline]:
    """The clocks of a case being filed, as unsaved rows due as their policies say: the
    policies read in one query and each calendar once (what `deadline_start` does per
    clock, for a case that has no clocks yet). `case_submit` writes them in one INSERT."""
    candidates = list(DeadlinePolicy.objects.filter(
        clock__in=clocks, kind__in=[case.kind, ""], priority__in=[case.priority, ""]
    ).select_related("calendar"))
    default = []  # read at most once, and only if a clock needs it
    specs: dict[int | None, CalendarSpec] = {}
    planned = []
    for clock in clocks:
        policy = _most_specific(p for p in candidates if p.clock == clock)
        amount, unit = (policy.amount, policy.unit) if policy else FALLBACK[clock]
        calendar = policy.calendar if policy else None
        spec = None
        if unit.startswith("business"):
            if calendar is None:
                if not default:
                    default.append(calendar_default())
                calendar = default[0]
            key = calendar.pk if calendar else None
            if key not in specs:
                specs[key] = _spec(calendar)
            spec = specs[key]
        due_at = due_time(start=now, amount=amount, unit=unit, calendar=calendar, spec=spec)
        deadline = Deadline(
            case=case, clock=clock, started_at=now, due_at=due_at,
            warn_at=_warn_time(clock=clock, unit=unit, calendar=calendar, start=now,
                               due=due_at, spec=spec))
        deadline.next_check_at = deadline_next_check(deadline)
        planned.append(deadline)
    return planned


def deadline_business_minutes(deadline: Deadline) -> int:
    """Business minutes of the clock's calendar from its start to when it was met."""
    _amount, _unit, calendar = _policy_terms(deadline.case, deadline.clock)
    return max(0, business_minutes_between(deadline.started_at, deadline.met_at,
                                           _spec(calendar)))


def deadline_meet(*, case: Case, clock: str, actor=None) -> Deadline | None:
    """Mark a running clock as met now. A clock already met stays as it was."""
    with _counted(case, clock):
        return _deadline_met(case=case, clock=clock, actor=actor)


def _deadline_met(*, case: Case, clock: str, actor) -> Deadline | None:
    deadline = Deadline.objects.filter(
        case=case, clock=clock, met_at__isnull=True, cancelled_at__isnull=True
    ).first()
    if deadline is None:
        return None
    deadline.met_at = timezone.now()
    deadline.paused_at = None
    deadline.next_check_at = None
    deadline.met_business_minutes = deadline_business_minutes(deadline)
    deadline.save(update_fields=["met_at", "paused_at", "next_check_at",
                                 "met_business_minutes"])
    event_record(
        case=case, actor=actor, event_type=EventType.DEADLINE_MET,
        new={"clock": clock, "met_at": deadline.met_at.isoformat(),
             "on_time": deadline.was_met_on_time},
    )
    case_next_due_refresh(case=case)
    return deadline


def deadline_pause(*, case: Case, clock: str, actor) -> Deadline | None:
    """Stop a running clock while the desk waits for the filer."""
    deadline = Deadline.objects.filter(case=case, clock=clock, met_at__isnull=True,
                                       cancelled_at__isnull=True, paused_at__isnull=True).first()
    if deadline is None:
        return None
    deadline.paused_at = timezone.now()
    deadline.next_check_at = None
    deadline.save(update_fields=["paused_at", "next_check_at"])
    event_record(case=case, actor=actor, event_type=EventType.DEADLINE_PAUSED,
                 new={"clock": clock, "paused_at": deadline.paused_at.isoformat()})
    case_next_due_refresh(case=case)
    return deadline


def _moved_on(moment: datetime | None, paused_minutes: int | None, paused_for: timedelta,
              spec: CalendarSpec | None) -> datetime | None:
    if moment is None:
        return None
    if spec is None:  # a clock in calendar time moves on by wall-clock time
        return moment + paused_for
    return add_business_minutes(moment, paused_minutes, spec) if paused_minutes else moment


def deadline_resume(*, case: Case, clock: str, actor) -> Deadline | None:
    """Run a paused clock again; its due time (and its warning, and any date promised to
    the filer) moves on by the time it was paused, in the clock's own kind of time: a
    clock in business time moves by the working minutes of the pause, so it never lands
    outside working hours."""
    deadline = Deadline.objects.filter(case=case, clock=clock,
                                       paused_at__isnull=False).first()
    if deadline is None:
        return None
    now = timezone.now()
    paused_for = now - deadline.paused_at
    _amount, unit, calendar = _policy_terms(case, clock)
    spec = _spec(calendar) if unit.startswith("business") else None
    paused_minutes = (business_minutes_between(deadline.paused_at, now, spec)
                      if spec else None)
    old_due = deadline.due_at
    deadline.due_at = _moved_on(deadline.due_at, paused_minutes, paused_for, spec)
    deadline.warn_at = _moved_on(deadline.warn_at, paused_minutes, paused_for, spec)
    deadline.promised_at = _moved_on(deadline.promised_at, paused_minutes, paused_for, spec)
    deadline.paused_at = None
    deadline.next_check_at = deadline_next_check(deadline)
    deadline.save(update_fields=["due_at", "warn_at", "promised_at", "paused_at",
                                 "next_check_at"])
    new = {"clock": clock, "due_at": deadline.due_at.isoformat(),
           "paused_seconds": int(paused_for.total_seconds())}
    if paused_minutes is not None:
        new["paused_business_minutes"] = paused_minutes
    event_record(case=case, actor=actor, event_type=EventType.DEADLINE_RESUMED,
                 old={"clock": clock, "due_at": old_due.isoformat()}, new=new)
    case_next_due_refresh(case=case)
    return deadline


def deadlines_cancel_open(*, case: Case, actor=None) -> None:
    """A case that ends (withdrawn, rejected, closed) stops its clocks."""
    now = timezone.now()
    open_clocks = list(
        Deadline.objects.filter(case=case, met_at__isnull=True, cancelled_at__isnull=True)
    )
    for deadline in open_clocks:
        deadline.cancelled_at = now
        deadline.next_check_at = None
        deadline.save(update_fields=["cancelled_at", "next_check_at"])
        event_record(case=case, actor=actor, event_type=EventType.DEADLINE_CANCELLED,
                     new={"clock": deadline.clock})
    case_next_due_refresh(case=case)


def case_next_due_refresh(*, case: Case) -> None:
    """Keep the case's denormalised next deadline (the queue's sort key) in step."""
    next_due = Deadline.objects.filter(
        case=case, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).aggregate(next_due=Min("due_at"))["next_due"]
    if case.next_due_at != next_due:
        case.next_due_at = next_due
        Case.objects.filter(pk=case.pk).update(next_due_at=next_due)
