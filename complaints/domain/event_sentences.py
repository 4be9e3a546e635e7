"""Each audit event told as a sentence a person reads, in the active language: the values
it carries named by their labels, times formatted for the reader."""
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from complaints.domain import text
from complaints.domain.decisions import Action, Outcome, RejectionReason
from complaints.domain.duplicates import merged_sentence
from complaints.domain.enforcement import done_sentence, ordered_sentence
from complaints.domain.events import FILER_REASONS, EventType, Reason
from complaints.domain.priority import Priority
from complaints.domain.questions import AnswerCategory
from complaints.domain.retractions import retraction_sentence, undone_sentence
from complaints.domain.status import Status, desk_label

# --- The values events carry, as a person names them ------------------------------

DEADLINES = {  # a clock's deadline, as a noun inside a sentence
    "first_response": _("first-response deadline"),
    "decision": _("decision deadline"),
    "filer_reply": _("deadline for the filer's reply"),
    "restore": _("restore date"),
}
# The filer's own page names their reply from their side (ご返信, not 申立人の返信: on an
# inquiry's page the asker is not a 申立人).
FILER_DEADLINES = {**DEADLINES, "filer_reply": pgettext_lazy(
    "filer's own page", "deadline for the filer's reply")}
ANY_DEADLINE = _("deadline")
PRIORITIES = dict(Priority.choices)
OUTCOMES = dict(Outcome.choices)
# "no_action" is left out: a decision without action names none.
ACTIONS = {value: label for value, label in Action.choices if value != Action.NO_ACTION}
ANSWERS = dict(AnswerCategory.choices)
REJECTIONS = dict(RejectionReason.choices)

# Formats a time for the reader (their time zone and language): the face passes it.
When = Callable[[datetime], str]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _label(labels: Mapping[str, Any], value: Any) -> str:
    return str(labels[value]) if isinstance(value, str) and value in labels else ""


def _status(value: Any, for_filer: bool) -> str:
    """The desk's name for a status, or the filer's ("Awaiting your reply")."""
    if not (isinstance(value, str) and value in Status.values):
        return ""
    return str(Status(value).label) if for_filer else desk_label(value)


def _time(value: Any, when: When) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return when(datetime.fromisoformat(value))
    except ValueError:
        return ""


def _deadline(values: dict, nouns: Mapping[str, Any]) -> str:
    return str(nouns.get(values.get("clock"), ANY_DEADLINE))


def _with_reason(sentence: str, values: dict, for_filer: bool = False) -> str:
    reason = values.get("reason")
    if reason in Reason.values:
        reason = Reason(reason)
        reason = str(FILER_REASONS.get(reason, reason.label) if for_filer else reason.label)
    else:
        reason = _text(reason)
    return text.sentences(sentence, gettext("Reason given: %(reason)s") % {"reason": reason}
                 if reason else "")


# --- One sentence per type: (old values, new values, when) -> text, "" when unknown ---

def _case_submitted(old: dict, new: dict, when: When) -> str:
    if reference := _text(new.get("reference")):
        return gettext("The case was filed with the reference %(reference)s.") % {
            "reference": reference}
    return gettext("The case was filed.")


def _status_changed(old: dict, new: dict, when: When, for_filer: bool = False) -> str:
    before = _status(old.get("status"), for_filer)
    after = _status(new.get("status"), for_filer)
    if not after:
        return ""
    if before and before != after:
        sentence = gettext("The status changed from “%(old)s” to “%(new)s”.") % {
            "old": before, "new": after}
    else:
        sentence = gettext("The status changed to “%(new)s”.") % {"new": after}
    return _with_reason(sentence, new, for_filer)


def _reply_sent(old: dict, new: dict, when: When) -> str:
    return gettext("The desk replied to the filer.")


def _note_added(old: dict, new: dict, when: When) -> str:
    return gettext("An internal note was added; the filer does not see it.")


def _filer_replied(old: dict, new: dict, when: When) -> str:
    return gettext("The filer replied.")


def _evidence_added(old: dict, new: dict, when: When) -> str:
    if name := _text(new.get("file")):
        return gettext("The evidence file “%(file)s” was added.") % {"file": name}
    return ""


