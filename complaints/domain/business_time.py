"""Business-time arithmetic: pure functions over a calendar, no database.

A calendar has a time zone, working hours per weekday (local wall-clock times), public
holidays of a country (from the `holidays` library) and company closures. Working hours
are read in local time on each date, so a day on which clocks change (daylight saving)
has its true length: durations are measured between real instants, never by adding
local times.
"""
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

MONDAY_TO_FRIDAY_9_TO_18 = {
    weekday: (time(9), time(18)) if weekday < 5 else None for weekday in range(7)
}


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


@dataclass(frozen=True)
class CalendarSpec:
    time_zone: str = "Asia/Tokyo"
    # weekday (0 = Monday) -> (opens, closes) in local time, or None for a day off
    hours: dict = field(default_factory=lambda: dict(MONDAY_TO_FRIDAY_9_TO_18))
    country: str = "JP"
    closures: frozenset[date] = frozenset()

    def __hash__(self):
        return hash((self.time_zone, tuple(sorted(self.hours.items(), key=lambda i: i[0])),
                     self.country, self.closures))

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        if self.hours.get(day.weekday()) is None or day in self.closures:
            return False
        return not (self.country and day in _public_holidays(self.country, day.year))

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working hours of a local date as aware instants, or None on a day off."""
        if not self.is_working_day(day):
            return None
        opens, closes = self.hours[day.weekday()]
        # In UTC: Python subtracts two times of the same zone by their wall clocks, which
        # is wrong on the days the clocks change.
        start = datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
        end = datetime.combine(day, closes, tzinfo=self.tz).astimezone(UTC)
        return start, end


def closures_from_ranges(ranges: Iterable[tuple[date, date]]) -> frozenset[date]:
    days = set()
    for first, last in ranges:
        day = first
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


def add_business_minutes(start: datetime, minutes: int, spec: CalendarSpec) -> datetime:
    """The instant at which `minutes` of working time have passed since `start`."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = timedelta(minutes=minutes)
    day = start.astimezone(spec.tz).date()
    start = start.astimezone(UTC)
    for _ in range(3660):  # ten years of days: a calendar with no working day stops here
        window = spec.window(day)
        if window is not None:
            opens, closes = window
            begin = max(opens, start)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(spec.tz)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("the calendar has no working time in the next ten years")


def business_minutes_between(start: datetime, end: datetime, spec: CalendarSpec) -> int:
    """Whole minutes of working time from `start` to `end` (0 if end is not later)."""
    if end <= start:
        return 0
    total = timedelta()
    day = start.astimezone(spec.tz).date()
    last = end.astimezone(spec.tz).date()
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    while day <= last:
        window = spec.window(day)
        if window is not None:
            begin, finish = max(window[0], start), min(window[1], end)
            if begin < finish:
                total += finish - begin
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def add_business_days(start: datetime, days: int, spec: CalendarSpec) -> datetime:
    """The close of business on the `days`-th working day after the day of `start`.

    "Two business days" filed on Friday evening before a Monday holiday ends at closing
    time on Wednesday: the day of filing never counts, however early it was.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start.astimezone(spec.tz).date()
    counted = 0
    for _ in range(3660):
        day += timedelta(days=1)
        window = spec.window(day)
        if window is not None:
            counted += 1
            if counted == days:
                return window[1].astimezone(spec.tz)
    raise ValueError("the calendar has no working day in the next ten years")
