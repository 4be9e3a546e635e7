"""GET /metrics: Prometheus's text format, for staff who passed the second factor and for a
scraper sending `Authorization: Bearer <KOTAE_METRICS_TOKEN>`; never the public.

Two kinds of figures:
- Requests (count by view, method and status; latency by view and method), counted by
  RequestMetricsMiddleware in each web process. With PROMETHEUS_MULTIPROC_DIR set (it must
  be set before the processes start, and emptied at each start) prometheus_client keeps
  them in files there and a scrape adds up every gunicorn process's; unset, each process
  answers for itself (fine for one process, `make run`).
- The desk's figures (queues, outbox, sweep), computed at scrape time from the database
  and the broker by DeskCollector: the same in every process, so nothing to add up; each
  query indexed and cut off by a statement timeout (complaints/selectors/metrics.py), the
  broker asked within two seconds (config/probes.py).
"""
import os
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from complaints.selectors.enforcement import enforcement_figures
from complaints.selectors.metrics import (
    notifications_by_status,
    sweep_figures,
    webhook_deliveries_by_status,
)
from complaints.selectors.outbox import outbox_figures
from config import probes
from config.health import may_see_details

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # a missing directory would fail every request
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUESTS = Counter("kotae_http_requests_total", "HTTP requests answered, by view, method "
                   "and status code.", ["view", "method", "status"])
LATENCY = Histogram("kotae_http_request_duration_seconds", "Time to answer an HTTP "
                    "request, by view and method.", ["view", "method"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNRESOLVED = "<unresolved>"  # no view: a 404, or refused before the URL was resolved


class RequestMetricsMiddleware:
    """Counts every answer by view name (never the path: a path holds references and its
    label values would grow without end)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or UNRESOLVED) if match else UNRESOLVED
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view, method).observe(time.perf_counter() - started)
        return response


def _gauge(name: str, doc: str, value, labels: dict | None = None):
    family = GaugeMetricFamily(name, doc, labels=list(labels or {}))
    if value is not None:
        family.add_metric(list((labels or {}).values()), value)
    return family


class DeskCollector:
    """The desk's figures, read at each scrape."""

    def collect(self):
        try:
            with probes.bounded_queries():
                emails, webhooks = notifications_by_status(), webhook_deliveries_by_status()
                figures, sweeps = outbox_figures(), sweep_figures()
                orders = enforcement_figures()
        except Exception:  # the database is down or slow: the request figures still go out
            yield _gauge("kotae_desk_figures_up", "1 when the desk's figures could be read "
                         "from the database at this scrape.", 0)
            return
        yield _gauge("kotae_desk_figures_up", "1 when the desk's figures could be read from "
                     "the database at this scrape.", 1)
        by_status = GaugeMetricFamily("kotae_emails", "E-mails in the outbox by status "
                                      "(sent, pending, failed, ...).", labels=["status"])
        for status, count in sorted(emails.items()):
            by_status.add_metric([status], count)
        yield by_status
        hooks = GaugeMetricFamily("kotae_webhook_deliveries", "Webhook deliveries by status.",
                                  labels=["status"])
        for status, count in sorted(webhooks.items()):
            hooks.add_metric([status], count)
        yield hooks
        yield _gauge("kotae_emails_failed_for_good", "E-mails out of attempts (dead "
                     "letters): only the desk sends them again.",
                     figures.emails_failed_for_good)
        yield _gauge("kotae_emails_waiting", "E-mails waiting to be sent (new, or failed "
                     "with an attempt to come).", figures.emails_waiting)
        yield _gauge("kotae_email_oldest_waiting_seconds", "Age of the oldest e-mail "
                     "waiting to be sent (0 when none waits).",
                     figures.oldest_waiting_seconds or 0)
        yield _gauge("kotae_emails_duplicates_suspected", "E-mails whose delivery timed out "
                     "after the message was handed over: a second send may duplicate them.",
                     figures.emails_uncertain)
        yield _gauge("kotae_emails_resent_after_uncertain", "E-mails sent again after the "
                     "mail server did not confirm them (possible duplicates), ever.",
                     figures.emails_resent_after_uncertain)
        yield _gauge("kotae_enforcement_orders_waiting", "Orders to the AI product not yet "
                     "acknowledged (overdue ones included).", orders.waiting)
        yield _gauge("kotae_enforcement_orders_overdue", "Orders to the AI product not "
                     "acknowledged by their due time.", orders.overdue)
        yield _gauge("kotae_enforcement_oldest_waiting_seconds", "Age of the oldest order to "
                     "the AI product not yet acknowledged (0 when none waits).",
                     orders.oldest_waiting_seconds)
        yield from self._sweeps(sweeps)
        yield from self._queues()

    def _sweeps(self, sweeps):
        last_run = GaugeMetricFamily("kotae_sweep_last_run_timestamp_seconds", "When the "
                                     "sweep last started (Unix time).", labels=["sweep"])
        duration = GaugeMetricFamily("kotae_sweep_last_duration_seconds", "How long the "
                                     "sweep's last run took.", labels=["sweep"])
        handled = GaugeMetricFamily("kotae_sweep_last_handled", "Clocks the sweep's last "
                                    "run acted on.", labels=["sweep"])
        runs = CounterMetricFamily("kotae_sweep_runs", "Sweep runs.", labels=["sweep"])
        breached = CounterMetricFamily("kotae_clocks_breached", "Clocks the sweep found "
                                       "breached (a deadline missed).", labels=["sweep"])
        for sweep in sweeps:
            last_run.add_metric([sweep.name], sweep.last_started_at)
            duration.add_metric([sweep.name], sweep.last_seconds)
            handled.add_metric([sweep.name], sweep.last_handled)
            runs.add_metric([sweep.name], sweep.runs)
            breached.add_metric([sweep.name], sweep.clocks_breached)
        yield from (last_run, duration, handled, runs, breached)

    def _queues(self):
        state = probes.broker_probe()
        yield _gauge("kotae_broker_up", "1 when the task broker answered at this scrape.",
                     int(state.reachable == probes.OK))
        depth = GaugeMetricFamily("kotae_queue_depth", "Tasks waiting in each queue (absent "
                                  "when the broker could not tell).", labels=["queue"])
        for name, count in sorted(state.depths.items()):
            if count is not None:
                depth.add_metric([name], count)
        yield depth


def _desk_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DeskCollector())
    return registry


def exposition() -> bytes:
    """Every figure in Prometheus's text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)  # every process's files, added up
    else:
        requests = REGISTRY  # this process only (with its CPU and memory)
    return generate_latest(requests) + generate_latest(_desk_registry())


@never_cache
def metrics_view(request):
    if not may_see_details(request, settings.KOTAE_METRICS_TOKEN):
        raise PermissionDenied
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
