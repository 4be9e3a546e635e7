"""`manage.py bench_api`: gunicorn against the test database, both phases, JSON out, and
no gunicorn left behind."""
import json
import subprocess

import pytest
from django.core.management import call_command

from accounts.models import ApiToken
from complaints.devtools.management.commands.bench_api import BENCH_USER
from complaints.models import Case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def _gunicorns() -> str:
    found = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True,
                           check=True).stdout
    return "\n".join(line for line in found.splitlines() if "gunicorn config.wsgi" in line)


def test_bench_api_creates_and_lists_through_gunicorn(capsys):
    before = _gunicorns()
    call_command("bench_api", "--seconds", "1", "--concurrency", "2", "--workers", "1")
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert "writes real cases" in captured.err

    creates, listing = result["creates"], result["list"]
    assert creates["count"] > 0 and listing["count"] > 0
    assert creates["errors"] == 0 and listing["errors"] == 0, result
    assert creates["per_second"] > 0 and listing["per_second"] > 0
    assert 0 < creates["p50_ms"] <= creates["p95_ms"]
    assert 0 < listing["p50_ms"] <= listing["p95_ms"]
    assert result["gunicorn"] == {"workers": 1, "threads": 1, "worker_class": "sync"}

    # The cases are really there, the bench user's, counted as reported.
    mine = Case.objects.filter(filer__email=BENCH_USER)
    assert mine.filter(reference=creates["last_reference"]).exists()
    assert result["cases_written"] == mine.count() == result["cases_visible_to_bench_user"]
    assert mine.count() == creates["count"] + result["warmup_requests_per_phase"]
    # Its token is revoked, and gunicorn is gone.
    assert not ApiToken.objects.filter(user__email=BENCH_USER, revoked_at__isnull=True)
    assert _gunicorns() == before
