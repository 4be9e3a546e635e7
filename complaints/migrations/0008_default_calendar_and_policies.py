from datetime import date

from django.db import migrations

POLICIES = [
    # kind, priority, clock, amount, unit
    ("", "", "first_response", 2, "business_days"),
    ("", "", "decision", 10, "business_days"),
    ("inquiry", "", "decision", 15, "business_days"),
    ("", "", "filer_reply", 30, "calendar_days"),
    ("", "urgent", "first_response", 4, "business_hours"),
]


def create(apps, schema_editor):
    Calendar = apps.get_model("complaints", "BusinessCalendar")
    Closure = apps.get_model("complaints", "CalendarClosure")
    Policy = apps.get_model("complaints", "DeadlinePolicy")
    calendar, _ = Calendar.objects.get_or_create(
        name="Japan (Tokyo office)",
        defaults={"time_zone": "Asia/Tokyo", "country": "JP", "is_default": True,
                  "working_hours": {str(d): ["09:00", "18:00"] if d < 5 else None
                                    for d in range(7)}},
    )
    Closure.objects.get_or_create(calendar=calendar, first_day=date(2026, 12, 29),
                                  last_day=date(2027, 1, 3),
                                  defaults={"reason": "Year-end closure"})
    for kind, priority, clock, amount, unit in POLICIES:
        Policy.objects.get_or_create(kind=kind, priority=priority, clock=clock,
                                     defaults={"amount": amount, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_calendars_and_policies")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
