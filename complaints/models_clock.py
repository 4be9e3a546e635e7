"""Calendars and deadline policies: what the desk's clocks are made of. Supervisors edit
them in the admin; complaints.services.deadlines reads them."""
import zoneinfo
from datetime import time

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.business_time import CalendarSpec, closures_from_ranges

# Imported at the end of complaints.models, after these are defined there.
from complaints.models import CaseKind, Deadline, Priority


def _default_hours():
    return {str(d): ["09:00", "18:00"] if d < 5 else None for d in range(7)}


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")
    country = models.CharField(
        _("public holidays of"), max_length=2, default="JP", blank=True,
        help_text=_("A country code such as JP, US or DE; empty for no public holidays."),
    )
    working_hours = models.JSONField(
        _("working hours"), default=_default_hours,
        help_text=_('Per weekday, 0 = Monday: ["09:00", "18:00"], or null for a day off.'),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [models.UniqueConstraint(
            fields=["is_default"], condition=models.Q(is_default=True),
            name="one_default_calendar")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}  # every mistake at once, not one per save
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = _("Unknown time zone.")
        if self.country:
            self.country = self.country.upper()
            if self.country not in holidays.list_supported_countries():
                errors["country"] = _("No holiday list for this country.")
        try:
            self.parsed_hours()
        except (TypeError, ValueError, KeyError, AttributeError):
            errors["working_hours"] = _(
                'Give each weekday 0-6 as ["HH:MM", "HH:MM"] with the opening first, or null.')
        if errors:
            raise ValidationError(errors)

    def parsed_hours(self) -> dict:
        hours = {}
        for weekday in range(7):
            value = self.working_hours.get(str(weekday))
            if value is None:
                hours[weekday] = None
                continue
            opens, closes = (time.fromisoformat(v) for v in value)
            if not opens < closes:
                raise ValueError("opening after closing")
            hours[weekday] = (opens, closes)
        return hours

    def spec(self) -> CalendarSpec:
        closures = closures_from_ranges(self.closures.values_list("first_day", "last_day"))
        return CalendarSpec(time_zone=self.time_zone, hours=self.parsed_hours(),
                            country=self.country, closures=closures)


class CalendarClosure(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE,
                                 related_name="closures")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("company closure")
        verbose_name_plural = _("company closures")
        ordering = ["first_day"]

    def __str__(self):
        return f"{self.first_day} – {self.last_day} {self.reason}"

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day is before the first.")})


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
        return f"{self.get_clock_display()}: {self.amount} {self.get_unit_display()}"
