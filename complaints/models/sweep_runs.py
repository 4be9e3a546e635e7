"""How the periodic sweeps ran: one row per sweep, rewritten by each run, so the metrics
read one row (every web process sees the same, whichever worker ran the sweep)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    name = models.CharField(_("sweep"), max_length=40, unique=True)
    last_started_at = models.DateTimeField(_("last started at"))
    last_seconds = models.FloatField(_("last run's duration (seconds)"))
    last_handled = models.PositiveIntegerField(_("clocks handled by the last run"))
    # Since the first run: counters that the metrics give as totals.
    runs = models.PositiveBigIntegerField(_("runs"), default=0)
    clocks_breached = models.PositiveBigIntegerField(_("clocks breached"), default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self):
        return f"{self.name} {self.last_started_at:%Y-%m-%d %H:%M:%S}"
