"""Business-time arithmetic against a naive minute-by-minute count, and the dates a
Japanese desk meets: weekends, Golden Week, the year-end closure; and daylight saving."""
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import example, given, settings
from hypothesis import strategies as st

from complaints.domain.business_time import (
    CalendarSpec,
    add_business_days,
    add_business_minutes,
    business_minutes_between,
    closures_from_ranges,
)

TOKYO = CalendarSpec()
YEAR_END = closures_from_ranges([(date(2026, 12, 29), date(2027, 1, 3))])


@cache
def naive_holidays(country: str, year: int) -> holidays.HolidayBase:
    """The library's holidays of a year, built once: the count below asks every minute."""
    return holidays.country_holidays(country, years=year)


def naive_is_working(instant: datetime, spec: CalendarSpec) -> bool:
    local = instant.astimezone(ZoneInfo(spec.time_zone))
    day = local.date()
    hours = spec.hours.get(day.weekday())
    if hours is None or day in spec.closures:
        return False
    if spec.country and day in naive_holidays(spec.country, day.year):
        return False
    return hours[0] <= local.time().replace(tzinfo=None) < hours[1]


def naive_add(start: datetime, minutes: int, spec: CalendarSpec) -> datetime:
    instant, counted = start, 0
    while True:
        if naive_is_working(instant, spec):
            counted += 1
            if counted == minutes:
                return instant + timedelta(minutes=1)
        instant += timedelta(minutes=1)


def naive_between(start: datetime, end: datetime, spec: CalendarSpec) -> int:
    count, instant = 0, start
    while instant < end:
        count += naive_is_working(instant, spec)
        instant += timedelta(minutes=1)
    return count


ZONES = st.sampled_from(["Asia/Tokyo", "America/New_York", "Europe/Berlin"])
# Opening and closing on whole hours away from 01:00-03:00, where clocks change.
OPENS = st.sampled_from([0, 6, 7, 8, 9, 10])
CLOSES = st.sampled_from([12, 15, 17, 18, 20, 23])


@st.composite
def calendars(draw):
    zone = draw(ZONES)
    days_off = draw(st.sets(st.integers(0, 6), max_size=3))
    hours = {d: None if d in days_off else (time(draw(OPENS)), time(draw(CLOSES)))
             for d in range(7)}
    if all(v is None for v in hours.values()):
        hours[2] = (time(9), time(17))
    country = {"Asia/Tokyo": "JP", "America/New_York": "US", "Europe/Berlin": "DE"}[zone]
    closures = closures_from_ranges([(date(2026, 12, 29), date(2027, 1, 3))]) \
        if draw(st.booleans()) else frozenset()
    return CalendarSpec(time_zone=zone, hours=hours, country=country, closures=closures)


# Starts around the dates that matter: Golden Week, both daylight-saving changes, year end.
STARTS = st.builds(
    lambda anchor, minutes: anchor + timedelta(minutes=minutes),
    st.sampled_from([datetime(2026, 4, 27, tzinfo=UTC), datetime(2026, 3, 6, tzinfo=UTC),
                     datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 10, 23, tzinfo=UTC),
                     datetime(2026, 10, 30, tzinfo=UTC), datetime(2026, 12, 24, tzinfo=UTC)]),
    st.integers(0, 6 * 24 * 60),
)


# Tried on every run, whatever hypothesis draws: the dates a desk meets, each crossed whole
# (the starts before a change of clocks are at 22:00 local on the evening before).
ALWAYS_OPEN = {d: (time(0), time(23)) for d in range(7)}
NEW_YORK = CalendarSpec(time_zone="America/New_York", hours=ALWAYS_OPEN, country="US")
BERLIN = CalendarSpec(time_zone="Europe/Berlin", hours=ALWAYS_OPEN, country="DE",
                      closures=YEAR_END)
