"""The desk's clocks on a case, and the policies that set how long each may run."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from complaints.domain.labels import choice_display
from complaints.domain.lateness import clock_is_late
from complaints.models.calendars import BusinessCalendar
from complaints.models.cases import Case, CaseKind, Priority


class Deadline(models.Model):
    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        DECISION = "decision", _("Decision")
        FILER_REPLY = "filer_reply", _("Filer's reply")
        # A counter-notice's: the output is restored when it runs out, unless the
        # complainant reports a court action (DMCA 512(g)(2)(C)).
        RESTORE = "restore", _("Restore")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    clock = models.CharField(_("clock"), max_length=16, choices=Clock.choices)
    get_clock_display = choice_display("clock")  # read for every clock of the case page
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, db_index=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("filer reminded at"), null=True, blank=True)
    # The date last promised to the filer in a late notice: a clock of its own. The
    # misses count the dates the filer was given that passed unanswered (the due time,
    # then the promised date); after the second, supervisors hear of it every day.
    promised_at = models.DateTimeField(_("answer promised by"), null=True, blank=True)
    misses = models.PositiveSmallIntegerField(_("dates missed"), default=0)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)
    # Business minutes (of the clock's calendar) from start to met, paused time
    # included: what the transparency report's medians are made of.
    met_business_minutes = models.PositiveIntegerField(
        _("business minutes taken"), null=True, blank=True)
    # When the sweep must next look at this clock (a warning, a breach, a reminder);
    # empty when nothing is left to do. The sweep reads only this index.
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True,
                                         db_index=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "clock"], name="deadline_case_clock_unique")
        ]
        # The answer-quality screen counts the clocks met in a period's first and last hour.
        indexes = [models.Index(fields=["clock", "met_at"], name="deadline_clock_met_idx")]

    def __str__(self):
        return f"{self.case_id} {self.clock} {self.due_at}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.cancelled_at is None and self.paused_at is None

    @property
    def is_late(self) -> bool:
        """The filer sees this clock as late (complaints.domain.lateness)."""
        return clock_is_late(clock=self.clock, due_at=self.due_at, met_at=self.met_at,
                             cancelled_at=self.cancelled_at, now=timezone.now(),
                             paused_at=self.paused_at)

    @property
    def promise_missed(self) -> bool:
        """The date promised in the last late notice has passed too."""
        return self.promised_at is not None and self.promised_at <= timezone.now()

    @property
    def was_met_on_time(self) -> bool | None:
        if self.met_at is None or self.due_at is None:
            return None
        return self.met_at <= self.due_at


class DeadlinePolicy(models.Model):
    class Unit(models.TextChoices):
        BUSINESS_DAYS = "business_days", _("business days")
        BUSINESS_HOURS = "business_hours", _("business hours")
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        CALENDAR_HOURS = "calendar_hours", _("calendar hours")

    kind = models.CharField(_("kind of case"), max_length=24, blank=True,
                            choices=[("", _("any kind"))] + CaseKind.choices)
    priority = models.CharField(_("priority"), max_length=10, blank=True,
                                choices=[("", _("any priority"))] + Priority.choices)
    clock = models.CharField(_("clock"), max_length=16, choices=Deadline.Clock.choices)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices,
                            default=Unit.BUSINESS_DAYS)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, null=True,
                                 blank=True, verbose_name=_("calendar"),
                                 help_text=_("Empty: the default calendar."))

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["clock", "kind", "priority"]
        constraints = [models.UniqueConstraint(fields=["kind", "priority", "clock"],
                                               name="one_policy_per_kind_priority_clock")]

    def __str__(self):
        return pgettext("a deadline policy", "%(clock)s: %(amount)s %(unit)s") % {
            "clock": self.get_clock_display(), "amount": self.amount,
            "unit": self.get_unit_display()}