def _decision_recorded(old: dict, new: dict, when: When) -> str:
    outcome = _label(OUTCOMES, new.get("outcome"))
    if not outcome:
        return ""
    sentence = gettext("The decision was made: “%(outcome)s”.") % {"outcome": outcome}
    if reason := _label(REJECTIONS, new.get("rejection_reason")):
        sentence = gettext("The notice was rejected: %(reason)s.") % {"reason": reason}
    actions = new.get("actions")
    taken = [_label(ACTIONS, a) for a in actions] if isinstance(actions, list) else []
    if taken := [a for a in taken if a]:
        sentence = text.sentences(sentence, ngettext("Action taken: %(actions)s.",
                                            "Actions taken: %(actions)s.", len(taken)) % {
            "actions": text.listing(taken)})
    if new.get("automated_means") is True:
        sentence = text.sentences(sentence, gettext("Automated means were used in reaching it."))
    return sentence


def _appeal_decider_override(old: dict, new: dict, when: When) -> str:
    reason = new.get("reason")
    if not reason:
        return ""
    return gettext("A supervisor decided the appeal against their own decision, giving the "
                   "reason %(reason)s.") % {"reason": text.quoted(str(reason))}


def _deadline_started(old: dict, new: dict, when: When, nouns=DEADLINES) -> str:
    deadline = _deadline(new, nouns)
    if due := _time(new.get("due_at"), when):
        return gettext("The %(deadline)s was set for %(due)s.") % {
            "deadline": deadline, "due": due}
    return gettext("The %(deadline)s was set.") % {"deadline": deadline}


def _deadline_met(old: dict, new: dict, when: When, nouns=DEADLINES) -> str:
    deadline = _deadline(new, nouns)
    on_time = new.get("on_time")
    if on_time is True:
        return gettext("The %(deadline)s was met on time.") % {"deadline": deadline}
    if on_time is False:
        return gettext("The %(deadline)s was met after it had passed.") % {
            "deadline": deadline}
    return gettext("The %(deadline)s was met.") % {"deadline": deadline}


def _deadline_paused(old: dict, new: dict, when: When, nouns=DEADLINES) -> str:
    return gettext("The %(deadline)s was paused.") % {"deadline": _deadline(new, nouns)}


def _deadline_resumed(old: dict, new: dict, when: When, nouns=DEADLINES) -> str:
    deadline = _deadline(new, nouns)
    due, before = _time(new.get("due_at"), when), _time(old.get("due_at"), when)
    if due and before:
        return gettext("The %(deadline)s was resumed and moved from %(old_due)s to "
                       "%(due)s.") % {"deadline": deadline, "old_due": before, "due": due}
    if due:
        return gettext("The %(deadline)s was resumed; it is now %(due)s.") % {
            "deadline": deadline, "due": due}
    return gettext("The %(deadline)s was resumed.") % {"deadline": deadline}


def _deadline_cancelled(old: dict, new: dict, when: When) -> str:
    return gettext("The %(deadline)s no longer applies and was stopped.") % {
        "deadline": _deadline(new, DEADLINES)}


def _deadline_warning(old: dict, new: dict, when: When) -> str:
    deadline = _deadline(new, DEADLINES)
    if due := _time(new.get("due_at"), when):
        return gettext("The desk was warned that the %(deadline)s (%(due)s) is near.") % {
            "deadline": deadline, "due": due}
    return gettext("The desk was warned that the %(deadline)s is near.") % {
        "deadline": deadline}


def _deadline_breached(old: dict, new: dict, when: When, nouns=DEADLINES) -> str:
    deadline = _deadline(new, nouns)
    due, expected = _time(new.get("due_at"), when), _time(new.get("new_expected"), when)
    if not due:
        return gettext("The %(deadline)s was missed.") % {"deadline": deadline}
    sentence = gettext("The %(deadline)s (%(due)s) was missed.") % {
        "deadline": deadline, "due": due}
    if new.get("promise_missed"):
        sentence = gettext("The time promised to the filer for the %(deadline)s (%(due)s) "
                           "was missed too.") % {"deadline": deadline, "due": due}
    if expected:
        sentence = text.sentences(sentence, gettext("The new expected time is %(expected)s.") % {
            "expected": expected})
    return sentence


