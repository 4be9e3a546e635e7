"""The answer-quality dashboard: a supervisors' screen in the admin (/admin/quality/).

Reads only: the figures come from complaints.selectors.quality."""
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from complaints.models import Question
from complaints.selectors.quality import QualityRow, quality_figures

DEFAULT_PERIOD = "last_90"
PERIODS = [
    ("last_30", gettext_lazy("Last 30 days")),
    ("last_90", gettext_lazy("Last 90 days")),
    ("this_quarter", gettext_lazy("This quarter")),
    ("last_quarter", gettext_lazy("Last quarter")),
    ("all", gettext_lazy("All time")),
    ("dates", gettext_lazy("From and to the dates below")),
]
# Dates outside these years are typing mistakes, and could not be turned into times.
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)

# Sortable columns: the key in ?o= and how a row is ordered by it.
SORT_KEYS = {
    "name": lambda row: row.label.casefold(),
    "decided": lambda row: row.decided,
    "first_response": lambda row: row.first_response_on_time.share,
    "decision": lambda row: row.decision_on_time.share,
    "helpful": lambda row: row.helpful.share,
    "appealed": lambda row: row.appeals_filed,
    "upheld": lambda row: row.appeals_upheld.share,
}
SORT_CHOICES = [(key, key) for name in SORT_KEYS for key in (name, f"-{name}")]


class QualityPeriodForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(
        label=gettext_lazy("To (inclusive)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    o = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput,
                          error_messages={"invalid_choice": gettext_lazy(
                              "The table can only be sorted by one of its columns.")})

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value is not None and not EARLIEST <= value <= LATEST:
                self.add_error(name, _("Enter a date between the years 2000 and 2999."))
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."), code="order")
        if data.get("period") == "dates" and not (start or end):
            raise ValidationError(_("Enter a start date, an end date or both."), code="dates")
        # Dates typed in win over the list: nobody types dates to have them ignored.
        if start or end:
            data["period"] = "dates"
        data["period"] = data.get("period") or DEFAULT_PERIOD
        return data

    def bounds(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The period as [start, end) in the active (the viewer's) time zone; None is open."""
        data = self.cleaned_data
        local_now = timezone.localtime(now)
        match data["period"]:
            case "last_30":
                return now - timedelta(days=30), None
            case "last_90":
                return now - timedelta(days=90), None
            case "this_quarter":
                return _quarter_start(local_now.date()), None
            case "last_quarter":
                this_start = _quarter_start(local_now.date())
                return _quarter_start((this_start - timedelta(days=1)).date()), this_start
            case "dates":
                start = data.get("date_from")
                end = data.get("date_to")
                return (_day_start(start) if start else None,
                        _day_start(end + timedelta(days=1)) if end else None)
        return None, None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _quarter_start(day: date) -> datetime:
    return _day_start(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))


def may_see_quality(user) -> bool:
    """Supervisors (and superusers, whose role is supervisor) see the figures."""
    return user.is_active and user.is_staff and user.role == Role.SUPERVISOR


def _sorted(rows: list[QualityRow], order: str) -> list[QualityRow]:
    """Rows by a column; rows with nothing to show (no share) always come last."""
    name = order.lstrip("-")
    key = SORT_KEYS[name]
    present = [row for row in rows if key(row) is not None]
    absent = [row for row in rows if key(row) is None]
    present.sort(key=lambda row: row.label.casefold())
    present.sort(key=key, reverse=order.startswith("-"))
    return present + absent


def _headers(query: dict, order: str) -> list[dict]:
    """The sortable column headers: a click sorts by the column, a second click reverses."""
    columns = [
        ("decided", _("Cases decided")),
        ("first_response", _("First responses on time")),
        ("decision", _("Decisions on time")),
        ("helpful", _("Answer helped")),
        ("appealed", _("Reopened by appeal")),
        ("upheld", _("Appeals upheld")),
    ]
    headers = []
    for key, label in columns:
        # Figures read best largest first; a second click gives the other way.
        next_order = key if order == f"-{key}" else f"-{key}"
        headers.append({
            "key": key, "label": label,
            "url": "?" + urlencode({**query, "o": next_order}),
            "sorted": "descending" if order == f"-{key}" else
                      "ascending" if order == key else "",
        })
    return headers


def _ratio(ratio) -> dict:
    percent = round(100 * ratio.share) if ratio.whole else None
    return {"ratio": True, "part": ratio.part, "whole": ratio.whole, "percent": percent}


def _present(row: QualityRow) -> dict:
    """A table row: the label and one cell per sortable column, in their order."""
    return {
        "label": row.label,
        "cells": [
            {"value": row.decided}, _ratio(row.first_response_on_time),
            _ratio(row.decision_on_time), _ratio(row.helpful),
            {"value": row.appeals_filed}, _ratio(row.appeals_upheld),
        ],
        "answers": row.answer_counts,
        "answers_total": row.answers_total,
    }


def quality_view(request):
    if not may_see_quality(request.user):
        raise PermissionDenied
    form = QualityPeriodForm(request.GET or {"period": DEFAULT_PERIOD})
    context = {
        **admin.site.each_context(request),
        "title": _("Answer quality"),
        "form": form,
        "categories": Question.Category.choices,
    }
    if not form.is_valid():
        return TemplateResponse(request, "admin/complaints/quality.html", context, status=400)

    now = timezone.now()
    start, end = form.bounds(now)
    if form.cleaned_data["period"] != request.GET.get("period"):
        # Show the period that was counted (the default, or "dates" when dates were typed).
        shown = request.GET.copy()
        shown["period"] = form.cleaned_data["period"]
        context["form"] = QualityPeriodForm(shown)
    figures = quality_figures(start=start, end=end)
    for row in figures.by_operator:
        row.label = row.label or _("No one recorded")
    order = form.cleaned_data.get("o") or "name"
    query = {key: value for key, value in request.GET.items() if key != "o" and value}
    name_order = "-name" if order == "name" else "name"
    by_kind = (figures.by_kind if order.lstrip("-") == "name"
               else _sorted(figures.by_kind, order))
    total = _present(figures.total)
    tables = [
        {"id": "quality-operators", "caption": _("By operator"), "label": _("Operator"),
         "name_sortable": True,
         "rows": [_present(row) for row in _sorted(figures.by_operator, order)],
         "total": {**total, "label": _("All operators")},
         "empty": _("Nobody decided a case, gave a first response or answered a question "
                    "in this period.")},
        {"id": "quality-kinds", "caption": _("By kind of case"), "label": _("Kind of case"),
         "rows": [_present(row) for row in by_kind],
         "total": {**total, "label": _("All kinds")}},
    ]
    context.update({
        "tables": tables,
        "answerers": [_present(row) for row in figures.by_operator if row.answers_total],
        "total": total,
        "headers": _headers(query, order),
        "name_sort_url": "?" + urlencode({**query, "o": name_order}),
        "name_sorted": {"name": "ascending", "-name": "descending"}.get(order, ""),
        "period_start": start,
        "period_end": (end - timedelta(microseconds=1)) if end else now,
    })
    return TemplateResponse(request, "admin/complaints/quality.html", context)
