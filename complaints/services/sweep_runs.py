"""Each sweep's run recorded for the metrics: when it started, how long it took, how many
clocks it handled, and the running totals (runs, clocks breached)."""
import time
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from complaints.models import SweepRun
from complaints.services.sweep import SweepTally, deadlines_sweep

DEADLINES = "deadlines"


def sweep_run_record(*, name: str, started_at: datetime, seconds: float, handled: int,
                     breached: int) -> None:
    """One UPDATE (two sweeps at once each add their own counts); the first run of a sweep
    inserts its row."""
    last = {"last_started_at": started_at, "last_seconds": seconds, "last_handled": handled}
    added = {"runs": F("runs") + 1, "clocks_breached": F("clocks_breached") + breached}
    if SweepRun.objects.filter(name=name).update(**last, **added):
        return
    try:
        with transaction.atomic():
            SweepRun.objects.create(name=name, runs=1, clocks_breached=breached, **last)
    except IntegrityError:  # another sweep inserted it a moment ago
        SweepRun.objects.filter(name=name).update(**last, **added)


def deadlines_sweep_recorded() -> int:
    """The deadline sweep as beat runs it (complaints.tasks), its run recorded."""
    started_at, started = timezone.now(), time.monotonic()
    tally = SweepTally()
    handled = deadlines_sweep(tally=tally)
    sweep_run_record(name=DEADLINES, started_at=started_at, seconds=time.monotonic() - started,
                     handled=handled, breached=tally.breached)
    return handled
