"""The audit trail of a case."""
from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from complaints.domain.events import event_label
from complaints.models.cases import Case


class AppendOnlyError(Exception):
    pass


class CaseEvent(models.Model):
    """The audit trail: append-only, written by the service that makes the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events",
                             verbose_name=_("case"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    event_type = models.CharField(_("event"), max_length=40, db_index=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    public = models.BooleanField(_("shown to the filer"), default=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return pgettext("an audit event", "%(event)s · %(when)s") % {
            "event": event_label(self.event_type),
            "when": formats.date_format(timezone.localtime(self.created_at),
                                        "DATETIME_FORMAT")}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
