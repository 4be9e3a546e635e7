"""The audit event types: each has words in English and Japanese, and every event reads
as a sentence, never as a stored code."""
from datetime import datetime

import pytest
from django.utils import translation

from complaints.domain.event_sentences import DEADLINES, SENTENCES, event_sentence
from complaints.domain.events import SHOWN_AS_MESSAGES, EventType, event_label
from complaints.models import Deadline
from complaints.services.audit import event_record, events_record
from tests.support.events import CODE, DUE, EVENT_SAMPLES, KEY_VALUE, LATER

ENTRY = {"entry": 1, "covers": "Hoshizora Quest"}

# Every other branch of the sentences: (type, old, new).
VARIANTS = [
    (EventType.CASE_SUBMITTED, None, {}),
    (EventType.STATUS_CHANGED, None, {"status": "in_review"}),
    (EventType.STATUS_CHANGED, {"status": "awaiting_filer"}, {"status": "in_review"}),
    (EventType.DECISION_RECORDED, None, {"outcome": "not_upheld", "actions": ["no_action"],
                                         "automated_means": False}),
    (EventType.DECISION_RECORDED, None, {"outcome": "upheld", "actions": ["output_removed"]}),
    (EventType.DEADLINE_STARTED, None, {"clock": "decision", "due_at": None}),
    (EventType.DEADLINE_STARTED, None, {"clock": "filer_reply", "due_at": DUE}),
    (EventType.DEADLINE_MET, None, {"clock": "decision", "on_time": True}),
    (EventType.DEADLINE_MET, None, {"clock": "filer_reply", "on_time": None}),
    (EventType.DEADLINE_RESUMED, None, {"clock": "decision", "due_at": LATER}),
    (EventType.DEADLINE_RESUMED, None, {"clock": "decision"}),
    (EventType.DEADLINE_WARNING, None, {"clock": "first_response"}),
    (EventType.DEADLINE_BREACHED, None, {"clock": "first_response", "due_at": DUE}),
    (EventType.DEADLINE_BREACHED, None, {"clock": "first_response"}),
    (EventType.FILER_REMINDED, None, {}),
    (EventType.ASSIGNEE_CHANGED, {"assignee": None}, {"assignee": "sato@kotae.example"}),
    (EventType.ASSIGNEE_CHANGED, {"assignee": "sato@kotae.example"}, {"assignee": None}),
    (EventType.PRIORITY_CHANGED, None, {"priority": "high"}),
    (EventType.QUESTION_ANSWERED, {"category": "", "text": ""}, {"category": "yes"}),
    (EventType.QUESTION_ANSWERED, {"category": "yes"}, {"category": "partly"}),
    (EventType.FEEDBACK_GIVEN, None, {"helpful": True, "changed": False}),
    (EventType.FEEDBACK_GIVEN, None, {"helpful": True, "changed": True}),
    (EventType.FEEDBACK_GIVEN, None, {"helpful": False, "changed": False}),
    (EventType.REGISTER_ENTRIES_RECEIVED, None, {"entries": 1}),
    (EventType.REGISTER_ENTRY_APPLIED, None, {**ENTRY, "status": "applied"}),
    (EventType.REGISTER_ENTRY_CLOSED, None, {**ENTRY, "status": "closed"}),
]
CASES = [(t, old, new) for t, (old, new) in EVENT_SAMPLES.items()] + VARIANTS


def told(event_type, old, new, language):
    with translation.override(language):
        return event_sentence(event_type, old, new,
                              when=lambda at: f"<{at:%Y-%m-%d %H:%M}>")


def test_every_type_has_a_sample():
    assert set(EVENT_SAMPLES) == set(EventType) == set(SENTENCES)


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_type_has_an_english_label_and_a_japanese_one(event_type):
    with translation.override("en"):
        english = str(event_type.label)
    with translation.override("ja"):
        japanese = str(event_type.label)
    assert english.strip() and japanese.strip()
    assert japanese != english
    assert not CODE.search(english)


@pytest.mark.parametrize(("event_type", "old", "new"), CASES,
                         ids=[f"{c[0].value}-{i}" for i, c in enumerate(CASES)])
def test_every_event_reads_as_a_sentence_in_both_languages(event_type, old, new):
    english, japanese = told(event_type, old, new, "en"), told(event_type, old, new, "ja")
    for text in (english, japanese):
        assert text.strip(), event_type
        assert not CODE.search(text), text
        assert not KEY_VALUE.search(text), text
        assert "{" not in text and "%(" not in text and "%s" not in text, text
    assert japanese != english
    assert not japanese.isascii(), japanese


def test_times_are_written_by_the_readers_formatter():
    text = told(EventType.DEADLINE_BREACHED, None,
                {"clock": "decision", "due_at": DUE, "new_expected": LATER}, "en")
    assert text == ("The decision deadline (<2026-12-08 07:34>) was missed. "
                    "The new expected time is <2026-12-10 07:34>.")


def test_examples_read_as_a_person_would_write_them():
    assert told(EventType.STATUS_CHANGED, {"status": "in_review"}, {"status": "decided"},
                "en") == "The status changed from “In review” to “Decided”."
    assert told(EventType.STATUS_CHANGED, {"status": "in_review"}, {"status": "decided"},
                "ja") == "ステータスが「確認中」から「判断済み」に変わりました。"
    assert told(EventType.DEADLINE_MET, None, {"clock": "first_response", "on_time": True},
                "en") == "The first-response deadline was met on time."
    assert told(EventType.DEADLINE_MET, None, {"clock": "first_response", "on_time": True},
                "ja") == "初回回答期限内に対応が完了しました。"
    assert told(EventType.CASES_LINKED, None, {"linked": ["KT-1", "KT-2"]},
                "ja") == "このケースを KT-1、KT-2 とリンクしました。"


