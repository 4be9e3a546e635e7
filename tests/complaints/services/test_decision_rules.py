"""A decision fits its case, whatever face records it: the outcomes and actions of the
case's kind, "no action" alone, an upheld complaint that acts, a refusal that does not,
and an inquiry answered only when every question has its answer."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import Decision
from complaints.services.decisions import decision_record
from complaints.services.desk import question_answer
from tests.factories import file_case

pytestmark = pytest.mark.django_db

REASONS = {"facts": "Same frames.", "ground": "Art. 21.", "automated_means": False}


def _decide(case, operator, outcome, actions):
    return decision_record(case=case, decided_by=operator, outcome=outcome, actions=actions,
                           **REASONS)


@pytest.mark.parametrize(("kind", "outcome", "actions", "field", "words"), [
    ("output_complaint", "reversed", ["output_removed"], "outcome", "cannot conclude"),
    ("output_complaint", "answered", ["no_action"], "outcome", "cannot conclude"),
    ("output_complaint", "upheld", ["no_action", "output_removed"], "actions",
     "cannot be combined"),
    ("output_complaint", "upheld", ["no_action"], "actions", "needs the action taken"),
    ("output_complaint", "not_upheld", ["output_removed"], "actions", "takes no action"),
    ("inquiry", "upheld", ["output_removed"], "outcome", "cannot conclude"),
    ("appeal", "upheld", ["output_removed"], "outcome", "cannot conclude"),
    ("training_objection", "upheld", ["output_removed"], "actions", "cannot record"),
])
def test_a_decision_that_does_not_fit_is_refused(operator, creator, kind, outcome, actions,
                                                 field, words):
    overrides = {"kind": kind}
    if kind == "inquiry":
        overrides.update(remedies=[], locations=[], similarity="", questions=["Used?"])
    if kind == "training_objection":
        overrides.update(remedies=[], locations=[], similarity="", training_uses=["training"])
    if kind == "appeal":
        first = file_case(filer=creator)
        _decide(first, operator, "not_upheld", ["no_action"])
        overrides.update(appeal_of_id=first.pk, appeal_grounds="Wrong.")
    case = file_case(filer=creator, **overrides)
    with pytest.raises(ValidationError) as refused:
        _decide(case, operator, outcome, actions)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Decision.objects.filter(case=case).exists()


def test_an_inquiry_is_answered_only_when_every_question_is(operator, creator):
    case = file_case(filer=creator, kind="inquiry", remedies=[], locations=[], similarity="",
                     questions=["Used?", "Since when?"])
    first, second = case.questions.all()
    question_answer(question=first, actor=operator, category="yes", text="")
    with pytest.raises(ValidationError) as refused:
        _decide(case, operator, "answered", ["no_action"])
    assert refused.value.message_dict["outcome"] == [
        "Answer every question first: 1 question has no answer yet."]
    question_answer(question=second, actor=operator, category="unknown", text="")
    assert _decide(case, operator, "answered", ["no_action"]).outcome == "answered"


def test_the_desk_offers_only_the_kinds_outcomes_and_chooses_none(client, operator, creator):
    case = file_case(filer=creator)
    client.force_login(operator)
    html = client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()
    form = html[html.index('name="outcome"'):]
    form = form[:form.index("</select>")]
    assert 'value="" selected' in form or "selected" not in form
    assert 'value="upheld"' in form and 'value="reversed"' not in form
    response = client.post(reverse("admin:complaints_case_decide", args=[case.pk]),
                           {"outcome": "upheld", "actions": ["no_action", "output_removed"],
                            **REASONS})
    assert not Decision.objects.filter(case=case).exists()
    page = client.get(response.url if response.status_code == 302 else
                      reverse("admin:complaints_case_change", args=[case.pk]))
    text = (response.content + page.content).decode()
    assert "cannot be combined with other actions" in text
