"""The audit trail's event types: what can happen to a case, the label of each, and
which of them the filer sees. Each event told as a sentence: event_sentences.py.

The values are what CaseEvent.event_type stores (a plain column, so no migration):
never rename one, old rows keep theirs.
"""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.domain.choices import Choices


class EventType(Choices):
    CASE_SUBMITTED = "case_submitted", _("Case filed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REPLY_SENT = "reply_sent", _("Public reply sent")
    NOTE_ADDED = "note_added", _("Internal note added")
    FILER_REPLIED = "filer_replied", _("The filer replied")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    DECISION_RECORDED = "decision_recorded", _("Decision made")
    DEADLINE_STARTED = "deadline_started", _("Deadline set")
    DEADLINE_MET = "deadline_met", _("Deadline met")
    DEADLINE_PAUSED = "deadline_paused", _("Deadline paused")
    DEADLINE_RESUMED = "deadline_resumed", _("Deadline resumed")
    DEADLINE_CANCELLED = "deadline_cancelled", _("Deadline stopped")
    DEADLINE_WARNING = "deadline_warning", _("Deadline warning sent")
    DEADLINE_BREACHED = "deadline_breached", _("Deadline missed")
    FILER_REMINDED = "filer_reminded", _("The filer was reminded to reply")
    ASSIGNEE_CHANGED = "assignee_changed", _("Assignee changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    CASES_LINKED = "cases_linked", _("Cases linked")
    MERGED_INTO = "merged_into", _("Merged into another case")
    MERGED_FROM = "merged_from", _("A duplicate was merged in")
    QUESTION_ANSWERED = "question_answered", _("Question answered")
    APPEAL_DECIDER_OVERRIDE = "appeal_decider_override", _(
        "Appeal decided by the first decider")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
    REGISTER_ENTRIES_RECEIVED = "register_entries_received", _(
        "Training-use register entries made")
    REGISTER_ENTRY_CONFIRMED = "register_entry_confirmed", _("Register entry confirmed")
    REGISTER_ENTRY_APPLIED = "register_entry_applied", _("Register entry applied")
    REGISTER_ENTRY_NOT_POSSIBLE = "register_entry_not_possible", _(
        "Register entry not possible")
    REGISTER_ENTRY_CLOSED = "register_entry_closed", _("Register entry no longer in force")
    REGISTER_PERMISSION_RECORDED = "register_permission_recorded", _(
        "Permission recorded in the register")
    NOTICE_RETRACTED = "notice_retracted", _("Notice retracted")
    RETRACTION_UNDONE = "retraction_undone", _("Action undone after a retraction")
    OWNER_NAMED = "owner_named", _("Output owner named")
    STATEMENT_TO_OWNER_SENT = "statement_to_owner_sent", _(
        "Statement of reasons sent to the output owner")
    COUNTER_NOTICE_RECEIVED = "counter_notice_received", _("Counter-notice received")
    COUNTER_NOTICE_COPY_SENT = "counter_notice_copy_sent", _(
        "Copy of the counter-notice sent to the complainant")
    COURT_ACTION_REPORTED = "court_action_reported", _("Court action reported")
    OUTPUT_RESTORED = "output_restored", _("Output restored")
    ENFORCEMENT_ORDERED = "enforcement_ordered", _("Enforcement order sent to the AI product")
    ENFORCEMENT_DONE = "enforcement_done", _("Enforcement order done by the AI product")
    DUPLICATES_MERGED = "duplicates_merged", _("Repeated rows merged")

    @property
    def filer_sees(self) -> bool:
        """Whether the event is shown to the case's filer (its `public` flag)."""
        return self not in DESK_ONLY


# What only the desk reads: its own work on the case, the register's steps (the filer
# hears of those by e-mail) and what the filer said about the answer.
DESK_ONLY = frozenset({
    EventType.NOTE_ADDED, EventType.DEADLINE_CANCELLED, EventType.DEADLINE_WARNING,
    EventType.ASSIGNEE_CHANGED, EventType.PRIORITY_CHANGED, EventType.CASES_LINKED,
    EventType.MERGED_FROM, EventType.FEEDBACK_GIVEN, EventType.APPEAL_DECIDER_OVERRIDE,
    EventType.REGISTER_ENTRIES_RECEIVED,
    EventType.REGISTER_ENTRY_CONFIRMED, EventType.REGISTER_ENTRY_APPLIED,
    EventType.REGISTER_ENTRY_NOT_POSSIBLE, EventType.REGISTER_ENTRY_CLOSED,
    EventType.REGISTER_PERMISSION_RECORDED,
    # Who owns an output is the owner's personal data: the complainant is not told.
    EventType.OWNER_NAMED, EventType.STATEMENT_TO_OWNER_SENT,
    # The company's own machinery acting on the decision: the decision told the filer.
    EventType.ENFORCEMENT_ORDERED, EventType.ENFORCEMENT_DONE,
})

# On the filer's page these are the messages themselves, not lines of their own.
SHOWN_AS_MESSAGES = frozenset({EventType.REPLY_SENT, EventType.FILER_REPLIED})

OTHER_EVENT = _("Other event")


# The filer's own page names what concerns them from their side (not as 申立人).
FILER_LABELS = {"filer_reminded": pgettext_lazy("filer's own page",
                                                "The filer was reminded to reply")}


def event_label(event_type: str, *, for_filer: bool = False) -> str:
    """The label of a stored type; a type no longer known is never shown as its code."""
    if for_filer and event_type in FILER_LABELS:
        return str(FILER_LABELS[event_type])
    try:
        return EventType(event_type).label
    except ValueError:
        return OTHER_EVENT


class Reason(Choices):
    """Reasons Kotae itself gives (a person's own reason is stored as they wrote it). The
    value is the English stored in events before reasons had labels, so those read
    in the reader's language too."""

    NO_REPLY = ("no reply from the filer within the time given",
                _("no reply from the filer within the time given"))
    # A counter-notice ends in one of two ways (complaints.services.counter_notices).
    OUTPUT_RESTORED = ("the output was restored: no court action was reported in time",
                       _("the output was restored: no court action was reported in time"))
    COURT_ACTION = ("not restored: the complainant reported a court action",
                    _("not restored: the complainant reported a court action"))


FILER_REASONS = {Reason.NO_REPLY: pgettext_lazy(
    "filer's own page", "no reply from the filer within the time given")}
