"""Error reporting: with SENTRY_DSN set, a crash in a view reaches Sentry as one event that
holds no request body (a filing's names, addresses and statements); unset, nothing starts.
The Sentry here is a small HTTP receiver the test starts on this machine, standing in for
Sentry's ingest endpoint."""
import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.urls import path

from config.sentry import sentry_init

SECRET_NAME = "Hanako Yamada 山田花子"  # what a filer typed: it must never leave


class Boom(Exception):
    pass


def crashing_view(request):
    raise Boom("the view crashed")


urlpatterns = [path("boom/", crashing_view)]


class _Ingest(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        assert encoding in ("", "gzip", "deflate"), encoding
        self.server.envelopes.append(body.decode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def ingest():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ingest)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def reporting(ingest):
    assert sentry_init(f"http://publickey@127.0.0.1:{ingest.server_address[1]}/1",
                       environment="test")
    yield ingest
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)  # reporting off again
    assert not sentry_sdk.get_client().is_active()


def _events(envelopes: list[str]) -> list[dict]:
    """The error events among the envelopes (one JSON header line, then item pairs)."""
    events = []
    for envelope in envelopes:
        lines = envelope.split("\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_crash_is_reported_once_without_the_request_body(client, reporting):
    client.raise_request_exception = False
    response = client.post("/boom/?page=2", {"name": SECRET_NAME, "email": "hanako@example.jp"},
                           HTTP_AUTHORIZATION="Bearer kt_secret_token_value",
                           HTTP_X_REQUEST_ID="req-sentry-1")
    assert response.status_code == 500
    assert sentry_sdk.flush(timeout=5) is None
    events = _events(reporting.envelopes)
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "Boom"
    assert event["transaction"] == "/boom/" and "data" not in event["request"]
    raw = "".join(reporting.envelopes)
    assert "Hanako" not in raw and "山田" not in raw and "hanako@example.jp" not in raw
    assert "kt_secret_token_value" not in raw
    assert event["tags"]["request_id"] == "req-sentry-1"


def test_without_a_dsn_nothing_starts():
    assert sentry_init("") is False
    assert not sentry_sdk.get_client().is_active()


def test_before_send_drops_what_an_integration_would_add():
    from config.sentry import event_scrubbed

    event = {"request": {"method": "POST", "data": {"name": SECRET_NAME},
                         "cookies": {"sessionid": "s"}, "env": {"REMOTE_ADDR": "203.0.113.9"},
                         "headers": {"Authorization": "Bearer t", "Cookie": "sessionid=s",
                                     "User-Agent": "Firefox"}},
             "user": {"email": "hanako@example.jp"}}
    assert event_scrubbed(event, {}) == {"request": {"method": "POST",
                                                     "headers": {"User-Agent": "Firefox"}}}
