"""The answer-quality roll-ups, kept by the services, always give the figures counted from
the cases themselves: after every step of a varied series of service calls (filings,
replies, answers, decisions, feedback given and changed, appeals filed and decided,
merged duplicates decided together), made at moments days, hours and minutes apart, for
each period the screen offers (and dates typed in, in two time zones), per operator and
per kind. A rebuild from scratch gives the same rows."""
from contextlib import contextmanager
from datetime import date, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints.admin.quality import QualityPeriodForm
from complaints.models import Case, QualityTally
from complaints.selectors.quality import quality_figures, quality_figures_counted
from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record
from complaints.services.desk import question_answer
from complaints.services.feedback import feedback_record
from complaints.services.messages import message_post
from complaints.services.quality import quality_tallies_rebuild
from tests.factories import UserFactory, complaint_draft, file_case, staff_user

NOW = timezone.now().replace(minute=37, second=12, microsecond=0)


@contextmanager
def at(moment):
    """Every service call inside happens at `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _decide(case, by, outcome="upheld", actions=("output_removed",)):
    return decision_record(case=case, decided_by=by, outcome=outcome, actions=list(actions),
                           facts="Facts relied on.", ground="Policy 4.2.",
                           automated_means=False)


def _appeal(case):
    return case_submit(filer=case.filer, draft=complaint_draft(
        kind="appeal", title="Appeal", appeal_of_id=case.pk,
        appeal_grounds="The decision was wrong."))


def _table(figures) -> dict:
    """Every figure of every row, as the screen would show them."""
    def cells(row):
        return (row.decided, row.first_response_on_time.part, row.first_response_on_time.whole,
                row.decision_on_time.part, row.decision_on_time.whole, row.helpful.part,
                row.helpful.whole, row.appeals_filed, row.appeals_upheld.part,
                row.appeals_upheld.whole, tuple(row.answer_counts))
    return {"operators": {row.label: cells(row) for row in figures.by_operator},
            "kinds": {row.label: cells(row) for row in figures.by_kind},
            "total": cells(figures.total)}


def _periods():
    """Each period of the screen's form (dates typed in too), in Tokyo and in India (+5:30)."""
    today = timezone.localdate(NOW)
    choices = [{"period": p} for p in ("last_30", "last_90", "this_quarter", "last_quarter",
                                      "all")]
    choices += [{"date_from": (today - timedelta(days=3)).isoformat(),
                 "date_to": today.isoformat()},
                {"date_from": (today - timedelta(days=1)).isoformat()},
                {"date_to": (today - timedelta(days=1)).isoformat()},
                {"date_from": date(2000, 1, 1).isoformat(), "date_to": today.isoformat()}]
    for zone in ("Asia/Tokyo", "Asia/Kolkata"):
        with timezone.override(ZoneInfo(zone)):
            for data in choices:
                form = QualityPeriodForm(data)
                assert form.is_valid(), form.errors
                yield form.bounds(NOW)
    # Pieces under an hour at both ends, and a period inside one hour.
    yield NOW - timedelta(hours=30, minutes=13), NOW - timedelta(minutes=5)
    yield NOW - timedelta(minutes=20), NOW - timedelta(minutes=1)


def assert_tallies_match():
    for start, end in _periods():
        assert _table(quality_figures(start=start, end=end)) == _table(
            quality_figures_counted(start=start, end=end)), (start, end)


@pytest.mark.django_db
def test_roll_ups_give_the_counted_figures_after_every_service_call():
    ada = staff_user(email="ada@kotae.example", display_name="Ada Operator")
    ben = staff_user(email="ben@kotae.example", display_name="Ben Operator")
    sato = staff_user(role="supervisor", email="sato@kotae.example", display_name="Sato")
    filer = UserFactory(email="mika@example.com")
    moments = [NOW - timedelta(days=100, hours=5), NOW - timedelta(days=40),
               NOW - timedelta(days=2, hours=3), NOW - timedelta(hours=26, minutes=50),
               NOW - timedelta(minutes=10), NOW]
    cases = []
    for i, moment in enumerate(moments):
        with at(moment - timedelta(days=3)):
            complaint = file_case(filer=filer, title=f"Complaint {i}")
            inquiry = file_case(filer=filer, kind="inquiry", questions=["Used?", "When?"])
            merged = file_case(filer=filer, title=f"Duplicate {i}")
        Case.objects.filter(pk=merged.pk).update(duplicate_of=complaint)
        cases.append((complaint, inquiry))
        with at(moment - timedelta(hours=2)):
            if i % 2:
                message_post(case=complaint, author=ben, body="We are looking into it.")
        assert_tallies_match()
        with at(moment):
            for question, category in zip(inquiry.questions.order_by("position"),
                                          ["yes", "cannot_disclose"], strict=True):
                question_answer(question=question, actor=ada if i % 2 else ben,
                                category=category, text="Because.")
            _decide(complaint, ada if i % 3 else ben)
            _decide(inquiry, ben, "answered", ["no_action"])
        assert_tallies_match()
        with at(moment + timedelta(minutes=30)):
            feedback_record(case=complaint, author=filer, helpful=bool(i % 2))
            feedback_record(case=inquiry, author=filer, helpful=True)
            feedback_record(case=inquiry, author=filer, helpful=False)  # changed their mind
            appeal = _appeal(complaint)
        assert_tallies_match()
        with at(moment + timedelta(hours=1)):
            _decide(appeal, sato, "reversed" if i % 2 else "confirmed", ["no_action"])
        assert_tallies_match()

    # A complaint, its merged duplicate, an inquiry and an appeal decided at each moment.
    assert quality_figures().total.decided == 4 * len(moments)
    before = sorted(QualityTally.objects.exclude(**dict.fromkeys(
        ["decided", "first_given", "feedback_given", "appeals_filed", "answers"], 0)).values_list(
        "grain", "starts_at", "person_id", "kind", "category", "decided", "decision_on_time",
        "first_on_time", "feedback_helpful", "appeals_upheld", "answers"))
    quality_tallies_rebuild()
    after = sorted(QualityTally.objects.values_list(
        "grain", "starts_at", "person_id", "kind", "category", "decided", "decision_on_time",
        "first_on_time", "feedback_helpful", "appeals_upheld", "answers"))
    assert before == after
