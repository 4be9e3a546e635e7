"""A clock paused while the desk waits for the filer moves on, when it runs again, by the
time it was paused in its own kind of time: business time for a clock in business hours
or days (so its due time never lands outside working hours), wall-clock time for a clock
in calendar hours or days."""
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from complaints.domain.business_time import CalendarSpec
from complaints.models import DeadlinePolicy
from complaints.services.desk import info_request
from complaints.services.messages import message_post
from tests.factories import file_case

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
WORKING = CalendarSpec()  # Monday to Friday, 09:00-18:00 in Tokyo, as the default calendar


def at(*args):
    return datetime(*args, tzinfo=TOKYO)


def run(moment, action, *args, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return action(*args, **kwargs)


def paused_and_resumed(*, creator, operator, unit, amount, filed, paused, resumed):
    DeadlinePolicy.objects.update_or_create(
        kind="output_complaint", priority="", clock="decision",
        defaults={"amount": amount, "unit": unit, "calendar": None})
    case = run(filed, file_case, filer=creator)
    before = case.deadlines.get(clock="decision")
    run(paused, info_request, case=case, actor=operator, body="Which frame?")
    run(resumed, message_post, case=case, author=creator, body="Frames 12 and 13.")
    return before, case.deadlines.get(clock="decision")


def in_working_hours(moment) -> bool:
    window = WORKING.window(moment.astimezone(TOKYO).date())
    return window is not None and window[0] <= moment <= window[1]


@pytest.mark.parametrize(("filed", "paused", "resumed", "due_before", "due_after"), [
    # Friday afternoon to Monday morning: five working hours paused (Fri 14-18, Mon 9-10);
    # the old wall-clock move (68 hours) made it Thursday 08:00, before opening.
    (at(2026, 6, 5, 11), at(2026, 6, 5, 14), at(2026, 6, 8, 10),
     at(2026, 6, 8, 12), at(2026, 6, 8, 17)),
    # Two hours paused on Friday afternoon, due at 17:30: the rest runs on Monday, not
    # at 19:30 on Friday evening.
    (at(2026, 6, 4, 16, 30), at(2026, 6, 5, 15), at(2026, 6, 5, 17),
     at(2026, 6, 5, 17, 30), at(2026, 6, 8, 10, 30)),
], ids=["friday-to-monday", "friday-afternoon"])
def test_a_business_hours_clock_moves_by_the_business_time_paused(
        creator, operator, filed, paused, resumed, due_before, due_after):
    before, after = paused_and_resumed(creator=creator, operator=operator,
                                       unit="business_hours", amount=10, filed=filed,
                                       paused=paused, resumed=resumed)
    assert before.due_at == due_before
    assert after.due_at == due_after
    assert in_working_hours(after.due_at) and in_working_hours(after.warn_at)
    assert after.paused_at is None and after.next_check_at == after.warn_at
    assert after.case.next_due_at == after.due_at


def test_a_calendar_hours_clock_moves_by_wall_clock_time(creator, operator):
    before, after = paused_and_resumed(
        creator=creator, operator=operator, unit="calendar_hours", amount=72,
        filed=at(2026, 6, 5, 11), paused=at(2026, 6, 5, 14), resumed=at(2026, 6, 8, 10))
    assert after.due_at - before.due_at == at(2026, 6, 8, 10) - at(2026, 6, 5, 14)