def _filer_reminded(old: dict, new: dict, when: When) -> str:
    if reply_by := _time(new.get("reply_by"), when):
        return gettext("The filer was reminded by e-mail to reply by %(reply_by)s.") % {
            "reply_by": reply_by}
    return gettext("The filer was reminded by e-mail to reply.")


def _filer_reminded_for_filer(old: dict, new: dict, when: When) -> str:
    if reply_by := _time(new.get("reply_by"), when):
        return pgettext("filer's own page",
                        "The filer was reminded by e-mail to reply by %(reply_by)s.") % {
            "reply_by": reply_by}
    return pgettext("filer's own page", "The filer was reminded by e-mail to reply.")


def _assignee_changed(old: dict, new: dict, when: When) -> str:
    before, after = _text(old.get("assignee")), _text(new.get("assignee"))
    if before and after:
        return gettext("The assignee changed from %(old)s to %(new)s.") % {
            "old": before, "new": after}
    if after:
        return gettext("The case was assigned to %(new)s.") % {"new": after}
    if before:
        return gettext("%(old)s is no longer assigned to the case.") % {"old": before}
    return ""


def _priority_changed(old: dict, new: dict, when: When) -> str:
    before, after = _label(PRIORITIES, old.get("priority")), _label(
        PRIORITIES, new.get("priority"))
    if before and after:
        return gettext("The priority changed from “%(old)s” to “%(new)s”.") % {
            "old": before, "new": after}
    if after:
        return gettext("The priority was set to “%(new)s”.") % {"new": after}
    return ""


def _cases_linked(old: dict, new: dict, when: When) -> str:
    linked = new.get("linked")
    references = [_text(r) for r in linked] if isinstance(linked, list) else []
    if references := [r for r in references if r]:
        return gettext("This case was linked to %(references)s.") % {
            "references": text.listing(references)}
    return ""


def _merged_into(old: dict, new: dict, when: When) -> str:
    if reference := _text(new.get("primary")):
        return gettext("This case was merged into %(reference)s; the decision will be made "
                       "there.") % {"reference": reference}
    return ""


def _merged_into_for_filer(old: dict, new: dict, when: When) -> str:
    # The filer is not told which case: it is someone else's (as in the case_merged e-mail).
    return gettext("Other cases concern the same output or work; we will decide them "
                   "together, and you will receive the decision for your own case.")


def _merged_from(old: dict, new: dict, when: When) -> str:
    if reference := _text(new.get("duplicate")):
        return gettext("%(reference)s was merged into this case as a duplicate.") % {
            "reference": reference}
    return ""


def _question_answered(old: dict, new: dict, when: When) -> str:
    before, after = _label(ANSWERS, old.get("category")), _label(ANSWERS, new.get("category"))
    if not after:
        return ""
    if before and before != after:
        return gettext("An answer was changed from “%(old)s” to “%(new)s”.") % {
            "old": before, "new": after}
    return gettext("A question was answered “%(answer)s”.") % {"answer": after}


def _feedback_given(old: dict, new: dict, when: When) -> str:
    helpful, changed = new.get("helpful"), new.get("changed") is True
    if helpful is True:
        return (gettext("The feedback was changed: the answer helped.") if changed
                else gettext("Feedback was given: the answer helped."))
    if helpful is False:
        return (gettext("The feedback was changed: the answer did not help.") if changed
                else gettext("Feedback was given: the answer did not help."))
    return ""


def _register_entries_received(old: dict, new: dict, when: When) -> str:
    count = new.get("entries")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return ""
    return ngettext("%(count)s entry was made in the training-use register.",
                    "%(count)s entries were made in the training-use register.",
                    count) % {"count": count}


def _register_entry_confirmed(old: dict, new: dict, when: When) -> str:
    if covers := _text(new.get("covers")):
        return gettext("The register entry “%(covers)s” was confirmed.") % {"covers": covers}
    return ""


