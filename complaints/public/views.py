"""The public transparency report (/transparency/); its downloads are in downloads.py.

Both read the latest stored snapshot (complaints.services.transparency), whose figures
already follow the small-group rule; here they are only presented."""
import math
from dataclasses import dataclass, field
from datetime import date

from django.shortcuts import render
from django.utils import dateformat, formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_safe

from complaints.domain.suppression import SUPPRESSED, WITHHELD
from complaints.models import CaseKind, Decision, Question
from complaints.services.transparency import (
    PERCENTILES,
    TIMED_CLOCKS,
    transparency_snapshot_latest,
)

QUARTERS_SHOWN = 5  # the current quarter and the four before it

KIND_HEADINGS = {
    CaseKind.OUTPUT_COMPLAINT: (
        gettext_lazy("Output complaints"),
        gettext_lazy("Notices that an output of our AI copies a protected work.")),
    CaseKind.TRAINING_OBJECTION: (
        gettext_lazy("Training objections"),
        gettext_lazy("Requests not to use works for training, fine-tuning, retrieval or "
                     "style imitation.")),
    CaseKind.INQUIRY: (
        gettext_lazy("Inquiries"),
        gettext_lazy("Questions about our models, for example whether a work was in "
                     "the training data.")),
    CaseKind.APPEAL: (
        gettext_lazy("Appeals"),
        gettext_lazy("Requests to review one of our decisions, counted in the quarter in "
                     "which the appeal was filed.")),
    CaseKind.COUNTER_NOTICE: (
        gettext_lazy("Counter-notices"),
        gettext_lazy("Answers from the owners of removed outputs that the removal was a "
                     "mistake, counted in the quarter in which they were sent.")),
}


# --- Cells of the tables ------------------------------------------------------------------

@dataclass
class Cell:
    text: str
    withheld: bool = False
    empty: bool = False


def _number(value: float) -> str:
    rounded = round(value, 1)
    if rounded == int(rounded):
        return formats.number_format(int(rounded), force_grouping=True)
    return formats.number_format(rounded, decimal_pos=1, force_grouping=True)


def _special(value) -> Cell | None:
    if value == SUPPRESSED:
        return Cell(_("fewer than 5"), withheld=True)
    if value == WITHHELD:
        return Cell(_("withheld"), withheld=True)
    if value is None:
        return Cell("—", empty=True)
    return None


def count_cell(value) -> Cell:
    return _special(value) or Cell(formats.number_format(value, force_grouping=True))


def share_cell(value) -> Cell:
    return _special(value) or Cell(_("%(percent)s%%") % {"percent": round(value * 100)})


def duration_text(minutes: int, day_minutes: int) -> str:
    """Business time as a person reads it: hours within a working day, days beyond."""
    if minutes < day_minutes:
        hours = minutes / 60
        return ngettext("%(hours)s business hour", "%(hours)s business hours",
                        1 if round(hours, 1) == 1 else 2) % {"hours": _number(hours)}
    days = minutes / day_minutes
    return ngettext("%(days)s business day", "%(days)s business days",
                    1 if round(days, 1) == 1 else 2) % {"days": _number(days)}


def duration_cell(value, day_minutes: int) -> Cell:
    return _special(value) or Cell(duration_text(value, day_minutes))


# --- The tables: one per kind, a column per quarter ------------------------------------------

@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


def quarter_label(quarter: dict) -> str:
    year, number = quarter["quarter"].split("-Q")
    return _("%(year)s Q%(number)s") % {"year": year, "number": number}


def quarter_span(quarter: dict) -> str:
    first, last = (date.fromisoformat(quarter[k]) for k in ("first_day", "last_day"))
    span = _("%(first)s to %(last)s") % {"first": dateformat.format(first, "M"),
                                         "last": dateformat.format(last, "M")}
    if quarter["complete"]:
        return span
    # Translators: the months of the current quarter, whose figures are counted so far.
    return _("%(span)s · so far") % {"span": span}


# The report's counts, on the page and in the CSV: numbers of cases, not statuses
# (「受付件数」, not the status 「受付済み」).
COUNTS = {
    "received": pgettext_lazy("number of cases", "Received"),
    "withdrawn": pgettext_lazy("number of cases", "Withdrawn by the filer"),
    "retracted": pgettext_lazy("number of cases", "Retracted by the filer (wholly or in part)"),
    "decided": pgettext_lazy("number of cases", "Decided"),
    "appeals": pgettext_lazy("number of cases", "Appeals filed"),
    "reversals": pgettext_lazy("number of cases", "Decisions reversed on appeal"),
}


