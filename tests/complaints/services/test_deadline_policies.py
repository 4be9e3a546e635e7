"""Clocks follow the policies and the calendar that supervisors keep in the admin."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints.models import BusinessCalendar, CalendarClosure, DeadlinePolicy
from complaints.services.deadlines import deadline_due_for
from tests.factories import file_case

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(*args):
    return datetime(*args, tzinfo=TOKYO)


def test_default_policies_and_calendar_from_the_migration(creator):
    case = file_case(filer=creator)
    friday_evening = at(2026, 12, 25, 19, 0)
    # Two business days from Friday 25 Dec: Mon 28 Dec, then the year-end closure, Mon 4 Jan.
    assert deadline_due_for(case=case, clock="first_response", start=friday_evening) == \
        at(2027, 1, 4, 18, 0)
    inquiry = file_case(filer=creator, kind="inquiry", questions=["Was it used?"])
    start = at(2026, 6, 1, 10, 0)  # a Monday with no holiday for three weeks
    assert deadline_due_for(case=inquiry, clock="decision", start=start) == at(2026, 6, 22, 18)
    assert deadline_due_for(case=case, clock="decision", start=start) == at(2026, 6, 15, 18)


def test_the_most_specific_policy_wins(creator):
    case = file_case(filer=creator)
    case.priority = "urgent"
    start = at(2026, 6, 1, 16, 0)
    # Urgent: four business hours (two today, two tomorrow morning).
    assert deadline_due_for(case=case, clock="first_response", start=start) == at(2026, 6, 2, 11)
    DeadlinePolicy.objects.create(kind="output_complaint", priority="urgent",
                                  clock="first_response", amount=90, unit="calendar_hours")
    assert deadline_due_for(case=case, clock="first_response", start=start) == \
        at(2026, 6, 5, 10, 0)


def test_a_closure_added_by_a_supervisor_moves_deadlines(client, supervisor, creator):
    calendar = BusinessCalendar.objects.get(is_default=True)
    client.force_login(supervisor)
    page = client.get(reverse("admin:complaints_businesscalendar_change", args=[calendar.pk]))
    assert page.status_code == 200
    CalendarClosure.objects.create(calendar=calendar, first_day=date(2026, 6, 2),
                                   last_day=date(2026, 6, 3), reason="Office move")
    case = file_case(filer=creator)
    assert deadline_due_for(case=case, clock="first_response", start=at(2026, 6, 1, 10)) == \
        at(2026, 6, 5, 18)


def test_operators_read_policies_supervisors_edit_them(client, operator, supervisor):
    policy = DeadlinePolicy.objects.get(kind="", priority="", clock="decision")
    url = reverse("admin:complaints_deadlinepolicy_change", args=[policy.pk])
    client.force_login(operator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "", "priority": "", "clock": "decision", "amount": 1,
                             "unit": "business_days"}).status_code == 403
    client.force_login(supervisor)
    response = client.post(url, {"kind": "", "priority": "", "clock": "decision",
                                 "amount": 12, "unit": "business_days", "calendar": ""})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.amount == 12


def test_a_bad_calendar_is_refused_with_a_message(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("admin:complaints_businesscalendar_add"), {
        "name": "Broken", "time_zone": "Mars/Olympus", "country": "ZZ",
        "working_hours": '{"0": ["18:00", "09:00"]}',
        "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown time zone." in html
    assert "No holiday list for this country." in html
    assert "with the opening first" in html
    assert not BusinessCalendar.objects.filter(name="Broken").exists()
