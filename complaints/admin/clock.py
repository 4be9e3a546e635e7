"""Calendars and deadline policies: supervisors edit them, operators may read them."""
from django.contrib import admin

from complaints.models import BusinessCalendar, CalendarClosure, DeadlinePolicy


class ClosureInline(admin.TabularInline):
    model = CalendarClosure
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "country", "is_default"]
    inlines = [ClosureInline]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["clock", "kind", "priority", "amount", "unit", "calendar"]
    list_filter = ["clock", "kind", "priority"]
    list_editable = ["amount", "unit"]
    list_select_related = ["calendar"]