# The disputes and policies of a quarter (complaints.services.transparency), page and CSV.
DISPUTES = {
    "counter_notices": pgettext_lazy("number of cases", "Counter-notices received"),
    "restorations": pgettext_lazy("number of cases", "Outputs restored after a counter-notice"),
    "owner_appeals": pgettext_lazy("number of cases", "Appeals by output owners"),
    "filer_suspensions": pgettext_lazy(
        "number of cases", "Filers' notices suspended for misuse (DSA Art. 23)"),
    "owner_accounts_warned": pgettext_lazy(
        "number of cases", "Repeat infringers: accounts warned"),
    "owner_accounts_suspended": pgettext_lazy(
        "number of cases", "Repeat infringers: accounts suspended"),
    "owner_accounts_terminated": pgettext_lazy(
        "number of cases", "Repeat infringers: accounts terminated"),
}


def disputes_table(quarters: list[dict]) -> list[Row]:
    """A row per figure, a column per quarter (a snapshot from before has none: zeros)."""
    return [Row(str(label), [count_cell(q.get("disputes", {}).get(key, 0)) for q in quarters])
            for key, label in DISPUTES.items()]


def timing_label(clock: str, name: str) -> str:
    """The row of one business-time figure, as the page and the CSV name it."""
    return {
        ("first_response", "median"): _("Time to first response: median"),
        ("first_response", "p90"): _("Time to first response: 9 in 10 within"),
        ("decision", "median"): _("Time to decision: median"),
        ("decision", "p90"): _("Time to decision: 9 in 10 within"),
    }[clock, name]


def kind_table(kind: str, quarters: list[dict], day_minutes: int) -> list[Section]:
    groups = [next(g for g in q["kinds"] if g["kind"] == kind) for q in quarters]
    # A quarter whose figures are all withheld says nothing about which outcomes occur.
    telling = [g["received"] != SUPPRESSED for g in groups]

    def row(label, make, key, *, optional=False):
        values = [g[key] if isinstance(key, str) else key(g) for g in groups]
        if optional and not any(v not in (0, None) for v, t in zip(values, telling,
                                                                   strict=True) if t):
            return None
        return Row(str(label), [make(v) for v in values])

    def duration(minutes):
        return duration_cell(minutes, day_minutes)

    sections = [
        Section(_("Cases"), [
            row(COUNTS["received"], count_cell, "received"),
            row(COUNTS["withdrawn"], count_cell, "withdrawn"),
            row(COUNTS["retracted"], count_cell, lambda g: g.get("retracted", 0)),
            row(COUNTS["decided"], count_cell, "decided"),
        ]),
        Section(_("Speed, in business time"), [
            *(row(timing_label(clock, name), duration,
                  f"{clock}_{name}_business_minutes")
              for clock in TIMED_CLOCKS for name in PERCENTILES),
            row(_("Decided on time"), share_cell, "decided_on_time_share"),
        ]),
        Section(_("Outcomes of the decisions"), [
            row(label, count_cell, lambda g, o=outcome: g["outcomes"][o], optional=True)
            for outcome, label in Decision.Outcome.choices]),
        Section(_("Actions taken (a decision can take several)"), [
            row(label, count_cell, lambda g, a=action: g["actions"][a], optional=True)
            for action, label in Decision.Action.choices]),
        Section(_("Notices rejected, by reason"), [
            row(label, count_cell, lambda g, r=reason: g.get("rejections", {}).get(r, 0),
                optional=True)
            for reason, label in Decision.RejectionReason.choices]),
    ]
    if kind != CaseKind.APPEAL:
        sections.append(Section(_("Appeals against these decisions"), [
            row(COUNTS["appeals"], count_cell, "appeals"),
            row(COUNTS["reversals"], count_cell, "reversals"),
        ]))
    if kind == CaseKind.INQUIRY:
        sections.append(Section(_("Answers to the questions asked"), [
            row(label, count_cell, lambda g, c=category: g["answers"][c])
            for category, label in Question.Category.choices]))
    for section in sections:
        section.rows = [r for r in section.rows if r is not None]
    return [s for s in sections if s.rows]


# --- The charts: server-drawn SVG, no JavaScript -------------------------------------------

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 56
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _nice_top(value: int) -> int:
    """A round axis maximum at or above `value` (10, 20, 50, 100, ...)."""
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return 10 * magnitude


