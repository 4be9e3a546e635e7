"""The webhook channel: a WebhookDelivery row is POSTed, signed, to its endpoint's URL.

What a receiver gets: a POST with a compact JSON body (sorted keys) and these headers::

    Content-Type: application/json
    User-Agent: Kotae-Webhooks/1
    Kotae-Event: case.status_changed
    Kotae-Delivery: case:42:status:1234     (the event's id: the same on every retry)
    Kotae-Signature: t=1767225600,v1=5f0c…  (unix time of this attempt, HMAC-SHA256)

How a receiver checks a delivery (Python; any language with HMAC-SHA256 will do)::

    import hashlib, hmac, time

    def kotae_verify(secret: str, raw_body: bytes, header: str, tolerance=300) -> bool:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, signature = int(parts["t"]), parts["v1"]
        signed = f"{timestamp}.".encode() + raw_body
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return (hmac.compare_digest(expected, signature)
                and abs(time.time() - timestamp) <= tolerance)

Sign-check the raw bytes as received, before parsing the JSON; refuse old timestamps
(a replay); and treat `Kotae-Delivery` as the key of the event: a delivery can arrive
twice (if our worker dies after the receiver answered), never with a different body.
Answer 2xx quickly; anything else (a redirect included, or no answer within 10 seconds)
is retried: 8 attempts in all, 1, 2, 4 … 64 minutes apart (never more than six hours).

Which URLs may receive webhooks (https, public hosts only) is checked when an endpoint is
registered: complaints.services.webhooks.
"""
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.utils import timezone

from complaints.models import WebhookDelivery, WebhookEndpoint
from complaints.services.enqueue import tasks_send_on_commit
from complaints.services.outbox.delivery import Channel, SendFailed

MAX_ATTEMPTS = 8
FIRST_ATTEMPT_GRACE = timedelta(minutes=1)  # the relay takes over after this
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
RELAY_LIMIT = 200
TIMEOUT_SECONDS = 10
USER_AGENT = "Kotae-Webhooks/1"
DELIVER_TASK = "complaints.tasks.webhook_deliver_task"


def webhook_deliveries_write(*, endpoints: list[WebhookEndpoint], event_id: str,
                             event_type: str, payload: dict) -> list[WebhookDelivery]:
    """One delivery of the event per endpoint, sent after commit (the relay takes over
    after FIRST_ATTEMPT_GRACE). Call inside the transaction that caused the event."""
    next_attempt_at = timezone.now() + FIRST_ATTEMPT_GRACE
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_id=event_id, event_type=event_type,
                        payload=payload, next_attempt_at=next_attempt_at)
        for endpoint in endpoints
    )
    tasks_send_on_commit(DELIVER_TASK, [(d.pk,) for d in deliveries],
                         waiting=f"{len(deliveries)} webhook deliveries")
    return deliveries


def webhook_body(payload: dict) -> bytes:
    """The exact bytes sent and signed: compact JSON with sorted keys."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256, keyed with the endpoint's secret, of "<timestamp>." followed
    by the body's bytes: `v1` in the Kotae-Signature header (see this module's docstring
    for how a receiver checks it)."""
    signed = f"{int(timestamp)}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is the receiver's answer (a failure), not a place to send the event to."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST and return the HTTP status; raises only for no answer at all."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked at registration)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as exc:  # an answer, just not a 2xx
        exc.close()
        return exc.code


def webhook_send(delivery: WebhookDelivery) -> None:
    """POST the event, signed for this attempt; records the receiver's answer on the row
    and raises unless it was a 2xx."""
    endpoint = delivery.endpoint
    body = webhook_body(delivery.payload)
    timestamp = int(time.time())
    signature = webhook_signature(secret=endpoint.secret, timestamp=timestamp, body=body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Kotae-Event": delivery.event_type,
        "Kotae-Delivery": delivery.event_id,
        "Kotae-Signature": f"t={timestamp},v1={signature}",
    }
    delivery.response_status = None
    delivery.response_status = _post(endpoint.url, body, headers)
    if not 200 <= delivery.response_status < 300:
        raise SendFailed(f"HTTP {delivery.response_status}")


def _refusal(delivery: WebhookDelivery) -> str:
    return "" if delivery.endpoint.active else "Endpoint inactive"


WEBHOOKS = Channel(
    name="Webhook delivery",
    model=WebhookDelivery,
    send=webhook_send,
    done_status=WebhookDelivery.Status.DELIVERED,
    done_at="delivered_at",
    gave_up_status=WebhookDelivery.Status.GAVE_UP,
    max_attempts=MAX_ATTEMPTS,
    backoff_base_seconds=BACKOFF_BASE_SECONDS,
    backoff_max_seconds=BACKOFF_MAX_SECONDS,
    relay_limit=RELAY_LIMIT,
    recorded=("response_status",),
    related=("endpoint",),
    refusal=_refusal,
)