def test_what_the_values_do_not_say_is_left_out_not_shown_raw():
    assert told(EventType.STATUS_CHANGED, {"status": "in_review"},
                {"status": "no_such_status"}, "en") == ""
    assert told(EventType.PRIORITY_CHANGED, None, {"priority": "sky_high"}, "en") == ""
    assert told(EventType.DEADLINE_STARTED, None, {"clock": "some_clock", "due_at": "soon"},
                "en") == "The deadline was set."
    assert told(EventType.DECISION_RECORDED, None, {"outcome": "upheld",
                "actions": ["output_removed", "new_action"]}, "en") == (
        "The decision was made: “Upheld: action taken”. Action taken: Output removed.")
    assert told(EventType.EVIDENCE_ADDED, "not a dict", ["nor", "this"], "en") == ""
    assert told("no_longer_written", None, {"a": 1}, "en") == ""


def test_an_unknown_type_has_a_label_in_words():
    with translation.override("ja"):
        assert str(event_label("no_longer_written")) == "その他の記録"
        assert str(event_label("deadline_breached")) == "期限超過"


def test_every_clock_has_a_deadline_noun():
    # The other values' labels are the models' own choices (domain/decisions.py,
    # priority.py, questions.py); a clock's deadline is named as a noun in a sentence.
    assert set(DEADLINES) == set(Deadline.Clock.values)


def test_which_events_the_filer_sees():
    assert EventType.STATUS_CHANGED.filer_sees and EventType.DEADLINE_BREACHED.filer_sees
    assert not EventType.NOTE_ADDED.filer_sees
    assert not EventType.DEADLINE_WARNING.filer_sees
    assert not EventType.REGISTER_ENTRY_APPLIED.filer_sees
    assert all(t.filer_sees for t in SHOWN_AS_MESSAGES)


def test_writing_an_unknown_type_is_refused():
    with pytest.raises(ValueError, match="deadline_exploded"):
        event_record(case=None, actor=None, event_type="deadline_exploded")
    with pytest.raises(ValueError, match="status_tweaked"):
        events_record(case=None, actor=None, events=[
            {"event_type": EventType.CASE_SUBMITTED}, {"event_type": "status_tweaked"}])


def test_the_formatter_gets_an_aware_time():
    seen = []
    event_sentence(EventType.DEADLINE_STARTED, None, {"clock": "decision", "due_at": DUE},
                   when=lambda at: seen.append(at) or "")
    assert seen == [datetime.fromisoformat(DUE)] and seen[0].tzinfo is not None


def test_a_reason_kotae_gives_reads_in_the_readers_language():
    # The sweep's reason for closing a case nobody answered, as stored since before
    # reasons had labels: in Japanese it must not show in English.
    closed = {"status": "closed", "reason": "no reply from the filer within the time given"}
    with translation.override("ja"):
        sentence = event_sentence("status_changed", {"status": "awaiting_filer"}, closed,
                                  when=str)
    assert "期限内に申立人からの返信がありませんでした" in sentence
    assert "no reply" not in sentence


def test_the_filers_own_timeline_never_calls_them_moushitatenin():
    """Read on an inquiry's page too, where the one who asks is ご本人: every sentence the
    filer's timeline shows says ご返信 where the desk's says 申立人の返信."""
    shown = [(t, old, new) for t, old, new in CASES
             if t.filer_sees and t not in SHOWN_AS_MESSAGES]
    shown += [(EventType.STATUS_CHANGED, {"status": "awaiting_filer"},
               {"status": "closed", "reason": "no reply from the filer within the time given"}),
              (EventType.DEADLINE_BREACHED, None, {"clock": "filer_reply", "due_at": DUE})]
    for event_type, old, new in shown:
        with translation.override("ja"):
            sentence = event_sentence(event_type, old, new, when=str, for_filer=True)
        assert "申立人" not in sentence, (event_type, sentence)
    with translation.override("ja"):
        assert event_sentence(EventType.FILER_REMINDED, None, {"reply_by": DUE},
                              when=lambda at: "12月8日", for_filer=True) == (
            "12月8日までにご返信いただくよう、メールでお願いしました。")
        assert event_sentence(EventType.DEADLINE_STARTED, None,
                              {"clock": "filer_reply", "due_at": DUE},
                              when=lambda at: "12月8日", for_filer=True) == (
            "ご返信の期限を12月8日に設定しました。")


@pytest.mark.parametrize(("language", "desk", "filer"), [
    ("en", "The status changed from “In review” to “Awaiting the filer's reply”.",
     "The status changed from “In review” to “Awaiting your reply”."),
    ("ja", "ステータスが「確認中」から「申立人の返信待ち」に変わりました。",
     "ステータスが「確認中」から「ご返信待ち」に変わりました。"),
])
def test_a_status_is_named_by_the_desk_on_its_trail_and_by_the_filer_on_theirs(
        language, desk, filer):
    with translation.override(language):
        for for_filer, expected in ((False, desk), (True, filer)):
            assert event_sentence(EventType.STATUS_CHANGED, {"status": "in_review"},
                                  {"status": "awaiting_filer"}, when=str,
                                  for_filer=for_filer) == expected
