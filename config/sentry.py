"""Error reporting through sentry-sdk, on only when SENTRY_DSN is set (from the environment;
nothing is sent, and nothing is patched, when it is unset).

What is sent is an error and its stack, never a filer's personal data: no default PII
(no user, no address, no cookies), and no request body (it holds names, addresses,
statements and evidence); before_send removes what the integrations would add anyway.
"""
import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from config.logs import request_id_var

# Headers that may carry a secret or a person: dropped from the event.
DROPPED_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}


def event_scrubbed(event: dict, _hint: dict) -> dict:
    """The event without the request's body, cookies, secret headers or user; tagged with
    the request id."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {name: value for name, value in headers.items()
                                  if name.lower() not in DROPPED_HEADERS}
    event.pop("user", None)
    request_id = request_id_var.get()
    if request_id:  # the same id as the request's log lines and its X-Request-ID
        tags = event.setdefault("tags", {})
        if isinstance(tags, dict):
            tags["request_id"] = request_id
    return event


def sentry_init(dsn: str, *, environment: str = "production", release: str = "") -> bool:
    """Start reporting to `dsn`; False (and nothing started) when it is empty."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",  # the body is never read for an event
        include_local_variables=False,  # a view's variables hold what the filer typed
        before_send=event_scrubbed,
        traces_sample_rate=0.0,  # errors only: no performance tracing
        shutdown_timeout=2,  # a process stopping waits this long at most for the queue
    )
    return True
