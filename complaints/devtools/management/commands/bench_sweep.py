"""Time one deadline sweep over N due clocks; print one JSON object. Changes nothing:
the clocks are made due and swept inside a transaction that is rolled back.

    python manage.py bench_sweep --due 1000
"""
import json
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.domain.status import OPEN_STATUSES
from complaints.models import Case, Deadline, Notification
from complaints.services.sweep import deadlines_sweep


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = "Time the deadline sweep over N due clocks (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--due", type=int, default=1000)

    def handle(self, *args, due, **options):
        result = {"open_cases": Case.objects.filter(status__in=OPEN_STATUSES).count(),
                  "database": connection.vendor}
        try:
            with transaction.atomic():
                now = timezone.now()
                ids = list(
                    Deadline.objects.filter(
                        clock="decision", met_at__isnull=True, cancelled_at__isnull=True,
                        paused_at__isnull=True, case__status__in=OPEN_STATUSES,
                    ).values_list("pk", flat=True)[:due]
                )
                if len(ids) < due:
                    raise CommandError(f"only {len(ids)} open clocks; seed more cases first")
                Deadline.objects.filter(pk__in=ids).update(
                    due_at=now - timedelta(minutes=1), next_check_at=now - timedelta(minutes=1),
                    breached_at=None, warned_at=None)
                if connection.vendor == "postgresql":
                    # Foreign keys are checked at commit, which this rolled-back run never
                    # reaches: check them as each row is written, so the time includes them.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                notifications_before = Notification.objects.count()
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    handled = deadlines_sweep(now=now, limit=due)
                    elapsed = (time.perf_counter() - start) * 1000
                result.update({"due_clocks": due, "handled": handled,
                               "notifications_written":
                                   Notification.objects.count() - notifications_before,
                               "sweep_ms": round(elapsed, 1),
                               "queries": len(queries.captured_queries)})
                raise _RollBack
        except _RollBack:
            pass
        self.stdout.write(json.dumps(result, indent=2))
