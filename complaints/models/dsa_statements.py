"""Statements of reasons for the EU DSA Transparency Database, and how each was sent."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.decisions import Decision


class DsaStatementSubmission(models.Model):
    """One statement of reasons (DSA Art. 17, 24(5)) for one restricted output location,
    written with its decision and sent to the database by a worker (the outbox's delivery
    mechanism: attempts, a growing pause, a relay for what was not handed over)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will be retried)")
        REFUSED = "refused", _("Refused by the database")
        GAVE_UP = "gave_up", _("Failed (no more retries)")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT,
                                 related_name="dsa_statements", verbose_name=_("decision"))
    puid = models.CharField(_("platform unique identifier"), max_length=500, unique=True)
    statement = models.JSONField(_("statement of reasons"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True,
                                                       blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    database_id = models.CharField(_("id in the database"), max_length=40, blank=True)
    database_uuid = models.CharField(_("UUID in the database"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("statement to the DSA Transparency Database")
        verbose_name_plural = _("statements to the DSA Transparency Database")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"],
                                name="dsa_statement_due_idx")]

    def __str__(self):
        return self.puid
