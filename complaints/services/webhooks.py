"""Webhooks: a filer's HTTPS URL hears of status changes on their cases.

Here: which URLs may receive webhooks (https; a host whose every address is public,
looked up now and again at each delivery), the endpoints, and the
events that write deliveries. A delivery is a row in the outbox
(complaints.services.outbox): written in the transaction that changed the case, POSTed
and signed by a worker after commit, and retried by the relay with a growing pause until
it is delivered or given up. What a receiver gets, and how it checks the signature:
complaints/services/outbox/webhooks.py.
"""
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from complaints.domain.webhook_urls import webhook_url_pattern as domain_webhook_url_pattern
from complaints.domain.webhook_urls import webhook_url_shape
from complaints.models import Case, WebhookDelivery, WebhookEndpoint
from complaints.services.outbox import case_link, webhook_deliveries_write
from complaints.services.outbox.addresses import (
    AddressRefused,
    AddressUnresolved,
    webhook_host_addresses,
)

MAX_ENDPOINTS = 10
EVENT_CASE_STATUS_CHANGED = "case.status_changed"

URL_MAX_LENGTH = 500
ERROR_HTTPS = _("A webhook URL must start with https://.")
ERROR_URL = _("Enter the full web address of your webhook receiver, e.g. "
              "https://example.com/kotae/webhooks.")
ERROR_PRIVATE_HOST = _(
    "A webhook URL must point to a public host on the internet, not to localhost, an "
    "internal name, or a private, loopback, link-local or other non-public address."
)
ERROR_UNKNOWN_HOST = _(
    "The host of this webhook URL could not be found. Check its spelling; it must be a "
    "name that resolves on the public internet."
)
ERROR_TOO_MANY = _("You can have at most %(limit)d webhooks. Delete one to add another.")


# --- Endpoints ---------------------------------------------------------------------
def webhook_url_pattern() -> str:
    """The regular expression a webhook URL must match, as the API's schema publishes it
    (complaints.domain.webhook_urls): https only unless KOTAE_WEBHOOK_ALLOW_HTTP, and no
    internal name or non-public IPv4 address while KOTAE_WEBHOOK_PUBLIC_ONLY."""
    return domain_webhook_url_pattern(allow_http=settings.KOTAE_WEBHOOK_ALLOW_HTTP,
                                      public_only=settings.KOTAE_WEBHOOK_PUBLIC_ONLY)


def webhook_url_check(url: str) -> str:
    """The URL if it may receive webhooks, else a ValidationError on the field `url`
    that says why."""
    if not settings.KOTAE_WEBHOOK_ALLOW_HTTP and url[:7].lower() == "http://":
        raise ValidationError({"url": [ValidationError(ERROR_HTTPS, code="https_required")]})
    shape = webhook_url_shape(allow_http=settings.KOTAE_WEBHOOK_ALLOW_HTTP)
    if len(url) > URL_MAX_LENGTH or not re.fullmatch(shape, url):
        raise ValidationError({"url": [ValidationError(ERROR_URL, code="invalid_url")]})
    if settings.KOTAE_WEBHOOK_PUBLIC_ONLY:
        if not re.fullmatch(webhook_url_pattern(), url):  # an internal name or address
            raise ValidationError({"url": [ValidationError(ERROR_PRIVATE_HOST,
                                                           code="private_host")]})
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            webhook_host_addresses(host=parts.hostname or "", port=port)
        except AddressRefused:
            raise ValidationError({"url": [ValidationError(ERROR_PRIVATE_HOST,
                                                           code="private_host")]}) from None
        except AddressUnresolved:
            raise ValidationError({"url": [ValidationError(ERROR_UNKNOWN_HOST,
                                                           code="unknown_host")]}) from None
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
    return webhook_deliveries_write(endpoints=endpoints, event_id=event_id,
                                   event_type=EVENT_CASE_STATUS_CHANGED, payload=payload)
