"""/metrics: Prometheus's text format for staff with the second factor and for a scraper with
the metrics token, never the public; its figures are what the database holds; requests are
counted by view, method and status."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from complaints.models import Notification, WebhookDelivery, WebhookEndpoint
from complaints.services.sweep_runs import deadlines_sweep_recorded
from complaints.tasks import deadlines_sweep_task
from tests.factories import file_case
from tests.support.late import late_case
from tests.support.login import logs_in

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-prometheus-7c1e"  # noqa: S105 - a test value
ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **headers) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples}


@pytest.fixture
def scraper(client, settings):
    settings.KOTAE_METRICS_TOKEN = TOKEN
    return lambda: scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_the_public_and_creators_get_nothing(client, creator, settings):
    settings.KOTAE_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 403
    for header in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer ", TOKEN):
        assert client.get("/metrics", HTTP_AUTHORIZATION=header).status_code == 403
    client.force_login(creator)
    assert client.get("/metrics").status_code == 403


def test_without_a_token_configured_no_header_opens_them(client, settings):
    settings.KOTAE_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_staff_need_the_second_factor(client, operator):
    assert logs_in(client, operator.email, "pw-for-tests-1")
    assert client.get("/metrics").status_code == 403
    client.force_login(operator)  # the tests' stand-in passes the second factor
    assert ("kotae_desk_figures_up", ()) in scrape(client)


def test_the_figures_are_what_the_database_holds(creator, operator, scraper, monkeypatch):
    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay",
                        lambda *a, **k: None)  # the broker took them and lost them
    cases = [file_case(filer=creator) for _ in range(4)]
    receipts = Notification.objects.filter(case__in=cases)
    receipts.filter(case=cases[0]).update(status="sent", sent_at=timezone.now())
    receipts.filter(case=cases[1]).update(status="failed", next_attempt_at=None,
                                          failed_at=timezone.now())
    receipts.filter(case__in=cases[2:]).update(created_at=timezone.now() - timedelta(minutes=8))
    endpoint = WebhookEndpoint.objects.create(owner=creator, url="https://hooks.example/k")
    for number, status in enumerate(["delivered", "delivered", "gave_up"]):
        WebhookDelivery.objects.create(endpoint=endpoint, event_id=f"e{number}",
                                       event_type="case.updated", payload={}, status=status)
    late_case(creator)  # breached and swept: late notices and the desk's e-mails
    figures = scraper()

    by_status = {status: Notification.objects.filter(status=status).count()
                 for status in Notification.Status.values}
    for status, count in by_status.items():
        assert figures[("kotae_emails", (("status", status),))] == count
    assert figures[("kotae_emails_failed_for_good", ())] == 1
    assert figures[("kotae_emails_waiting", ())] == by_status["pending"]
    assert 8 * 60 <= figures[("kotae_email_oldest_waiting_seconds", ())] < 9 * 60
    assert figures[("kotae_webhook_deliveries", (("status", "delivered"),))] == 2
    assert figures[("kotae_webhook_deliveries", (("status", "gave_up"),))] == 1
    assert figures[("kotae_webhook_deliveries", (("status", "pending"),))] == 0
    assert figures[("kotae_broker_up", ())] == 1
    for queue in django_settings.KOTAE_QUEUES.values():  # this test process's queues
        assert ("kotae_queue_depth", (("queue", queue),)) in figures


def test_the_sweep_records_its_runs_and_breaches(creator, scraper):
    assert not any(name.startswith("kotae_sweep") for name, _labels in scraper())
    case = file_case(filer=creator)
    case.deadlines.filter(clock="first_response").update(
        due_at=timezone.now() - timedelta(hours=1), next_check_at=timezone.now())
    before = timezone.now().timestamp()
    assert deadlines_sweep_task() == 1  # as beat runs it
    assert deadlines_sweep_recorded() == 0  # a quiet run: recorded too
    figures = scraper()
    sweep = (("sweep", "deadlines"),)
    assert figures[("kotae_sweep_runs_total", sweep)] == 2
    assert figures[("kotae_clocks_breached_total", sweep)] == 1
    assert figures[("kotae_sweep_last_handled", sweep)] == 0
    assert 0 < figures[("kotae_sweep_last_duration_seconds", sweep)] < 5
    assert before <= figures[("kotae_sweep_last_run_timestamp_seconds", sweep)]


def test_requests_are_counted_by_view_method_and_status(client, creator, scraper):
    def healthz_ok(figures):
        return figures.get(("kotae_http_requests_total",
                            (("method", "GET"), ("status", "200"), ("view", "healthz"))), 0)

    def not_found(figures):
        return figures.get(("kotae_http_requests_total", (
            ("method", "GET"), ("status", "404"), ("view", "<unresolved>"))), 0)

    before = scraper()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page/KT-2026-000001")  # no path in any label
    after = scraper()
    assert healthz_ok(after) - healthz_ok(before) == 2
    assert not_found(after) - not_found(before) == 1
    assert after[("kotae_http_request_duration_seconds_count",
                  (("method", "GET"), ("view", "healthz")))] >= 2


def test_a_scrape_costs_a_few_indexed_queries(creator, scraper):
    for _ in range(5):
        file_case(filer=creator)
    deadlines_sweep_recorded()
    with CaptureQueriesContext(connection) as queries:
        scraper()
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # Two grouped counts, the outbox's figures (eight indexed reads today), the sweep's
    # row, the enforcement orders waiting (one aggregate): the same with 5 or 5 million
    # rows (and around them a savepoint, and on PostgreSQL the statement timeout, which
    # are no reads).
    assert len(reads) <= 13, [sql[:100] for sql in reads]
    for _ in range(45):
        file_case(filer=creator)
    with CaptureQueriesContext(connection) as more:
        scraper()
    assert len([q for q in more.captured_queries if q["sql"].startswith("SELECT")]) == len(
        reads)


def test_gunicorn_processes_are_added_up_in_multiprocess_mode(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR, each process writes its counts there and a scrape
    from any process gives the sum (two processes count, a third scrapes)."""
    count = ("from config.metrics import REQUESTS; "
             "REQUESTS.labels('healthz', 'GET', '200').inc(3)")
    show = "from config.metrics import exposition; print(exposition().decode())"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    setup = "import django; django.setup(); "
    for code in (count, count, show):
        done = subprocess.run([sys.executable, "-c", setup + code], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=True)
    line = ('kotae_http_requests_total{method="GET",status="200",view="healthz"} 6.0')
    assert line in done.stdout
