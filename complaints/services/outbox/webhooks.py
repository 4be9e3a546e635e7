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
registered (complaints.services.webhooks) and again at every delivery: the host's name is
looked up once, every address it has must be public, and the POST goes to one of those
addresses (complaints.services.outbox.addresses).
"""
import hashlib
import hmac
import http.client
import json
import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from complaints.models import WebhookDelivery, WebhookEndpoint
from complaints.services.enqueue import tasks_send_on_commit
from complaints.services.outbox.addresses import (
    Address,
    AddressRefused,
    AddressUnresolved,
    webhook_host_addresses,
)
from complaints.services.outbox.delivery import Channel, SendFailed

MAX_ATTEMPTS = 8
FIRST_ATTEMPT_GRACE = timedelta(minutes=1)  # the relay takes over after this
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
RELAY_LIMIT = 200
CONNECT_TIMEOUT_SECONDS = 3
TIMEOUT_SECONDS = 10  # for each read of the answer
USER_AGENT = "Kotae-Webhooks/1"
DELIVER_TASK = "complaints.tasks.webhook_deliver_task"
# What the filer's delivery log says when no HTTP answer came back.
ERROR_NOT_PUBLIC = "refused: not a public address"
ERROR_NO_CONNECTION = "could not connect"

logger = logging.getLogger(__name__)


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


def _connect(addresses: list[Address]) -> socket.socket:
    """A connection to the first of the checked addresses that answers."""
    error: OSError = OSError("no address")
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT_SECONDS)
        try:
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        sock.settimeout(TIMEOUT_SECONDS)
        return sock
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked, never to what the name resolves to now;
    the Host header still names the host."""

    def __init__(self, host: str, port: int, *, addresses: list[Address]):
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.addresses = addresses

    def connect(self):
        self.sock = _connect(self.addresses)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, over TLS: the certificate is checked against the name (and SNI sent)."""

    def __init__(self, host: str, port: int, *, addresses: list[Address]):
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.addresses = addresses

    def connect(self):
        self.sock = self._context.wrap_socket(_connect(self.addresses),
                                              server_hostname=self.host)


def public_post(url: str, body: bytes, headers: dict, *, read_bytes: int = 1024,
                what: str = "Webhook") -> tuple[int, bytes]:
    """POST to the URL's host, at an address checked just now, and return the HTTP
    status (a 3xx too: redirects are never followed) with up to `read_bytes` of the answer.
    Raises SendFailed with a text for a delivery log that never says how a connection
    failed (that would make the log a scanner of the network behind the host). Webhooks
    and the DSA Transparency Database's statements go out through it."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    host, port = parts.hostname or "", parts.port or (443 if https else 80)
    try:
        addresses = webhook_host_addresses(host=host, port=port,
                                           public_only=settings.KOTAE_WEBHOOK_PUBLIC_ONLY)
    except AddressRefused:
        raise SendFailed(ERROR_NOT_PUBLIC) from None
    except AddressUnresolved:
        raise SendFailed(ERROR_NO_CONNECTION) from None
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(host, port, addresses=addresses)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(read_bytes)
    except (OSError, http.client.HTTPException) as exc:
        logger.info("%s POST to %s failed: %s: %s", what, host, type(exc).__name__, exc)
        raise SendFailed(ERROR_NO_CONNECTION) from None
    finally:
        connection.close()


def _post(url: str, body: bytes, headers: dict) -> int:
    """A webhook's POST: the receiver's HTTP status."""
    return public_post(url, body, headers)[0]


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
    # A receiver may keep us 10 s a read: never inside a transaction. Longer than the
    # delivery task's hard time limit (60 s, complaints.tasks).
    lease=timedelta(minutes=2),
)
