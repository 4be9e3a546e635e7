"""An operator answers an inquiry in a real browser: every question on one form, nothing
chosen beforehand, a refusal that loses nothing, the review of the filer's e-mail, one
send; then the filer reads every answer on the case page."""
import pytest
from django.core import mail
from playwright.sync_api import expect

from complaints.models import Case
from tests.browser.helpers import log_in, wait_for_mail
from tests.factories import file_case

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

REASON = "The contract with our data supplier forbids it."


def test_an_inquiry_is_answered_in_one_step(new_page, live_server, transactional_db, creator,
                                            operator, artifacts_dir):
    case = file_case(filer=creator, kind="inquiry", remedies=[],
                     questions=["Was my artwork used to train the model?",
                                "Since when has it been used?"])
    desk = new_page()
    log_in(desk, operator.email)
    desk.goto(f"/admin/complaints/case/{case.pk}/change/")
    form = desk.locator("#desk-answer-form")
    expect(form.locator("fieldset")).to_have_count(2)
    answers = form.get_by_label("Answer", exact=True)
    for i in range(2):
        expect(answers.nth(i)).to_have_value("")  # nothing chosen beforehand
    expect(desk.locator("#desk-decision-form")).to_have_count(0)

    # One answer only, the other withheld without its reason: both said, nothing lost.
    answers.nth(0).select_option("yes")
    form.get_by_label("Explanation", exact=True).nth(0).fill("It was in the 2025 dataset.")
    form.get_by_role("button", name="Review the answers").click()
    expect(desk.locator(".errorlist").first).to_contain_text(
        "Answer every question first: 1 question has no answer yet.")
    form = desk.locator("#desk-answer-form")
    expect(form.get_by_label("Explanation", exact=True).nth(0)).to_have_value(
        "It was in the 2025 dataset.")
    form.get_by_label("Answer", exact=True).nth(1).select_option("cannot_disclose")
    form.get_by_role("button", name="Review the answers").click()
    expect(desk.get_by_text("Say why it cannot be disclosed").first).to_be_visible()

    form = desk.locator("#desk-answer-form")
    form.get_by_label("Explanation", exact=True).nth(1).fill(REASON)
    form.get_by_role("button", name="Review the answers").click()
    preview = desk.locator("[data-preview-body]")
    expect(preview).to_contain_text("Was my artwork used to train the model?")
    expect(preview).to_contain_text(REASON)
    desk.screenshot(path=str(artifacts_dir / "desk-answer-review.png"), full_page=True)
    assert not mail.outbox or all(REASON not in m.body for m in mail.outbox)

    desk.get_by_role("button", name="Send the answers").click()
    expect(desk.get_by_text("The answers were sent to the filer.")).to_be_visible()
    sent = wait_for_mail(lambda m: REASON in m.body)
    assert len(sent) == 1 and "It was in the 2025 dataset." in sent[0].body
    assert Case.objects.get(pk=case.pk).status == "decided"

    filer = new_page()
    log_in(filer, creator.email)
    filer.goto(f"/cases/{case.reference}/")
    expect(filer.get_by_text(REASON)).to_be_visible()
    expect(filer.get_by_text("It was in the 2025 dataset.")).to_be_visible()
