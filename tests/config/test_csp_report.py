"""POST /csp-report/: a browser's report is logged as one line; anything else anyone can
send is answered without a 500 and logged (if at all) as one short, escaped line."""
import json
import logging

import pytest

from config.csp_report import MAX_BODY_BYTES

URL = "/csp-report/"

REPORT = {"csp-report": {
    "document-uri": "https://kotae.example/cases/KT-2026-000001/?token=secret#frag",
    "referrer": "",
    "violated-directive": "script-src-elem",
    "effective-directive": "script-src-elem",
    "original-policy": "default-src 'self'; script-src 'self'; report-uri /csp-report/",
    "disposition": "enforce",
    "blocked-uri": "inline",
    "line-number": 12,
    "source-file": "https://kotae.example/cases/KT-2026-000001/",
    "status-code": 200,
    "script-sample": "alert(1)",
}}


@pytest.fixture
def logged(caplog, monkeypatch):
    # A test that configures logging anew (import-linter's, in tests/test_layout.py)
    # disables the loggers that exist by then; this one must speak here.
    monkeypatch.setattr(logging.getLogger("kotae.csp"), "disabled", False)
    caplog.set_level(logging.WARNING, logger="kotae.csp")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "kotae.csp"]
    return lines


def post(client, body, content_type="application/csp-report", **extra):
    if not isinstance(body, bytes | str):
        body = json.dumps(body)
    return client.post(URL, body, content_type=content_type, **extra)


def test_a_browsers_report_is_logged_in_one_line(client, logged):
    response = post(client, REPORT)
    assert response.status_code == 204
    [line] = logged()
    assert line.startswith("csp violation ")
    summary = json.loads(line.removeprefix("csp violation "))
    assert summary == {
        "directive": "script-src-elem", "blocked": "inline",
        "page": "https://kotae.example/cases/KT-2026-000001/",  # no query, no fragment
        "source": "https://kotae.example/cases/KT-2026-000001/", "line": "12",
        "sample": "alert(1)", "disposition": "enforce"}


def test_the_reporting_apis_list_is_read_too(client, logged):
    body = [{"type": "csp-violation", "url": "https://kotae.example/",
             "body": {"effectiveDirective": "img-src", "blockedURL": "data",
                      "documentURL": "https://kotae.example/admin/"}},
            {"type": "csp-violation", "body": {"effectiveDirective": "style-src-attr",
                                               "blockedURL": "inline"}}]
    assert post(client, body, content_type="application/reports+json").status_code == 204
    lines = logged()
    assert len(lines) == 2
    assert '"directive": "img-src"' in lines[0] and '"blocked": "data"' in lines[0]
    assert '"directive": "style-src-attr"' in lines[1]


@pytest.mark.parametrize("body", [
    b"", b"not json", b"\xff\xfe\x00garbage", b"[]", b"{}", b"null", b"42", b'"csp-report"',
    b'{"csp-report": "a string"}', b'{"csp-report": [1, 2]}', b'[1, "x", null]',
    b"[" * 5000 + b"]" * 5000,  # deeper than Python's JSON reader goes
    b'{"csp-report": {"blocked-uri": {"nested": [1, 2, {"deep": true}]}, "line-number": []}}',
    b'{"csp-report": {"document-uri": "http://[::1"}}',  # not a URL urlsplit can read
    b'{"csp-report": {"blocked-uri": "\\u0000\\ud800"}}',
], ids=lambda body: repr(body[:30]))
def test_bad_bodies_are_answered_without_an_error(client, logged, body):
    response = post(client, body)
    assert response.status_code == 204
    assert len(logged()) == 1


def test_a_forged_line_break_stays_on_its_line(client, logged):
    forged = "https://x.example/\n2026-01-01 ERROR django.security something else"
    post(client, {"csp-report": {"blocked-uri": forged, "script-sample": "a\r\nb" * 1000}})
    [line] = logged()
    assert "\n" not in line and "\r" not in line
    assert len(line) < 1000  # each field cut short


def test_a_body_over_the_cap_is_refused(client, logged):
    big = {"csp-report": {"script-sample": "x" * MAX_BODY_BYTES}}
    assert post(client, big).status_code == 413
    assert logged() == [f"csp report refused: body of {len(json.dumps(big))} bytes"]


def test_a_body_longer_than_it_says_is_read_only_up_to_the_cap(client, logged):
    body = json.dumps({"csp-report": {"script-sample": "x" * (2 * MAX_BODY_BYTES)}})
    response = client.generic("POST", URL, body, content_type="application/csp-report",
                              CONTENT_LENGTH="10")
    assert response.status_code == 204  # ten bytes of JSON: unreadable, logged as such
    assert logged()[0].startswith("csp report unreadable: 10 bytes")


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=xx", "text/plain"])
def test_other_content_types_are_answered(client, content_type, logged):
    assert post(client, "a=b&c=%00", content_type=content_type).status_code in (204, 400)


def test_only_post(client):
    assert client.get(URL).status_code == 405
    assert client.put(URL, "{}").status_code == 405


def test_no_csrf_token_is_needed():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, REPORT).status_code == 204
