"""A case whose first-response clock passed a day ago, swept as the desk's sweep does:
the filer was sent a late notice with a new date (and, if asked, that date passed too)."""
from datetime import timedelta

from django.utils import timezone

from complaints.models import Case, Deadline
from complaints.services.sweep import deadlines_sweep
from tests.factories import file_case


def late_case(filer, *, promise_missed: bool = False, **overrides) -> tuple[Case, Deadline]:
    case = file_case(filer=filer, **overrides)
    now = timezone.now()
    clock = case.deadlines.get(clock="first_response")
    Deadline.objects.filter(pk=clock.pk).update(due_at=now - timedelta(days=1),
                                                next_check_at=now - timedelta(days=1))
    Case.objects.filter(pk=case.pk).update(next_due_at=now - timedelta(days=1))
    deadlines_sweep(now=now)
    if promise_missed:
        Deadline.objects.filter(pk=clock.pk).update(promised_at=now - timedelta(hours=1),
                                                    misses=2, escalated_at=now)
    clock.refresh_from_db()
    case.refresh_from_db()
    return case, clock
