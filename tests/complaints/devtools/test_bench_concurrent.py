"""`manage.py bench_concurrent`: gunicorn, make run's workers and beat against the test
database; operators logged in with both factors browse while the API files; the figures
printed are there and plausible, and no process is left behind."""
import json
import uuid

import pytest
from django.core.management import call_command

from complaints.devtools.desk_load import PAGE_KINDS
from complaints.devtools.management.commands.bench_concurrent import FILER_EMAIL
from complaints.models import Case
from tests.support.worker import processes_with

# About a minute on a busy 2-CPU machine (four processes to start and stop).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.slow]


def test_bench_concurrent_prints_the_pages_the_rates_and_the_sweeps(capsys, monkeypatch):
    call_command("seed_bench", cases=60)
    capsys.readouterr()
    marker = uuid.uuid4().hex
    monkeypatch.setenv("KOTAE_BENCH_CONCURRENT_TEST", marker)  # the processes inherit it
    call_command("bench_concurrent", "--operators", "2", "--api-rate", "2", "--seconds", "5",
                 "--single-runs", "2", "--workers", "2", "--sweep-seconds", "2")
    captured = capsys.readouterr()
    assert "writes real cases" in captured.err
    lines = captured.out.strip().splitlines()
    result = json.loads(lines[-1])
    table = "\n".join(lines[:-1])

    # Each page kind has its line; the operators' pages answered 200, with their rows.
    assert "p95/single" in table
    for kind in PAGE_KINDS:
        assert f"\n{kind} " in table
    pages = result["pages"]
    assert all(not page["errors"] for page in pages.values()), pages
    assert not result["single_errors"]
    assert result["page_views"] == sum(page["count"] for page in pages.values()) >= 2
    assert result["page_views_per_second"] > 0
    seen = [page for page in pages.values() if page["count"]]
    assert all(0 < page["p50_ms"] <= page["p95_ms"] for page in seen)
    assert all(page["with_rows"] == page["count"] for page in seen
               if page is not pages["queue_filtered"])  # a filter may match nothing
    for kind in ("queue", "case_page"):  # measured alone first, every one with its rows
        assert pages[kind]["single_p50_ms"] > 0
    ratios = [page for page in seen if page["ratio_p95_to_single_p50"] is not None]
    assert ratios and all(page["ratio_p95_to_single_p50"] == round(
        page["p95_ms"] / page["single_p50_ms"], 2) for page in ratios)

    # The API filed cases at about the rate asked, every one really written.
    api = result["api"]
    assert not api["errors"], api
    assert api["filed"] == api["sent"] == api["cases_written"] >= 5
    assert 0 < api["per_second"] <= 2.5 and 0 < api["p50_ms"] <= api["p95_ms"]
    assert Case.objects.filter(filer__email=FILER_EMAIL).count() >= api["filed"]
    assert f"API: {api['filed']} filed" in table

    # Beat sent the sweep and the worker ran it; every process is gone.
    assert result["sweeps"] >= 1
    assert f"sweeps run: {result['sweeps']}" in table
    assert processes_with(marker) == []
