"""Webhooks: a filer's HTTPS URL hears of status changes on their cases.

The outbox again (see notifications): a delivery row is written in the transaction that
changed the case, handed to a worker after commit, and retried by the relay with a
growing pause until it is delivered or given up.

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
"""
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from complaints.models import Case, WebhookDelivery, WebhookEndpoint
from complaints.services.enqueue import tasks_send_on_commit
from complaints.services.notifications import case_link

logger = logging.getLogger(__name__)

MAX_ENDPOINTS = 10
MAX_ATTEMPTS = 8
FIRST_ATTEMPT_GRACE = timedelta(minutes=1)  # the relay takes over after this
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10
USER_AGENT = "Kotae-Webhooks/1"
EVENT_CASE_STATUS_CHANGED = "case.status_changed"

URL_MAX_LENGTH = 500
ERROR_HTTPS = _("A webhook URL must start with https://.")
ERROR_URL = _("Enter the full web address of your webhook receiver, e.g. "
              "https://example.com/kotae/webhooks.")
ERROR_PRIVATE_HOST = _(
    "A webhook URL must point to a public host, not to localhost or a private, loopback "
    "or link-local address."
)
ERROR_TOO_MANY = _("You can have at most %(limit)d webhooks. Delete one to add another.")


# --- Endpoints ---------------------------------------------------------------------
# What a webhook URL may look like; the API's schema publishes the same pattern.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_HOST = (r"(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
         r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"  # a name with its top-level domain
         rf"|{_OCTET}(?:\.{_OCTET}){{3}}|localhost)")  # an IPv4 address, localhost
_PORT = r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}"
_PORT += r"|[1-9][0-9]{0,3}))?"
# Path and query (no fragment): the characters RFC 3986 allows there, or %-escapes.
_CHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})"
_REST = rf"(?:/{_CHAR}*)?(?:\?(?:{_CHAR}|\?)*)?"


def webhook_url_pattern() -> str:
    """The regular expression a webhook URL must match (https only, unless
    KOTAE_WEBHOOK_ALLOW_HTTP)."""
    scheme = "https?" if settings.KOTAE_WEBHOOK_ALLOW_HTTP else "https"
    return rf"^{scheme}://{_HOST}{_PORT}{_REST}$"


def _host_is_private(host: str) -> bool:
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name; it is resolved only when a delivery is sent
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_unspecified or address.is_reserved or address.is_multicast)


def webhook_url_check(url: str) -> str:
    """The URL if it may receive webhooks, else a ValidationError on the field `url`
    that says why."""
    allow_local = settings.KOTAE_WEBHOOK_ALLOW_HTTP
    if not allow_local and url[:7].lower() == "http://":
        raise ValidationError({"url": [ValidationError(ERROR_HTTPS, code="https_required")]})
    if len(url) > URL_MAX_LENGTH or not re.fullmatch(webhook_url_pattern(), url):
        raise ValidationError({"url": [ValidationError(ERROR_URL, code="invalid_url")]})
    if not allow_local and _host_is_private(urlsplit(url).hostname or ""):
        raise ValidationError({"url": [ValidationError(ERROR_PRIVATE_HOST,
                                                       code="private_host")]})
    return url


@transaction.atomic
def webhook_endpoint_create(*, owner, url: str, description: str = "") -> WebhookEndpoint:
    """Register a URL of the owner's; its new secret is on the returned row (show it once)."""
    url = webhook_url_check(url)
    # One creation at a time per owner, so that two at once cannot pass the limit.
    list(get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk"))
    if WebhookEndpoint.objects.filter(owner=owner).count() >= MAX_ENDPOINTS:
        raise ValidationError(ERROR_TOO_MANY, code="too_many_webhooks",
                              params={"limit": MAX_ENDPOINTS})
    return WebhookEndpoint.objects.create(owner=owner, url=url,
                                          description=description.strip())


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint with its delivery log; nothing more is sent to it."""
    endpoint.delete()


# --- Events ------------------------------------------------------------------------
def _endpoints_for(case: Case):
    owners = Q(owner_id=case.filer_id)
    if case.organisation_id:
        owners |= Q(owner_id__in=Membership.objects.filter(
            organisation_id=case.organisation_id).values("user_id"))
    return WebhookEndpoint.objects.filter(owners, active=True).only("pk")


def webhooks_case_status_changed(*, case: Case, old_status: str, new_status: str,
                                 event_pk: int) -> list[WebhookDelivery]:
    """Write one delivery per active endpoint of the filer and of the members of the
    case's organisation; they are sent after commit. Call inside the change's transaction.

    `event_pk` (the audit event of the change) makes the event id, stable across retries.
    """
    endpoints = list(_endpoints_for(case))
    if not endpoints:
        return []
    now = timezone.now()
    event_id = f"case:{case.pk}:status:{event_pk}"
    payload = {
        "id": event_id,
        "type": EVENT_CASE_STATUS_CHANGED,
        "created_at": now.isoformat(),
        "data": {
            "reference": case.reference,
            "kind": str(case.kind),
            "old_status": str(old_status),
            "new_status": str(new_status),
            "url": case_link(case),
        },
    }
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_id=event_id,
                        event_type=EVENT_CASE_STATUS_CHANGED, payload=payload,
                        next_attempt_at=now + FIRST_ATTEMPT_GRACE)
        for endpoint in endpoints
    )
    tasks_send_on_commit("complaints.tasks.webhook_deliver_task",
                         [(d.pk,) for d in deliveries],
                         waiting=f"{len(deliveries)} webhook deliveries")
    return deliveries


# --- Delivery ----------------------------------------------------------------------
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


def webhook_deliver(*, delivery_id: int) -> bool:
    """Send one delivery if it is still to send and due. Returns True when delivered now.

    The row is locked while it is sent, so two workers never send it at once; a
    receiver's failure is recorded on the row and retried later, never raised.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            # A failed row waits for its time (a duplicate task must not skip the pause).
            .filter(Q(status=WebhookDelivery.Status.PENDING)
                    | Q(status=WebhookDelivery.Status.FAILED,
                        next_attempt_at__lte=timezone.now()))
            .first()
        )
        if delivery is None:
            return False
        endpoint = delivery.endpoint
        if not endpoint.active:
            delivery.status = WebhookDelivery.Status.GAVE_UP
            delivery.next_attempt_at = None
            delivery.last_error = "Endpoint inactive"
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return False
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
        delivery.attempts += 1
        error = ""
        try:
            delivery.response_status = _post(endpoint.url, body, headers)
        except Exception as exc:  # the receiver's failure is data, not a crash
            delivery.response_status = None
            error = f"{type(exc).__name__}: {exc}"
        else:
            if not 200 <= delivery.response_status < 300:
                error = f"HTTP {delivery.response_status}"
        fields = ["status", "attempts", "response_status", "last_error", "next_attempt_at"]
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.last_error = ""
            delivery.save(update_fields=[*fields, "delivered_at"])
            return True
        logger.info("Webhook delivery %s failed: %s", delivery.pk, error)
        delivery.last_error = error[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.GAVE_UP
            delivery.next_attempt_at = None
        else:
            delivery.status = WebhookDelivery.Status.FAILED
            backoff = min(2 ** delivery.attempts * BACKOFF_BASE_SECONDS, BACKOFF_MAX_SECONDS)
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=backoff)
        delivery.save(update_fields=fields)
        return False


def webhook_deliveries_due_ids(*, limit: int = 200) -> list[int]:
    """Ids of deliveries whose (next) attempt is due: for the relay."""
    return list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
