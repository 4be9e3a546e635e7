"""The figures the metrics give at each scrape, each an indexed query (or one row), so a
scrape every 15 seconds costs the database nothing noticeable:

- e-mails and webhook deliveries by status: a count grouped by `status`, which leads the
  indexes notification_due_idx and webhook_delivery_due_idx (PostgreSQL answers from the
  index; with millions of sent rows it is still an index scan, cut off by the caller's
  statement timeout, config/probes.py bounded_queries);
- the oldest e-mail waiting and those failed for good: complaints.selectors.outbox, on the
  same indexes;
- the sweep's last run and its totals: one row per sweep (SweepRun).
"""
from dataclasses import dataclass

from django.db.models import Count

from complaints.models import Notification, SweepRun, WebhookDelivery


@dataclass(frozen=True)
class SweepFigures:
    name: str
    last_started_at: float  # Unix time
    last_seconds: float
    last_handled: int
    runs: int
    clocks_breached: int


def _by_status(model) -> dict[str, int]:
    counts = dict.fromkeys(model.Status.values, 0)
    rows = (model.objects.order_by().values_list("status")
            .annotate(n=Count("pk")).values_list("status", "n"))
    counts.update(dict(rows))
    return counts


def notifications_by_status() -> dict[str, int]:
    """E-mails by status (pending, sent, failed, and any status the outbox adds)."""
    return _by_status(Notification)


def webhook_deliveries_by_status() -> dict[str, int]:
    return _by_status(WebhookDelivery)


def sweep_figures() -> list[SweepFigures]:
    return [SweepFigures(name=run.name, last_started_at=run.last_started_at.timestamp(),
                         last_seconds=run.last_seconds, last_handled=run.last_handled,
                         runs=run.runs, clocks_breached=run.clocks_breached)
            for run in SweepRun.objects.order_by("name")]
