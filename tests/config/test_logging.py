"""Logs: in production one JSON object a line (time, level, logger, message, request id);
on a laptop plain text; LOG_FORMAT switches. The request id is the proxy's X-Request-ID when
it is plain and short, else one made here, and the answer gives it back."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A request through the production settings' middleware (the request id first), whose view
# logs a line in Japanese; then a line outside any request.
SCRIPT = """
import logging
import django
from django.conf import settings
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string

def view(request):
    logging.getLogger("complaints.portal").warning("申立てを受け付けました: %s", "KT-2026-000123")
    return HttpResponse("ok")

middleware = import_string(settings.MIDDLEWARE[0])(view)
response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID=OFFERED))
logging.getLogger("kotae.after").info("outside a request")
print(response["X-Request-ID"])
"""


def run_prod(tmp_path, *, offered: str, **env) -> tuple[str, list[str]]:
    """What a production process prints: (the answer's X-Request-ID, its log lines)."""
    environ = {key: value for key, value in os.environ.items()
               if key not in ("LOG_FORMAT", "SENTRY_DSN", "DATABASE_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="config.settings.prod", SECRET_KEY="x" * 50,
                   ALLOWED_HOSTS="kotae.example", KOTAE_VAR_DIR=str(tmp_path), **env)
    script = SCRIPT.replace("OFFERED", repr(offered))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip(), done.stderr.strip().splitlines()


def test_production_logs_are_json_lines_with_the_request_id(tmp_path):
    request_id, lines = run_prod(tmp_path, offered="lb-7f3a2c")
    assert request_id == "lb-7f3a2c"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    during, after = records[-2], records[-1]
    assert set(during) == {"time", "level", "logger", "message", "request_id"}
    assert (during["level"], during["logger"], during["request_id"]) == (
        "WARNING", "complaints.portal", "lb-7f3a2c")
    assert during["message"] == "申立てを受け付けました: KT-2026-000123"
    assert during["time"].endswith("+00:00") and during["time"][10] == "T"  # ISO 8601, UTC
    assert (after["message"], after["request_id"]) == ("outside a request", None)


@pytest.mark.parametrize("offered", ["", "a" * 65, "x\r\nSet-Cookie: a=b", "<script>",
                                     "id with spaces"])
def test_an_unusable_request_id_is_replaced(tmp_path, offered):
    request_id, lines = run_prod(tmp_path, offered=offered)
    assert len(request_id) == 32 and request_id.isalnum()
    assert json.loads(lines[-2])["request_id"] == request_id


def test_log_format_plain_switches_production_to_text(tmp_path):
    request_id, lines = run_prod(tmp_path, offered="lb-1", LOG_FORMAT="plain")
    assert lines[-2].endswith("WARNING complaints.portal [lb-1] "
                              "申立てを受け付けました: KT-2026-000123")
    assert lines[-1].endswith("INFO kotae.after [-] outside a request")


def test_a_page_gives_its_request_id_back(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-42")
    assert response["X-Request-ID"] == "edge-42"
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
