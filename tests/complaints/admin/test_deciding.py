"""Deciding on the desk: the review of exactly what the filer will receive before one send,
an inquiry answered in one step, a notice rejected with its reason, and an appeal decided
by someone other than the first decider."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from complaints.domain.status import Status
from complaints.models import CaseEvent, Deadline, Decision
from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record
from tests.factories import complaint_draft, file_case, staff_user

pytestmark = pytest.mark.django_db

COMPLAINT = {"outcome": "upheld", "actions": ["output_removed"],
             "facts": "Frames 12 to 13 match the original.",
             "ground": "Copyright Act of Japan, Art. 21."}


def decide(client, case, data):
    return client.post(reverse("admin:complaints_case_decide", args=[case.pk]), data)


def answer(client, case, data):
    return client.post(reverse("admin:complaints_case_answer", args=[case.pk]), data)


def desk(client, case) -> str:
    return client.get(reverse("admin:complaints_case_change", args=[case.pk])).content.decode()


def test_the_decision_is_reviewed_as_the_filers_e_mail_before_it_is_sent(
        client, operator, creator, on_commit):
    case = file_case(filer=creator)
    sent_before = len(mail.outbox)
    client.force_login(operator)
    with on_commit():
        review = decide(client, case, COMPLAINT)
    html = review.content.decode()
    assert review.status_code == 200
    assert "Nothing has been sent yet" in html
    preview = re.search(r"<pre[^>]*data-preview-body>(.*?)</pre>", html, re.S).group(1)
    assert "Dear Hanako Yamada," in preview
    assert "Frames 12 to 13 match the original." in preview
    assert "Output removed" in preview
    assert not Decision.objects.filter(case=case).exists()
    assert len(mail.outbox) == sent_before
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED

    with on_commit():
        sent = decide(client, case, {**COMPLAINT, "confirm": "1"})
    assert sent.status_code == 302
    assert len(mail.outbox) == sent_before + 1
    # What was previewed is what was sent.
    assert "Frames 12 to 13 match the original." in mail.outbox[-1].body
    assert mail.outbox[-1].subject == re.search(
        r"data-preview-subject>(.*?)</span>", html).group(1)


def test_change_something_brings_the_form_back_filled_in(client, operator):
    case = file_case()
    client.force_login(operator)
    response = decide(client, case, {**COMPLAINT, "edit": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Frames 12 to 13 match the original." in html and 'id="desk-decision-form"' in html
    assert not Decision.objects.filter(case=case).exists()


def test_an_inquiry_is_answered_in_one_step(client, operator, creator, on_commit):
    case = file_case(filer=creator, kind="inquiry", remedies=[],
                     questions=["Was my work used?", "Since when?"])
    first, second = case.questions.all()
    client.force_login(operator)
    html = desk(client, case)
    # One form for every question, nothing chosen beforehand.
    form = re.search(r'<form[^>]*id="desk-answer-form".*?</form>', html, re.S).group(0)
    assert "Was my work used?" in form and "Since when?" in form
    assert "selected" not in form.replace('value="" selected', "")
    assert 'id="desk-decision-form"' not in html

    # An answer missing and a withheld one without its reason: both said, nothing kept.
    response = answer(client, case, {f"q{first.pk}_category": "cannot_disclose",
                                     f"q{first.pk}_text": "", f"q{second.pk}_category": ""})
    text = response.content.decode()
    assert "Answer every question first: 1 question has no answer yet." in text
    first.refresh_from_db()
    assert first.answer_category == ""

    data = {f"q{first.pk}_category": "yes", f"q{first.pk}_text": "In the 2025 dataset.",
            f"q{second.pk}_category": "cannot_disclose", f"q{second.pk}_text": "",
            "note": "We removed it since."}
    response = answer(client, case, data)
    assert "Say why it cannot be disclosed" in response.content.decode()
    data[f"q{second.pk}_text"] = "The contract with our data supplier forbids it."
    sent_before = len(mail.outbox)
    with on_commit():
        review = answer(client, case, data)
    preview = review.content.decode()
    assert "Our answer: Yes" in preview and "The contract with our data supplier" in preview
    assert len(mail.outbox) == sent_before

    with on_commit():
        assert answer(client, case, {**data, "confirm": "1"}).status_code == 302
    assert len(mail.outbox) == sent_before + 1
    body = mail.outbox[-1].body
    assert "Was my work used?" in body and "In the 2025 dataset." in body
    assert "Cannot disclose" in body and "The contract with our data supplier" in body
    case.refresh_from_db()
    assert case.status == Status.DECIDED
    assert Deadline.objects.get(case=case, clock="first_response").met_at is not None
    client.force_login(creator)
    page = client.get(reverse("complaints:case_detail", args=[case.reference]))
    assert "The contract with our data supplier forbids it." in page.content.decode()


def test_a_notice_is_rejected_with_its_reason(client, operator, creator, on_commit):
    case = file_case(filer=creator)
    client.force_login(operator)
    rejection = {"outcome": "rejected", "actions": ["no_action"],
                 "facts": "The sender is not the studio nor its agent.",
                 "ground": "Our notice policy, section 2."}
    response = decide(client, case, rejection)
    assert "Say why the notice is rejected." in response.content.decode()
    response = decide(client, case, {**COMPLAINT, "rejection_reason": "duplicate"})
    assert "A reason for rejection goes only with the outcome" in response.content.decode()

    with on_commit():
        decide(client, case, {**rejection, "rejection_reason": "not_rights_holder",
                              "confirm": "1"})
    case.refresh_from_db()
    assert case.status == Status.REJECTED and case.decided_at is not None
    # A rejection answers the notice: its clocks are met (and counted), not stopped.
    for clock in case.deadlines.all():
        assert clock.met_at is not None and clock.cancelled_at is None, clock.clock
    body = mail.outbox[-1].body
    assert "Outcome: Rejected" in body
    assert "Reason for rejection: Not from the rights holder or their agent" in body
    assert "you may appeal on your case page" in body
    client.force_login(creator)
    page = client.get(reverse("complaints:case_detail", args=[case.reference]))
    html = page.content.decode()
    assert "Not from the rights holder or their agent" in html
    assert reverse("complaints:case_appeal", args=[case.reference]) in html


def _appeal_of(case, filer):
    return case_submit(filer=filer, draft=complaint_draft(
        kind="appeal", title="Please look again", appeal_of_id=case.pk,
        appeal_grounds="The frames match: see the new evidence."))


def test_an_appeal_is_decided_by_someone_else(client, operator, supervisor, creator):
    original = file_case(filer=creator)
    decision_record(case=original, decided_by=operator, outcome="not_upheld",
                    actions=["no_action"], facts="No match found.", ground="Policy 4.",
                    automated_means=False)
    appeal = _appeal_of(original, creator)
    confirm = {"outcome": "confirmed", "actions": ["no_action"], "facts": "Checked again.",
               "ground": "Policy 4.", "confirm": "1"}
    client.force_login(operator)
    assert "Why you decide this appeal yourself" not in desk(client, appeal)
    response = decide(client, appeal, confirm)
    assert "so a colleague decides the appeal" in response.content.decode()
    assert not Decision.objects.filter(case=appeal).exists()

    colleague = staff_user(email="kenji@kotae.example", display_name="Kenji")
    client.force_login(colleague)
    assert decide(client, appeal, confirm).status_code == 302
    assert Decision.objects.get(case=appeal).decided_by == colleague


def test_a_supervisor_may_decide_their_own_appeal_giving_the_reason(
        client, supervisor, creator):
    original = file_case(filer=creator)
    decision_record(case=original, decided_by=supervisor, outcome="not_upheld",
                    actions=["no_action"], facts="No match found.", ground="Policy 4.",
                    automated_means=False)
    appeal = _appeal_of(original, creator)
    confirm = {"outcome": "reversed", "actions": ["output_removed"],
               "facts": "The new evidence shows the match.", "ground": "Art. 21.",
               "confirm": "1"}
    client.force_login(supervisor)
    assert "Why you decide this appeal yourself" in desk(client, appeal)
    response = decide(client, appeal, confirm)
    assert "give the reason you decide the appeal yourself" in response.content.decode()
    assert decide(client, appeal, {**confirm, "override_reason": "The team is away this week."}
                  ).status_code == 302
    event = CaseEvent.objects.get(case=appeal, event_type="appeal_decider_override")
    assert event.new_value == {"reason": "The team is away this week."}
    html = desk(client, appeal)
    assert "giving the reason “The team is away this week.”" in html
    client.force_login(creator)
    page = client.get(reverse("complaints:case_detail", args=[appeal.reference]))
    assert "The team is away" not in page.content.decode()
