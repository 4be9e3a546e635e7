"""Which clocks the filer is shown as late, and which one a list of cases shows."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from complaints.domain.lateness import clock_is_late, late_clock

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)
PAST, FUTURE = NOW - timedelta(hours=1), NOW + timedelta(hours=1)


def late(**overrides) -> bool:
    values = {"clock": "decision", "due_at": PAST, "met_at": None, "cancelled_at": None,
              "now": NOW, **overrides}
    return clock_is_late(**values)


def test_a_passed_unanswered_desk_clock_is_late_and_nothing_else():
    assert late() and late(clock="first_response")
    assert not late(due_at=FUTURE)
    assert not late(met_at=PAST) and not late(cancelled_at=PAST)
    assert not late(clock="filer_reply")  # the filer's own clock is not the desk's lateness


def test_a_paused_clock_is_late_only_if_it_was_when_it_was_paused():
    """While the desk waits for the filer the clock does not run: a due time that passes
    meanwhile is not late (the resume moves it on); one passed before the pause is."""
    assert not late(due_at=PAST, paused_at=PAST - timedelta(minutes=5))
    assert late(due_at=PAST - timedelta(minutes=5), paused_at=PAST)


@dataclass
class Clock:
    due_at: datetime
    is_late: bool = True
    paused_at: datetime | None = None


def test_a_list_shows_the_earliest_running_late_clock():
    first, second = Clock(PAST - timedelta(days=1)), Clock(PAST)
    assert late_clock([second, first]) is first
    assert late_clock([Clock(PAST, paused_at=PAST), Clock(FUTURE, is_late=False)]) is None
