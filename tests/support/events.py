"""One audit event of every type, with the values its writer stores, for the tests that
check each is told in words (tests/complaints/domain/test_events.py and the case pages)."""
import re

from complaints.domain.events import EventType

DUE = "2026-12-08T07:34:00+00:00"
LATER = "2026-12-10T07:34:00+00:00"
# Staff text shown to the filer, to be escaped wherever it is shown.
UNSAFE_REASON = "<script>alert('x')</script> Outside our service."

ENTRY = {"entry": 1, "covers": "Hoshizora Quest"}

# (old values, new values) as each writer in complaints/services/ stores them.
EVENT_SAMPLES: dict[EventType, tuple[dict | None, dict | None]] = {
    EventType.CASE_SUBMITTED: (None, {"reference": "KT-2026-000123",
                                      "kind": "output_complaint", "status": "submitted"}),
    EventType.STATUS_CHANGED: ({"status": "in_review"},
                               {"status": "rejected", "reason": UNSAFE_REASON}),
    EventType.REPLY_SENT: (None, {"message_id": 1}),
    EventType.NOTE_ADDED: (None, {"message_id": 2}),
    EventType.FILER_REPLIED: (None, {"message_id": 3}),
    EventType.EVIDENCE_ADDED: (None, {"file": "frame-0412.png", "sha256": "ab" * 32,
                                      "size": 1234}),
    EventType.DECISION_RECORDED: (None, {"outcome": "partly_upheld",
                                         "actions": ["output_removed",
                                                     "excluded_from_training"],
                                         "automated_means": True}),
    EventType.DEADLINE_STARTED: (None, {"clock": "first_response", "due_at": DUE}),
    EventType.DEADLINE_MET: (None, {"clock": "first_response", "met_at": DUE,
                                    "on_time": False}),
    EventType.DEADLINE_PAUSED: (None, {"clock": "decision", "paused_at": DUE}),
    EventType.DEADLINE_RESUMED: ({"clock": "decision", "due_at": DUE},
                                 {"clock": "decision", "due_at": LATER,
                                  "paused_seconds": 3600}),
    EventType.DEADLINE_CANCELLED: (None, {"clock": "filer_reply"}),
    EventType.DEADLINE_WARNING: (None, {"clock": "decision", "due_at": DUE}),
    EventType.DEADLINE_BREACHED: (None, {"clock": "decision", "due_at": DUE,
                                         "new_expected": LATER}),
    EventType.FILER_REMINDED: (None, {"reply_by": DUE}),
    EventType.ASSIGNEE_CHANGED: ({"assignee": "olivia@kotae.example"},
                                 {"assignee": "sato@kotae.example"}),
    EventType.PRIORITY_CHANGED: ({"priority": "normal"}, {"priority": "urgent"}),
    EventType.CASES_LINKED: (None, {"linked": ["KT-2026-000124", "KT-2026-000125"]}),
    EventType.MERGED_INTO: (None, {"primary": "KT-2026-000100"}),
    EventType.MERGED_FROM: (None, {"duplicate": "KT-2026-000126"}),
    EventType.QUESTION_ANSWERED: ({"category": "unknown", "text": ""},
                                  {"question_id": 1, "category": "cannot_disclose"}),
    EventType.APPEAL_DECIDER_OVERRIDE: (None, {"reason": "Both colleagues are away"}),
    EventType.FEEDBACK_GIVEN: (None, {"helpful": False, "changed": True}),
    EventType.REGISTER_ENTRIES_RECEIVED: (None, {"entries": 3}),
    EventType.REGISTER_ENTRY_CONFIRMED: ({"status": "received"},
                                         {**ENTRY, "status": "confirmed"}),
    EventType.REGISTER_ENTRY_APPLIED: ({"status": "confirmed"},
                                       {**ENTRY, "status": "applied",
                                        "snapshot": "dreamreel-train-2026-12"}),
    EventType.REGISTER_ENTRY_NOT_POSSIBLE: ({"status": "confirmed"},
                                            {**ENTRY, "status": "not_possible",
                                             "reason": "The work is in no dataset."}),
    EventType.REGISTER_ENTRY_CLOSED: ({"status": "applied"},
                                      {**ENTRY, "status": "closed",
                                       "reason": "The filer withdrew the objection."}),
    EventType.REGISTER_PERMISSION_RECORDED: (
        None, {"entry": 2, "covers": "The whole catalogue of Studio Hoshizora"}),
    EventType.NOTICE_RETRACTED: (None, {"whole": False, "after_decision": True,
                                        "locations": ["https://dreamreel.example/v/abc123"],
                                        "undo": ["output_removed"],
                                        "reason": "We licensed the character to them."}),
    EventType.RETRACTION_UNDONE: (None, {"retraction": 1, "action": "output_removed"}),
    EventType.OWNER_NAMED: (None, {"owner": "Mika Sato",
                                   "location": "https://dreamreel.example/v/abc123"}),
    EventType.STATEMENT_TO_OWNER_SENT: (None, {"owner": "Mika Sato"}),
    EventType.COUNTER_NOTICE_RECEIVED: (None, {"counter_notice": "KT-2026-000130"}),
    EventType.COUNTER_NOTICE_COPY_SENT: (None, {"restore_after": "2026-12-15T09:00:00+09:00",
                                                "restore_by": "2026-12-21T09:00:00+09:00"}),
    EventType.COURT_ACTION_REPORTED: (None, {"court": "Tokyo District Court"}),
    EventType.OUTPUT_RESTORED: (None, {"locations": ["https://dreamreel.example/v/abc123"]}),
    EventType.ENFORCEMENT_ORDERED: (None, {
        "order": 1, "action": "block_prompt",
        "locations": ["https://dreamreel.example/v/abc123"], "works": ["Hoshizora Quest"]}),
    EventType.ENFORCEMENT_DONE: (None, {"order": 1, "action": "remove",
                                        "done_at": "2026-12-01T09:00:00Z",
                                        "note": "Taken down."}),
    EventType.DUPLICATES_MERGED: (None, {"locations": 3, "works": 1}),
}

# A stored code (deadline_breached, first_response, ...) where words should be.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# The old rendering of an event's values: "clock: decision; due at: 8 Dec 2026".
KEY_VALUE = re.compile(r"\b[a-z][a-z ]*: [^;\n]*;")


def events_of_every_type(case, *, actor):
    """Write one event of every type on `case`, through the audit service."""
    from complaints.services.audit import event_record

    for event_type, (old, new) in EVENT_SAMPLES.items():
        event_record(case=case, actor=actor, event_type=event_type, old=old, new=new)
