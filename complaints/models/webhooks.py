"""Webhooks: a filer's endpoints and the log of what was delivered to them."""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An HTTPS URL of a filer's that hears of status changes on their cases."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="webhook_endpoints", verbose_name=_("owner"))
    url = models.URLField(_("URL"), max_length=500)
    # Signs each delivery (HMAC-SHA256); shown to the owner when the endpoint is made.
    secret = models.CharField(max_length=100, default=_webhook_secret)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or still to send) to one endpoint: the owner's delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (will be retried)")
        GAVE_UP = "gave_up", _("Failed (no more retries)")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event_id = models.CharField(max_length=100)  # stable across retries
    event_type = models.CharField(_("event"), max_length=50)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True,
                                                       blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"],
                                               name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"],
                                name="webhook_delivery_due_idx")]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint_id}"
