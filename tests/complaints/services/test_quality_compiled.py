"""The answer-quality counts' query is compiled once per shape and run with the real
periods and case ids (complaints.selectors.quality._compiled): it must count exactly
what the same query counts through the ORM, for every shape of period (open ends, other
time zones, microseconds), every set of cases (all, some, a repeated id, an id no case
has) and both groupings."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models.quality import TALLY_COUNTS
from complaints.selectors import quality
from complaints.services.desk import question_answer
from complaints.services.feedback import feedback_record
from complaints.services.messages import message_post
from tests.complaints.services.test_quality_tallies import NOW, _appeal, _decide, at
from tests.factories import UserFactory, file_case, staff_user

pytestmark = pytest.mark.django_db


def through_the_orm(ranges, case_ids, by_hour):
    groups = {}
    for group in quality._groups_query(ranges, case_ids, by_hour):
        hour = group.pop("group_hour")
        if isinstance(hour, str):
            hour = datetime.fromisoformat(hour).replace(tzinfo=UTC)
        key = (None if hour is None else hour.astimezone(UTC), group.pop("group_person"),
               group.pop("group_kind"), group.pop("group_category"))
        counts = groups.setdefault(key, dict.fromkeys(TALLY_COUNTS, 0))
        for name, value in group.items():
            counts[name] += value or 0
    return groups


def test_the_compiled_query_counts_what_the_orm_counts():
    ada = staff_user(email="ada@kotae.example")
    sato = staff_user(role="supervisor", email="sato@kotae.example")
    filer = UserFactory(email="mika@example.com")
    ids = []
    for n, moment in enumerate([NOW - timedelta(days=2, hours=3), NOW - timedelta(minutes=10)]):
        with at(moment - timedelta(days=3)):
            complaint = file_case(filer=filer, title=f"Complaint {n}")
            inquiry = file_case(filer=filer, kind="inquiry", questions=["Used?"])
        message_post(case=complaint, author=ada, body="We are looking into it.")
        with at(moment):
            question_answer(question=inquiry.questions.first(), actor=ada, category="yes",
                            text="Yes.")
            _decide(complaint, ada)
            _decide(inquiry, ada, "answered", ["no_action"])
        with at(moment + timedelta(minutes=30)):
            feedback_record(case=complaint, author=filer, helpful=True)
            appeal = _appeal(complaint)
        with at(moment + timedelta(hours=1)):
            _decide(appeal, sato, "reversed", ["no_action"])
        ids += [complaint.pk, inquiry.pk, appeal.pk]
    tokyo = ZoneInfo("Asia/Tokyo")
    shapes = [None, [(None, None)], [(NOW - timedelta(days=1), None)],
              [(None, NOW - timedelta(days=1))],
              [(NOW - timedelta(days=3), (NOW - timedelta(days=1)).astimezone(tokyo)),
               ((NOW - timedelta(hours=1)).astimezone(tokyo), NOW + timedelta(hours=2))],
              [(NOW - timedelta(days=3, microseconds=7),
                NOW + timedelta(hours=2, microseconds=5))]]
    for ranges in shapes:
        for case_ids in (None, ids[:2], ids, [ids[0], ids[0]], [10**9]):
            for by_hour in (False, True):
                got = quality.quality_groups(ranges=ranges, case_ids=case_ids, by_hour=by_hour)
                expected = through_the_orm(
                    ranges, None if case_ids is None else sorted(set(case_ids)), by_hour)
                assert got == expected, (ranges, case_ids, by_hour)
    everything = quality.quality_groups()
    assert sum(counts["decided"] for counts in everything.values()) == 6
    assert sum(counts["appeals_upheld"] for counts in everything.values()) == 2
