"""`manage.py bench_receipts`: make run's two workers against the test database, both
phases measured, one JSON line out, and no worker left behind."""
import json
import uuid

import pytest
from django.core.management import call_command

from complaints.models import Notification
from tests.support.worker import processes_with

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_bench_receipts_measures_receipts_with_and_without_a_sweep(capsys, monkeypatch):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("KOTAE_BENCH_RECEIPTS_TEST", marker)  # the workers inherit it
    call_command("bench_receipts", "--due", "20", "--filings", "3", "--pace", "0",
                 "--smtp-ms", "-1", "--timeout", "120")
    captured = capsys.readouterr()
    assert "writes real cases" in captured.err
    result = json.loads(captured.out.strip().splitlines()[-1])

    quiet, busy = result["without_sweep"], result["with_sweep"]
    assert quiet["receipts"] == busy["receipts"] == 3
    assert 0 < quiet["p50_ms"] <= quiet["p95_ms"] <= quiet["max_ms"]
    assert 0 < busy["p50_ms"] <= busy["p95_ms"] <= busy["max_ms"]
    assert result["ratio_p50"] == round(busy["p50_ms"] / quiet["p50_ms"], 2)
    # The sweep ran on the workers and its e-mails (late notice, assignee, two
    # supervisors per clock) were all sent.
    assert busy["sweep_emails"] == 20 * 4 and busy["sweep_s"] > 0
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    assert set(result["workers"]) == {"worker", "bulk"}
    assert processes_with(marker) == []
