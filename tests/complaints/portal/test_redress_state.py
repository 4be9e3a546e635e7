"""The redress a decided case's page offers is true for the case as it stands: once
appealed it names the appeal; once retracted it offers nothing; an inquiry's answer shows
no empty statement-of-reasons rows."""
import pytest
from django.urls import reverse

from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record, inquiry_answer
from complaints.services.retractions import retraction_record
from tests.factories import complaint_draft, file_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db


def decided(creator, operator):
    case = file_case(filer=creator)
    decision_record(case=case, decided_by=operator, outcome="not_upheld",
                    actions=["no_action"], facts="No match found.", ground="Policy 4.",
                    automated_means=False)
    return case


def page(client, case) -> str:
    html = client.get(reverse("complaints:case_detail", args=[case.reference])).content
    return " ".join(text_of(html.decode()).split())


def test_once_appealed_the_page_names_the_appeal(client, creator, operator):
    case = decided(creator, operator)
    client.force_login(creator)
    assert "You may appeal this decision until" in page(client, case)
    appeal = case_submit(filer=creator, draft=complaint_draft(
        kind="appeal", title="Look again", appeal_of_id=case.pk,
        appeal_grounds="Frame 412 was overlooked."))
    text = page(client, case)
    assert f"You appealed this decision: {appeal.reference} (Submitted)." in text
    assert "You may appeal this decision until" not in text
    assert "Appeal this decision" not in text


def test_once_retracted_nothing_is_left_to_appeal(client, creator, operator):
    case = decided(creator, operator)
    retraction_record(case=case, actor=creator, whole=True, statement="Settled with them.")
    client.force_login(creator)
    text = page(client, case)
    assert "You retracted this notice; there is nothing left to appeal." in text
    assert "Appeal this decision" not in text
    response = client.get(reverse("complaints:case_appeal", args=[case.reference]))
    assert "nothing left to appeal" in response.content.decode()


def test_an_answer_shows_no_empty_reasons(client, creator, operator):
    case = file_case(filer=creator, kind="inquiry", remedies=[], questions=["Was it used?"])
    [question] = case.questions.all()
    inquiry_answer(case=case, actor=operator, answers={question.pk: ("no", "")})
    client.force_login(creator)
    text = page(client, case)
    assert "Facts relied on" not in text and "Ground (law or policy)" not in text
