"""Named clocks on a case, each a row with an indexed due time.

Business days follow the desk's calendar: its time zone, Monday to Friday, and the
public holidays of its country from the `holidays` library.
"""
import zoneinfo
from datetime import datetime, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from complaints.models import Case, CaseKind, Deadline
from complaints.services.audit import event_record

FIRST_RESPONSE_BUSINESS_DAYS = 2
DECISION_BUSINESS_DAYS = {
    CaseKind.OUTPUT_COMPLAINT: 10,
    CaseKind.TRAINING_OBJECTION: 10,
    CaseKind.INQUIRY: 15,
    CaseKind.APPEAL: 10,
}


@lru_cache(maxsize=8)
def _holidays(country: str, year: int):
    return holidays.country_holidays(country, years=year)


def add_business_days(start: datetime, days: int, *, tz_name: str | None = None,
                      country: str = "JP") -> datetime:
    """The same local time `days` working days after `start` (weekends and holidays skipped)."""
    tz = zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE)
    local = start.astimezone(tz)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _holidays(country, day.year):
            remaining -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz)


def deadline_start(*, case: Case, clock: str, business_days: int = 0, actor=None,
                   due_at: datetime | None = None) -> Deadline:
    """Start (or restart) a clock: `business_days` from now, or at `due_at`."""
    now = timezone.now()
    deadline, _ = Deadline.objects.update_or_create(
        case=case,
        clock=clock,
        defaults={
            "started_at": now,
            "due_at": due_at or add_business_days(now, business_days),
            "met_at": None,
            "paused_at": None,
            "breached_at": None,
            "cancelled_at": None,
        },
    )
    event_record(
        case=case, actor=actor, event_type="deadline_started",
        new={"clock": clock, "due_at": deadline.due_at.isoformat()}, public=True,
    )
    case_next_due_refresh(case=case)
    return deadline


def deadline_meet(*, case: Case, clock: str, actor=None) -> Deadline | None:
    """Mark a running clock as met now. A clock already met stays as it was."""
    deadline = Deadline.objects.filter(
        case=case, clock=clock, met_at__isnull=True, cancelled_at__isnull=True
    ).first()
    if deadline is None:
        return None
    deadline.met_at = timezone.now()
    deadline.paused_at = None
    deadline.save(update_fields=["met_at", "paused_at"])
    event_record(
        case=case, actor=actor, event_type="deadline_met",
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
    deadline.save(update_fields=["paused_at"])
    event_record(case=case, actor=actor, event_type="deadline_paused",
                 new={"clock": clock, "paused_at": deadline.paused_at.isoformat()})
    case_next_due_refresh(case=case)
    return deadline


def deadline_resume(*, case: Case, clock: str, actor) -> Deadline | None:
    """Run a paused clock again; its due time moves on by the time it was paused."""
    deadline = Deadline.objects.filter(case=case, clock=clock,
                                       paused_at__isnull=False).first()
    if deadline is None:
        return None
    paused_for = timezone.now() - deadline.paused_at
    old_due = deadline.due_at
    deadline.due_at = deadline.due_at + paused_for
    deadline.paused_at = None
    deadline.save(update_fields=["due_at", "paused_at"])
    event_record(case=case, actor=actor, event_type="deadline_resumed",
                 old={"clock": clock, "due_at": old_due.isoformat()},
                 new={"clock": clock, "due_at": deadline.due_at.isoformat(),
                      "paused_seconds": int(paused_for.total_seconds())})
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
        deadline.save(update_fields=["cancelled_at"])
        event_record(case=case, actor=actor, event_type="deadline_cancelled",
                     new={"clock": deadline.clock}, public=False)
    case_next_due_refresh(case=case)


def case_next_due_refresh(*, case: Case) -> None:
    """Keep the case's denormalised next deadline (the queue's sort key) in step."""
    next_due = Deadline.objects.filter(
        case=case, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).aggregate(next_due=Min("due_at"))["next_due"]
    if case.next_due_at != next_due:
        case.next_due_at = next_due
        Case.objects.filter(pk=case.pk).update(next_due_at=next_due)