CROSSINGS = [
    (TOKYO, datetime(2026, 4, 28, 6, tzinfo=UTC)),  # Golden Week, from Tuesday 15:00
    (CalendarSpec(closures=YEAR_END), datetime(2026, 12, 25, 8, tzinfo=UTC)),  # year end
    (NEW_YORK, datetime(2026, 3, 8, 3, tzinfo=UTC)),  # clocks go forward on 8 March
    (NEW_YORK, datetime(2026, 11, 1, 2, tzinfo=UTC)),  # and back on 1 November
    (BERLIN, datetime(2026, 3, 28, 21, tzinfo=UTC)),  # forward on 29 March
    (BERLIN, datetime(2026, 10, 24, 20, tzinfo=UTC)),  # back on 25 October
    (BERLIN, datetime(2026, 12, 28, 12, tzinfo=UTC)),  # closed 29 December - 3 January
]


def crossing(**arguments):
    """@example for each of the CROSSINGS, with these other arguments."""
    def decorate(test):
        for spec, start in reversed(CROSSINGS):
            test = example(spec=spec, start=start, **arguments)(test)
        return test
    return decorate


@settings(deadline=None)  # as many examples as the profile says (tests/conftest.py)
@given(spec=calendars(), start=STARTS, minutes=st.integers(1, 3 * 9 * 60))
@crossing(minutes=3 * 9 * 60)
def test_adding_business_minutes_matches_a_minute_by_minute_count(spec, start, minutes):
    assert add_business_minutes(start, minutes, spec) == naive_add(start, minutes, spec)


@settings(deadline=None)
@given(spec=calendars(), start=STARTS, span=st.integers(0, 5 * 24 * 60))
@crossing(span=5 * 24 * 60)
def test_business_minutes_between_matches_a_minute_by_minute_count(spec, start, span):
    end = start + timedelta(minutes=span)
    assert business_minutes_between(start, end, spec) == naive_between(start, end, spec)


@settings(deadline=None)
@given(spec=calendars(), start=STARTS, days=st.integers(1, 8))
@crossing(days=8)
def test_business_days_end_at_close_of_the_nth_working_day(spec, start, days):
    due = add_business_days(start, days, spec)
    tz = ZoneInfo(spec.time_zone)
    first, last = start.astimezone(tz).date(), due.astimezone(tz).date()
    working = [first + timedelta(days=i) for i in range(1, (last - first).days + 1)
               if spec.window(first + timedelta(days=i)) is not None]
    assert len(working) == days and working[-1] == last
    assert due == spec.window(last)[1]


def tokyo(*args):
    return datetime(*args, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_golden_week():
    # Showa Day (Wed 29 Apr) and 3-6 May are holidays in 2026.
    filed = tokyo(2026, 4, 28, 10, 0)
    assert add_business_days(filed, 2, TOKYO) == tokyo(2026, 5, 1, 18, 0)
    assert add_business_days(filed, 5, TOKYO) == tokyo(2026, 5, 11, 18, 0)
    # Nine working hours from Friday 1 May 15:00: 3 h that day, 6 h on Thursday 7 May.
    assert add_business_minutes(tokyo(2026, 5, 1, 15, 0), 9 * 60, TOKYO) == \
        tokyo(2026, 5, 7, 15, 0)


def test_year_end_closure():
    spec = CalendarSpec(closures=YEAR_END)
    filed = tokyo(2026, 12, 25, 17, 0)  # Friday
    # Mon 28 Dec works; 29 Dec - 3 Jan closed; Mon 4 Jan works.
    assert add_business_days(filed, 2, spec) == tokyo(2027, 1, 4, 18, 0)
    assert business_minutes_between(filed, tokyo(2027, 1, 4, 10, 0), spec) == 60 + 9 * 60 + 60


def test_daylight_saving_days_have_their_true_length():
    new_york = ZoneInfo("America/New_York")
    always_open = {d: (time(0), time(23)) for d in range(7)}
    spec = CalendarSpec(time_zone="America/New_York", hours=always_open, country="")
    spring = datetime(2026, 3, 8, 0, 0, tzinfo=new_york)
    autumn = datetime(2026, 11, 1, 0, 0, tzinfo=new_york)
    assert business_minutes_between(spring, datetime(2026, 3, 8, 23, 0, tzinfo=new_york),
                                    spec) == 22 * 60
    assert business_minutes_between(autumn, datetime(2026, 11, 1, 23, 0, tzinfo=new_york),
                                    spec) == 24 * 60