def _register_entry_applied(old: dict, new: dict, when: When) -> str:
    covers, snapshot = _text(new.get("covers")), _text(new.get("snapshot"))
    if covers and snapshot:
        return gettext("The register entry “%(covers)s” was applied from the dataset "
                       "snapshot “%(snapshot)s”.") % {"covers": covers, "snapshot": snapshot}
    if covers:
        return gettext("The register entry “%(covers)s” was applied.") % {"covers": covers}
    return ""


def _register_entry_not_possible(old: dict, new: dict, when: When) -> str:
    if covers := _text(new.get("covers")):
        return _with_reason(gettext("The register entry “%(covers)s” cannot be carried "
                                    "out.") % {"covers": covers}, new)
    return ""


def _register_entry_closed(old: dict, new: dict, when: When) -> str:
    if covers := _text(new.get("covers")):
        return _with_reason(gettext("The register entry “%(covers)s” is no longer in "
                                    "force.") % {"covers": covers}, new)
    return ""


def _register_permission_recorded(old: dict, new: dict, when: When) -> str:
    if covers := _text(new.get("covers")):
        return gettext("Permission to use “%(covers)s” was recorded in the register.") % {
            "covers": covers}
    return ""


def _owner_named(old: dict, new: dict, when: When) -> str:
    owner, location = _text(new.get("owner")), _text(new.get("location"))
    if owner and location:
        return gettext("The output at “%(location)s” was attributed to its owner "
                       "“%(owner)s”.") % {"owner": owner, "location": location}
    return ""


def _statement_to_owner_sent(old: dict, new: dict, when: When) -> str:
    if owner := _text(new.get("owner")):
        return gettext("The statement of reasons was sent to the output's owner "
                       "“%(owner)s”.") % {"owner": owner}
    return ""


def _counter_notice_received(old: dict, new: dict, when: When) -> str:
    if reference := _text(new.get("counter_notice")):
        return gettext("The output's owner sent a counter-notice (%(reference)s).") % {
            "reference": reference}
    return ""


# Written on the complaint the counter-notice answers: its filer is the complainant.
def _counter_notice_copy_sent(old: dict, new: dict, when: When,
                              for_filer: bool = False) -> str:
    earliest, latest = _time(new.get("restore_after"), when), _time(new.get("restore_by"), when)
    if not (earliest and latest):
        return ""
    if for_filer:
        sentence = gettext("A copy of the counter-notice was sent to you. Unless you report a "
                           "court action, the output is restored between %(earliest)s and "
                           "%(latest)s.")
    else:
        sentence = gettext("A copy of the counter-notice was sent to the complainant. Unless "
                           "a court action is reported, the output is restored between "
                           "%(earliest)s and %(latest)s.")
    return sentence % {"earliest": earliest, "latest": latest}


def _court_action_reported(old: dict, new: dict, when: When, for_filer: bool = False) -> str:
    if not (court := _text(new.get("court"))):
        return ""
    if for_filer:
        return gettext("You reported a court action (%(court)s): the output stays "
                       "removed.") % {"court": court}
    return gettext("The complainant reported a court action (%(court)s): the output "
                   "stays removed.") % {"court": court}


def _output_restored(old: dict, new: dict, when: When) -> str:
    locations = new.get("locations")
    urls = [u for u in (_text(x) for x in locations) if u] if isinstance(locations, list) else []
    if urls:
        return ngettext("The output was restored: %(locations)s.",
                        "The outputs were restored: %(locations)s.", len(urls)) % {
            "locations": text.listing(urls)}
    return ""


