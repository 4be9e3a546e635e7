"""Business calendars and their closures: what the desk's clocks count in. Supervisors edit
them in the admin; complaints.services.deadlines reads them."""
import zoneinfo
from datetime import time

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.domain.business_time import CalendarSpec, closures_from_ranges


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
