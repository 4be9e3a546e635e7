"""The transparency report's downloads: a CSV for people and a JSON file for programs.

Both read the same stored snapshot as the page (complaints.services.transparency). The CSV
speaks the page's language (the request's active language: the user's preference, else
the browser's): headings in words, kinds by their names, yes or no, the small-group
markers as the page shows them; figures stay plain numbers and dates ISO dates, so a
spreadsheet can still compute with them. The JSON keeps its keys and codes in every
language: programs read it."""
import csv
import io
import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from complaints.domain.suppression import SUPPRESSED, WITHHELD
from complaints.models import CaseKind, Decision, Question
from complaints.public.views import COUNTS, DISPUTES, quarter_label, timing_label
from complaints.services.transparency import (
    PERCENTILES,
    TIMED_CLOCKS,
    transparency_snapshot_latest,
)

# The CSV's columns, in their fixed order: the figure each holds, by the snapshot's key
# (a nested figure by its group's prefix: "outcome_upheld"). csv_headings() names them.
CSV_COLUMNS = [
    "quarter", "first_day", "last_day", "complete", "kind", "received", "withdrawn",
    "retracted", "decided",
    *(f"{clock}_{name}_business_minutes" for clock in TIMED_CLOCKS for name in PERCENTILES),
    "decided_on_time_share",
    *(f"outcome_{o}" for o in Decision.Outcome.values),
    *(f"action_{a}" for a in Decision.Action.values),
    *(f"rejection_{r}" for r in Decision.RejectionReason.values),
    "appeals", "reversals",
    *(f"answers_{c}" for c in Question.Category.values),
    # On a quarter's own row (its kind column says so), blank on the rows of the kinds.
    *DISPUTES,
]
NESTED = {"outcomes": "outcome", "actions": "action", "rejections": "rejection",
          "answers": "answers"}


def csv_headings() -> list[str]:
    """The heading of each of CSV_COLUMNS in the active language, in the page's words.
    The CSV's own words have the msgctxt "transparency csv" (its "Yes" is not feedback's)."""
    minutes = pgettext("transparency csv", "%(figure)s (business minutes)")
    share = pgettext("transparency csv", "%(figure)s (share, 0 to 1)")
    outcome = pgettext("transparency csv", "Outcome (%(outcome)s)")
    action = pgettext("transparency csv", "Action (%(action)s)")
    answer = pgettext("transparency csv", "Answer (%(answer)s)")
    rejection = pgettext("transparency csv", "Rejected (%(reason)s)")
    headings = {
        "quarter": _("Quarter"),
        "first_day": pgettext("transparency csv", "First day"),
        "last_day": pgettext("transparency csv", "Last day"),
        "complete": pgettext("transparency csv", "Quarter complete"),
        "kind": _("Kind of case"),
        **COUNTS,
        **{f"{clock}_{name}_business_minutes": minutes % {"figure": timing_label(clock, name)}
           for clock in TIMED_CLOCKS for name in PERCENTILES},
        "decided_on_time_share": share % {"figure": _("Decided on time")},
        **{f"outcome_{o}": outcome % {"outcome": label} for o, label in Decision.Outcome.choices},
        **{f"action_{a}": action % {"action": label} for a, label in Decision.Action.choices},
        **{f"rejection_{r}": rejection % {"reason": label}
           for r, label in Decision.RejectionReason.choices},
        **{f"answers_{c}": answer % {"answer": label}
           for c, label in Question.Category.choices},
        **DISPUTES,
    }
    return [headings[column] for column in CSV_COLUMNS]


def _csv_value(value):
    """A figure as the page words it: the small-group markers translated, nothing blank."""
    if value == SUPPRESSED:
        return _("fewer than 5")
    if value == WITHHELD:
        return _("withheld")
    return "" if value is None else value


def _csv_rows(data: dict):
    kinds = {value: str(label) for value, label in CaseKind.choices}
    yes, no = pgettext("transparency csv", "Yes"), pgettext("transparency csv", "No")
    for quarter in data["quarters"]:
        for group in quarter["kinds"]:
            flat = {"quarter": quarter_label(quarter), "first_day": quarter["first_day"],
                    "last_day": quarter["last_day"],
                    "complete": yes if quarter["complete"] else no}
            for key, value in group.items():
                if isinstance(value, dict):
                    flat.update({f"{NESTED[key]}_{k}": v for k, v in value.items()})
                else:
                    flat[key] = value
            flat["kind"] = kinds.get(group["kind"], group["kind"])
            yield [_csv_value(flat.get(column)) for column in CSV_COLUMNS]
        if "disputes" in quarter:
            flat = {"quarter": quarter_label(quarter), "first_day": quarter["first_day"],
                    "last_day": quarter["last_day"],
                    "complete": yes if quarter["complete"] else no,
                    "kind": pgettext("transparency csv", "Disputes and policies (all kinds)"),
                    **quarter["disputes"]}
            yield [_csv_value(flat.get(column)) for column in CSV_COLUMNS]


def _download_name(snapshot, extension: str) -> str:
    return f"kotae-transparency-{timezone.localtime(snapshot.computed_at):%Y%m%d-%H%M}.{extension}"


@require_safe
def transparency_csv(request):
    snapshot = transparency_snapshot_latest()
    # A byte order mark first: without it Excel (Japanese Excel above all) reads UTF-8 as
    # the system's code page and shows mojibake.
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(csv_headings())
    writer.writerows(_csv_rows(snapshot.data))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(snapshot, "csv")}"')
    return response


JSON_NOTES = {
    "quarter": "Calendar quarter of submission, in the time zone given.",
    "times": "Business minutes of the business calendar, from filing until the first "
             "response or the decision; median and p90 use the nearest-rank definition.",
    "decided_on_time_share": "Share (0 to 1) of decided cases whose decision was made by "
                             "its deadline.",
    "appeals": "Appeals filed against the decisions on this quarter's cases of this kind; "
               "reversals are those that reversed the decision.",
    "answers": "Questions of inquiries, by answer category.",
    "rejections": "Notices rejected (outcome \"rejected\"), by the reason given.",
    "retracted": "Notices their filer retracted as a whole after the decision, or for some "
                 "output locations only; a whole notice retracted before its decision is "
                 "counted in withdrawn instead.",
    "disputes": "Per quarter of the event itself: counter-notices received, outputs "
                "restored after a counter-notice, appeals by output owners, suspensions of "
                "a filer's notices for manifestly unfounded notices (DSA Art. 23, by their "
                "start), and account actions the AI product took under the repeat-infringer "
                "policy (DMCA 512(i)), by action. No figure is a sum of others.",
    "small_groups": "A figure about 1 to 4 cases, every figure of a quarter and kind with "
                    "1 to 4 cases, and a median, percentile or share computed from fewer "
                    "than 5 values are the string in suppressed_marker. null: nothing to "
                    "measure.",
    "withheld": "A figure of 5 or more (or 0) hidden only so that a small figure cannot "
                "be worked out from the others of its set by subtraction (outcomes and "
                "actions against decided, rejections' reasons against rejected, the "
                "kinds' received counts of a quarter against the months) is the string "
                "in withheld_marker.",
}


@require_safe
def transparency_json(request):
    snapshot = transparency_snapshot_latest()
    body = json.dumps({**snapshot.data, "notes": JSON_NOTES}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(snapshot, "json")}"')
    return response
