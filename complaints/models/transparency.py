"""The published figures, computed by a periodic task and kept here, so the public page
reads one row however many cases there are (and every web process sees the same)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransparencySnapshot(models.Model):
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    data = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("transparency snapshot")
        verbose_name_plural = _("transparency snapshots")
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M}"
