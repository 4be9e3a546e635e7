"""Logging: one line per record, JSON in production (LOG_FORMAT=json, python-json-logger)
and plain text on a laptop (LOG_FORMAT=plain); each line carries the request id where one
is known (RequestIdMiddleware), so a line and the answer the caller got can be matched.

Every line has time, level, logger and message; request_id is null outside a request
(a worker, beat, a command).
"""
import contextvars
import logging
import re
import uuid

# The id of the request being answered in this thread (or task), for every log line.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kotae_request_id", default=None)
HEADER = "X-Request-ID"
# An id a proxy sent is kept if it is short and plain: it goes into every log line and back
# in the answer, so nothing that could break a line or a header.
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdFilter(logging.Filter):
    """Puts the request id (or `missing` outside a request) on every record."""

    def __init__(self, missing: str | None = None):
        super().__init__()
        self.missing = missing

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or self.missing
        return True


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it is plain and short, else makes one; logs of
    this request carry it, and the answer gives it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if ACCEPTED.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


FORMATTERS = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",  # ISO 8601 in UTC, whatever TIME_ZONE says
        "json_ensure_ascii": False,  # Japanese stays readable
    },
}


def logging_config(*, log_format: str, level: str) -> dict:
    """Django's LOGGING for `log_format` ("json" or "plain")."""
    if log_format not in FORMATTERS:
        raise ValueError(f"LOG_FORMAT must be json or plain, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # JSON: null outside a request; plain text: "-".
        "filters": {"request_id": {"()": "config.logs.RequestIdFilter",
                                   "missing": None if log_format == "json" else "-"}},
        "formatters": {log_format: FORMATTERS[log_format]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format,
                                 "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
    }