def _month_axis(months: list[dict]) -> list[dict]:
    band = PLOT_W / len(months)
    axis = []
    for i, month in enumerate(months):
        day = date.fromisoformat(f"{month['month']}-01")
        axis.append({
            "x": round(LEFT + band * (i + 0.5), 1),
            "label": dateformat.format(day, "M"),
            # Translators: the year under January (and the first month) on a chart's axis.
            "year": (pgettext("chart axis", "%(year)s") % {"year": day.year}
                     if i == 0 or day.month == 1 else ""),
            "long": formats.date_format(day, "YEAR_MONTH_FORMAT"),
            "complete": month["complete"],
        })
    return axis


def received_chart(months: list[dict]) -> dict:
    axis = _month_axis(months)
    counts = [m["received"] for m in months if isinstance(m["received"], int)]
    top = _nice_top(max(counts, default=0))
    band = PLOT_W / len(months)
    bars = []
    for month, point in zip(months, axis, strict=True):
        value = month["received"]
        shown = isinstance(value, int)
        height = round(PLOT_H * value / top, 1) if shown else 0
        bars.append({**point, "value": value, "shown": shown, "height": height,
                     "secondary": value == WITHHELD,
                     "y": round(TOP + PLOT_H - height, 1),
                     "value_y": round(TOP + PLOT_H - height - 6, 1),
                     "bar_x": round(point["x"] - band * 0.3, 1), "width": round(band * 0.6, 1),
                     "cell": count_cell(value)})
    ticks = [{"y": round(TOP + PLOT_H - PLOT_H * i / 5, 1), "label": _number(top * i / 5)}
             for i in range(6)]
    return {"bars": bars, "ticks": ticks, "withheld": any(b["secondary"] for b in bars),
            **_frame()}


def on_time_chart(months: list[dict]) -> dict:
    axis = _month_axis(months)
    points, segments, current = [], [], []
    for month, point in zip(months, axis, strict=True):
        share = month["decided_on_time_share"]
        shown = isinstance(share, float | int) and not isinstance(share, bool)
        y = round(TOP + PLOT_H * (1 - share), 1) if shown else None
        points.append({**point, "value": share, "shown": shown, "y": y,
                       "label_y": None if y is None else round(y - 12, 1),
                       "cell": share_cell(share)})
        if shown:
            current.append(f"{point['x']},{y}")
        elif current:
            segments.append(" ".join(current))
            current = []
    if current:
        segments.append(" ".join(current))
    ticks = [{"y": round(TOP + PLOT_H * (1 - i / 4), 1), "label": f"{i * 25}%"}
             for i in range(5)]
    return {"points": points, "segments": segments, "ticks": ticks, **_frame()}


def _frame() -> dict:
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "top": TOP, "base": TOP + PLOT_H, "note_y": TOP + PLOT_H - 6,
            "tick_x": LEFT - 8, "month_y": TOP + PLOT_H + 20,
            "year_y": TOP + PLOT_H + 38}


# --- The views -------------------------------------------------------------------------------

def report_context(snapshot) -> dict:
    data = snapshot.data
    quarters = data["quarters"][-QUARTERS_SHOWN:]
    day_minutes = data["business_day_minutes"]
    kinds = []
    for kind in CaseKind.values:
        title, about = KIND_HEADINGS[kind]
        has_cases = any(g["received"] != 0 for q in quarters for g in q["kinds"]
                        if g["kind"] == kind)
        kinds.append({"kind": kind, "title": title, "about": about, "has_cases": has_cases,
                      "sections": kind_table(kind, quarters, day_minutes) if has_cases else []})
    months = data["months"]
    return {
        "computed_at": snapshot.computed_at,
        "quarters": [{"label": quarter_label(q), "span": quarter_span(q),
                      "complete": q["complete"]} for q in quarters],
        "earlier_quarters": len(data["quarters"]) > len(quarters),
        "kinds": kinds,
        "disputes": disputes_table(quarters),
        "received_chart": received_chart(months) if months else None,
        "on_time_chart": on_time_chart(months) if months else None,
        "first_month": _month_axis(months)[0]["long"] if months else "",
        "last_month": _month_axis(months)[-1]["long"] if months else "",
        "business_day_hours": _number(day_minutes / 60),
        "minimum": data["small_group_minimum"],
    }


@require_safe
def transparency_report(request):
    snapshot = transparency_snapshot_latest()
    return render(request, "complaints/transparency.html", report_context(snapshot))
