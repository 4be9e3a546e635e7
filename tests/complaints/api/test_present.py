"""The API builds its busiest answers by hand (complaints.api.present) and describes them
with serializers in the schema: both must give the same thing, field for field."""
from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.api import present
from complaints.api import serializers as s
from complaints.models import Case, Decision
from complaints.selectors import cases as selectors
from complaints.services.cases import CaseDraft, LocationData, WorkData, case_submit
from complaints.services.decisions import decision_record
from complaints.services.desk import question_answer
from complaints.services.messages import message_post
from tests.factories import file_case, png_upload

pytestmark = pytest.mark.django_db


def _everything(creator, operator) -> Case:
    """A decided case with a staff reply, a filer message, evidence and an appeal's
    link, and an inquiry's answered question: every part a detail answer has."""
    case = file_case(filer=creator, uploads=[png_upload()])
    message_post(case=case, author=operator, body="We are looking at it.")
    message_post(case=case, author=creator, body="Frame 412 too.")
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.UPHELD,
                    actions=["output_removed"], facts="Same face.", ground="Policy 3.1.",
                    automated_means=True, automated_detail="Hash match first.")
    appeal = case_submit(filer=creator, draft=CaseDraft(
        kind="appeal", title="Appeal", appeal_of_id=case.pk, appeal_grounds="More frames.",
        good_faith_statement=True, accuracy_statement=True, signature="Hanako Yamada"))
    return appeal


def _as_api(build, *args, **kwargs):
    """`build(...)` as the API answers: times in UTC."""
    with timezone.override(UTC):
        return build(*args, **kwargs)


def test_detail_by_hand_is_the_serializer_s(creator, operator):
    appeal = _everything(creator, operator)
    for pk in (appeal.pk, appeal.appeal_of_id):
        case = selectors.case_get_for_api(pk)
        expected = _as_api(lambda c: s.CaseDetailSerializer(c).data, case)
        assert _as_api(present.case_detail, case) == expected
    original = selectors.case_get_for_api(appeal.appeal_of_id)
    detail = present.case_detail(original)
    assert detail["decision"]["outcome"] == "upheld"
    assert [m["author"] for m in detail["messages"]] == ["Kotae desk", creator.display_name]
    assert detail["evidence"][0]["content_type"] == "image/png"
    assert detail["submitted_at"].endswith("Z")


def test_inquiry_detail_by_hand_is_the_serializer_s(creator, operator):
    case = case_submit(filer=creator, draft=CaseDraft(
        kind="inquiry", title="Was our anime used?", questions=["Was it in reel-2?"],
        accuracy_statement=True, signature="Hanako Yamada"))
    question_answer(question=case.questions.get(), actor=operator, category="no",
                    text="It was not.")
    case = selectors.case_get_for_api(case.pk)
    assert present.case_detail(case)["questions"][0]["answer_category"] == "no"
    assert _as_api(present.case_detail, case) == \
        _as_api(lambda c: s.CaseDetailSerializer(c).data, case)


def test_a_case_just_filed_shows_as_read_afresh_without_a_query(creator):
    """case_submit hands the case back with what it wrote; the 201 answer is built from
    that, and must be what reading the case afresh gives."""
    case = case_submit(filer=creator, draft=CaseDraft(
        kind="output_complaint", title="Copy", law="eu_dsa", ai_product="DreamReel",
        similarity="Same face.", remedies=["remove_output"],
        works=[WorkData(title="Hoshizora Quest", kind="anime")],
        locations=[LocationData(url="https://dreamreel.example/v/1",
                                seen_at=timezone.now())],
        good_faith_statement=True, accuracy_statement=True, signature="Hanako Yamada"))
    with CaptureQueriesContext(connection) as queries:
        fresh_from_filing = _as_api(present.case_detail, case)
    assert len(queries) == 0
    assert fresh_from_filing == _as_api(present.case_detail,
                                        selectors.case_get_for_api(case.pk))
    assert [d["clock"] for d in fresh_from_filing["deadlines"]] == ["first_response",
                                                                     "decision"]


def test_summaries_by_hand_are_the_serializer_s(creator, operator):
    from tests.support.late import late_case

    _everything(creator, operator)
    file_case(filer=creator)
    late_case(creator)  # late, with the date its late notice promised
    rows = list(selectors.cases_with_lateness(Case.objects.order_by("-pk"))
                .values(*present.SUMMARY_COLUMNS))
    cases = list(Case.objects.order_by("-pk"))
    assert len(rows) == 4
    assert [row["late"] for row in present.case_summaries(rows)] == [True, False, False, False]
    assert _as_api(present.case_summaries, rows) == \
        _as_api(lambda c: s.CaseSummarySerializer(c, many=True).data, cases)