SENTENCES: dict[EventType, Callable[[dict, dict, When], str]] = {
    EventType.CASE_SUBMITTED: _case_submitted,
    EventType.STATUS_CHANGED: _status_changed,
    EventType.REPLY_SENT: _reply_sent,
    EventType.NOTE_ADDED: _note_added,
    EventType.FILER_REPLIED: _filer_replied,
    EventType.EVIDENCE_ADDED: _evidence_added,
    EventType.DECISION_RECORDED: _decision_recorded,
    EventType.DEADLINE_STARTED: _deadline_started,
    EventType.DEADLINE_MET: _deadline_met,
    EventType.DEADLINE_PAUSED: _deadline_paused,
    EventType.DEADLINE_RESUMED: _deadline_resumed,
    EventType.DEADLINE_CANCELLED: _deadline_cancelled,
    EventType.DEADLINE_WARNING: _deadline_warning,
    EventType.DEADLINE_BREACHED: _deadline_breached,
    EventType.FILER_REMINDED: _filer_reminded,
    EventType.ASSIGNEE_CHANGED: _assignee_changed,
    EventType.PRIORITY_CHANGED: _priority_changed,
    EventType.CASES_LINKED: _cases_linked,
    EventType.MERGED_INTO: _merged_into,
    EventType.MERGED_FROM: _merged_from,
    EventType.QUESTION_ANSWERED: _question_answered,
    EventType.APPEAL_DECIDER_OVERRIDE: _appeal_decider_override,
    EventType.FEEDBACK_GIVEN: _feedback_given,
    EventType.REGISTER_ENTRIES_RECEIVED: _register_entries_received,
    EventType.REGISTER_ENTRY_CONFIRMED: _register_entry_confirmed,
    EventType.REGISTER_ENTRY_APPLIED: _register_entry_applied,
    EventType.REGISTER_ENTRY_NOT_POSSIBLE: _register_entry_not_possible,
    EventType.REGISTER_ENTRY_CLOSED: _register_entry_closed,
    EventType.REGISTER_PERMISSION_RECORDED: _register_permission_recorded,
    EventType.NOTICE_RETRACTED: retraction_sentence,
    EventType.RETRACTION_UNDONE: undone_sentence,
    EventType.OWNER_NAMED: _owner_named,
    EventType.STATEMENT_TO_OWNER_SENT: _statement_to_owner_sent,
    EventType.COUNTER_NOTICE_RECEIVED: _counter_notice_received,
    EventType.COUNTER_NOTICE_COPY_SENT: _counter_notice_copy_sent,
    EventType.COURT_ACTION_REPORTED: _court_action_reported,
    EventType.OUTPUT_RESTORED: _output_restored,
    EventType.ENFORCEMENT_ORDERED: ordered_sentence,
    EventType.ENFORCEMENT_DONE: done_sentence,
    EventType.DUPLICATES_MERGED: merged_sentence,
}


# What the filer reads instead: where the desk's sentence names another filer's case, and
# where it names the filer (申立人, which an inquiry's asker is not) or the desk's status.
FILER_SENTENCES: dict[EventType, Callable[[dict, dict, When], str]] = {
    EventType.MERGED_INTO: _merged_into_for_filer,
    EventType.FILER_REMINDED: _filer_reminded_for_filer,
    EventType.STATUS_CHANGED: partial(_status_changed, for_filer=True),
    EventType.COUNTER_NOTICE_COPY_SENT: partial(_counter_notice_copy_sent, for_filer=True),
    EventType.COURT_ACTION_REPORTED: partial(_court_action_reported, for_filer=True),
    **{event_type: partial(SENTENCES[event_type], nouns=FILER_DEADLINES) for event_type in (
        EventType.DEADLINE_STARTED, EventType.DEADLINE_MET, EventType.DEADLINE_PAUSED,
        EventType.DEADLINE_RESUMED, EventType.DEADLINE_BREACHED)},
}


def event_sentence(event_type: str, old: Any, new: Any, *, when: When,
                   for_filer: bool = False) -> str:
    """What happened, as one or two sentences in the active language, the values named
    by their labels and times formatted by `when`. Plain text (the page escapes it);
    empty when the stored values say nothing more than the event's label. `for_filer`:
    the words on the filer's own timeline, which never name another filer's case nor
    call the filer 申立人; otherwise the desk's (its names for statuses)."""
    try:
        event_type = EventType(event_type)
    except ValueError:
        return ""
    told = (for_filer and FILER_SENTENCES.get(event_type)) or SENTENCES[event_type]
    return told(old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {},
                when)
