"""POST /csp-report/: where browsers report a Content-Security-Policy violation (the policy's
report-uri, config/settings/base.py). One log line per report, on the `kotae.csp` logger.

Anyone can post here, so nothing of the body is trusted: it is read up to a small cap,
parsed as JSON only if it is JSON, and each field logged is a short, escaped string (no
line breaks a reader of the log could take for another entry). Query strings and fragments
are cut from the addresses, where tokens could be. The answer is 204 to any report, read
or not (a browser does nothing with it), 413 to a body over the cap, 405 to anything but
POST.
"""
import json
import logging
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpResponse, HttpResponseBadRequest, UnreadablePostError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("kotae.csp")

# A report is a few hundred bytes; a browser's largest (a long script sample) a few KB.
MAX_BODY_BYTES = 16 * 1024
MAX_FIELD_CHARS = 300
# What a line says, in this order, by the names of `report-uri` reports (application/
# csp-report) and, where they differ, of the Reporting API's (application/reports+json).
FIELDS = [
    ("directive", ("effective-directive", "effectiveDirective", "violated-directive")),
    ("blocked", ("blocked-uri", "blockedURL")),
    ("page", ("document-uri", "documentURL")),
    ("source", ("source-file", "sourceFile")),
    ("line", ("line-number", "lineNumber")),
    ("sample", ("script-sample", "sample")),
    ("disposition", ("disposition",)),
]
ADDRESS_FIELDS = {"blocked", "page", "source"}


def _without_query(value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    return urlunsplit(parts._replace(query="", fragment=""))


def _field(raw, *, address: bool) -> str:
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, int | float):  # a line number (bool is an int: harmless)
        text = str(raw)
    else:  # no browser sends a list or an object here; its contents are not logged
        text = f"<{type(raw).__name__}>"
    if address:
        text = _without_query(text)
    return text[:MAX_FIELD_CHARS]


def _summary(report: dict) -> dict:
    summary = {}
    for name, keys in FIELDS:
        for key in keys:
            if report.get(key) not in (None, ""):
                summary[name] = _field(report[key], address=name in ADDRESS_FIELDS)
                break
    return summary


def _reports(document) -> list[dict]:
    """The violations a body holds: {"csp-report": {...}} from report-uri, or the
    Reporting API's list of {"type": "csp-violation", "body": {...}}."""
    if isinstance(document, dict) and isinstance(document.get("csp-report"), dict):
        return [document["csp-report"]]
    if isinstance(document, list):
        return [item["body"] for item in document
                if isinstance(item, dict) and isinstance(item.get("body"), dict)]
    return []


def _parsed(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


@csrf_exempt  # browsers post reports without a token (and with no cookie to protect)
@require_POST
def csp_report(request):
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        logger.warning("csp report refused: body of %d bytes", declared)
        return HttpResponse(status=413)
    try:
        body = request.read(MAX_BODY_BYTES + 1)
    except UnreadablePostError:  # the sender went away mid-body
        return HttpResponseBadRequest()
    if len(body) > MAX_BODY_BYTES:
        logger.warning("csp report refused: body over %d bytes", MAX_BODY_BYTES)
        return HttpResponse(status=413)
    reports = _reports(_parsed(body))
    if not reports:
        logger.warning("csp report unreadable: %d bytes of %s", len(body),
                       json.dumps(request.content_type[:MAX_FIELD_CHARS]))
    for report in reports[:10]:
        # json.dumps escapes line breaks and control characters: one line a report.
        logger.warning("csp violation %s", json.dumps(_summary(report), ensure_ascii=True))
    return HttpResponse(status=204)
