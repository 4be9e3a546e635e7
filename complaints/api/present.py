"""What the API's busiest answers hold, built as plain dicts.

The read serializers in `serializers.py` describe these answers in the schema; building
the same dicts by hand here costs a tenth as much per row (DRF looks up and converts each
field of each row, and a ModelSerializer introspects the model for every instance). A test
(tests/complaints/api/test_present.py) holds the two to the same output for a case with
everything in it, so the schema and the answers cannot drift apart.
"""
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.domain.duplicates import Merged, merged_notes
from complaints.domain.lateness import late_clock
from complaints.models import Case, Deadline
from complaints.selectors.rows import page_summary

PLACEHOLDER = "KT-0000-000000"

# The columns a summary shows (a case row is wide: texts, JSON lists).
SUMMARY_COLUMNS = ("pk", "reference", "kind", "status", "title", "language", "submitted_at",
                   "last_activity_at", "next_due_at", "decided_at", "closed_at",
                   "late_due_at", "late_promised_at")  # (selectors.cases_with_lateness)


def case_url_template() -> str:
    """The case page's address with a placeholder reference: one reverse() for a page of
    results rather than one a row."""
    return settings.SITE_URL + reverse("complaints:case_detail", args=[PLACEHOLDER])


def moment(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with "Z", as DRF's DateTimeField writes it under UTC."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _lateness(late_due_at: datetime | None, promised_at: datetime | None) -> dict:
    """Whether the case is late (a clock of the desk passed unanswered), and the date we
    now promise (null until a late notice gave one)."""
    late = late_due_at is not None
    return {"late": late, "promised_at": moment(promised_at) if late else None}


def case_summaries(rows, url_template: str | None = None) -> list[dict]:
    """Summaries of `rows`, dicts of SUMMARY_COLUMNS (`QuerySet.values`)."""
    url_template = url_template or case_url_template()
    return [{
        "reference": row["reference"], "kind": row["kind"], "status": row["status"],
        "title": row["title"], "language": row["language"],
        "submitted_at": moment(row["submitted_at"]),
        "updated_at": moment(row["last_activity_at"]),
        "next_due_at": moment(row["next_due_at"]),
        "decided_at": moment(row["decided_at"]), "closed_at": moment(row["closed_at"]),
        **_lateness(row["late_due_at"], row["late_promised_at"]),
        "url": url_template.replace(PLACEHOLDER, row["reference"]),
    } for row in rows]


def _case_lateness(case: Case, deadlines) -> dict:
    late = late_clock(deadlines) if case.is_open else None
    return _lateness(late and late.due_at, late and late.promised_at)


def _on_time(deadline: Deadline) -> bool | None:
    """True if met on time, False if met late or overdue, null while it runs."""
    if deadline.met_at:
        return deadline.due_at is None or deadline.met_at <= deadline.due_at
    return False if deadline.breached_at else None


def case_detail(case: Case) -> dict:
    """A case as `selectors.case_get_for_api` hands it over, or as `case_submit` does
    (with what it wrote in `case.as_filed`): its works and locations a page at a time,
    with `pages` saying which and how many."""
    parts = getattr(case, "as_filed", None)
    if parts is None:
        parts = _Parts(case)
    decision = parts.decision
    return {
        "reference": case.reference, "kind": case.kind, "status": case.status,
        "title": case.title, "language": case.language,
        "submitted_at": moment(case.submitted_at),
        "updated_at": moment(case.last_activity_at),
        "next_due_at": moment(case.next_due_at), "decided_at": moment(case.decided_at),
        "closed_at": moment(case.closed_at),
        **_case_lateness(case, parts.deadlines),
        "url": case_url_template().replace(PLACEHOLDER, case.reference),
        "filed_as": case.filed_as, "law": case.law, "principal_name": case.principal_name,
        "notice_language": case.notice_language,
        "postal_address": case.filer_postal_address, "phone": case.filer_phone,
        "principal_postal_address": case.principal_postal_address,
        "principal_phone": case.principal_phone,
        "organisation": case.organisation_id, "ai_product": case.ai_product,
        "ai_model": case.ai_model, "similarity": case.similarity,
        "remedies": list(case.remedies), "remedy_other": case.remedy_other,
        "whole_catalogue": case.whole_catalogue,
        "catalogue_identifiers": case.catalogue_identifiers,
        "training_uses": list(case.training_uses),
        "appeal_of": case.appeal_of.reference if case.appeal_of_id else None,
        "appeal_grounds": case.appeal_grounds,
        "pages": {name: page_summary(page) for name, page in parts.pages.items()},
        "works": [{"number": w.position + 1, "title": w.title, "kind": w.kind,
                   "rights_holder": w.rights_holder, "identifier": w.identifier}
                  for w in parts.pages["works"]],
        "locations": [{"url": loc.url, "seen_at": moment(loc.seen_at), "prompt": loc.prompt,
                       "retracted": loc.retraction_id is not None,
                       "works": loc.copied_work_numbers}
                      for loc in parts.pages["locations"]],
        "questions": [{"text": q.text, "answer_category": q.answer_category,
                       "answer_text": q.answer_text, "answered_at": moment(q.answered_at)}
                      for q in parts.questions],
        "deadlines": [{"clock": d.clock, "started_at": moment(d.started_at),
                       "due_at": moment(d.due_at), "paused_at": moment(d.paused_at),
                       "met_at": moment(d.met_at), "breached_at": moment(d.breached_at),
                       "cancelled_at": moment(d.cancelled_at), "on_time": _on_time(d),
                       "late": d.is_late, "promised_at": moment(d.promised_at)}
                      for d in parts.deadlines],
        "decision": None if decision is None else {
            "outcome": decision.outcome,
            "rejection_reason": decision.rejection_reason or None,
            "actions": list(decision.actions),
            "facts": decision.facts, "ground": decision.ground,
            "automated_means": decision.automated_means,
            "automated_detail": decision.automated_detail,
            "decided_at": moment(decision.decided_at),
            "appeal_deadline": moment(decision.appeal_deadline)},
        "messages": [message(m) for m in parts.public_messages],
        "evidence": [evidence(e) for e in parts.evidence],
    }


def case_created(case: Case) -> dict:
    """A case just filed: its detail (first pages) and what was merged on the way in."""
    merged = getattr(case, "merged", None) or Merged()
    return {**case_detail(case), "merged_duplicates": merged.as_dict(),
            "notes": merged_notes(merged)}


class _Parts:
    """What `case_get_for_api` prefetched, under the names of `AsFiled`."""

    def __init__(self, case: Case):
        self.pages = case.rows_pages
        self.questions, self.deadlines = case.questions.all(), case.deadlines.all()
        self.evidence, self.public_messages = case.evidence.all(), case.public_messages
        self.decision = getattr(case, "decision", None)


def message(m) -> dict:
    author = _("Kotae desk") if m.from_staff else (m.author.display_name if m.author else "")
    return {"id": m.pk, "from_staff": m.from_staff, "author": author, "body": m.body,
            "created_at": moment(m.created_at)}


def evidence(e) -> dict:
    return {"id": str(e.public_id), "original_name": e.original_name,
            "content_type": e.content_type, "size": e.size, "sha256": e.sha256,
            "uploaded_at": moment(e.uploaded_at)}
