"""The walking skeleton in a real browser: a creator files an output complaint, gets a
receipt, an operator answers in the admin, the creator sees it on the page and by e-mail.

The same flow as tests/complaints/test_thin_flow.py::
test_creator_files_operator_answers_creator_reads, driven through Chromium.
live_server commits for real, so after-commit e-mail delivery runs without help.
"""
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from complaints.models import Case, Notification
from tests.browser.helpers import log_in
from tests.factories import PNG_BYTES

pytestmark = [pytest.mark.browser]

REPLY = "We have removed the video and are checking similar outputs."
NOTE = "Legal says: clear case, block the prompt."
FACTS = "The output reproduces the character design."
GROUND = "Copyright Act of Japan, Art. 21; our acceptable-use policy 4.2."




def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out", exact=True).click()
    page.wait_for_load_state()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in", exact=True)).to_be_visible()


def file_output_complaint(page: Page) -> str:
    page.goto("/cases/new/output-complaint/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Complain about an AI output")
    page.get_by_label("Short title", exact=True).fill("Video copies Hoshino Aki")
    page.get_by_label("AI product", exact=True).fill("DreamReel video")
    page.get_by_label("Exact output location", exact=True).fill(
        "https://dreamreel.example/v/abc123")
    page.get_by_label("Title of the work", exact=True).fill("Hoshizora Quest")
    page.get_by_label("Kind of work", exact=True).select_option("anime")
    page.get_by_label("What is similar", exact=True).fill(
        "The character's face, hair and costume are reproduced.")
    page.get_by_label("Remove the output", exact=True).check()
    page.get_by_label("United States: DMCA (17 U.S.C. § 512)", exact=True).check()
    page.get_by_label("Your postal address", exact=True).fill("1-2-3 Jingumae, Tokyo")
    page.get_by_label("Your telephone number", exact=True).fill("+81 3-1234-5678")
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Signature: type your full name", exact=True).fill("Hanako Yamada")
    page.locator('input[type="file"][name="evidence"]').set_input_files(
        {"name": "frame-0412.png", "mimeType": "image/png", "buffer": PNG_BYTES})
    page.get_by_role("button", name="Review before sending").click()
    page.get_by_role("button", name="Send the complaint").click()

    expect(page).to_have_url(re.compile(r"/cases/KT-\d{4}-\d{6}/filed/$"))
    expect(page.get_by_role("heading", name="We have received your case")).to_be_visible()
    reference = page.locator(".reference strong").inner_text().strip()
    assert re.fullmatch(r"KT-\d{4}-\d{6}", reference), reference
    assert reference in page.url
    return reference


def test_creator_files_operator_answers_creator_reads(
    page: Page, live_server, transactional_db, creator, operator, artifacts_dir
):
    # 1. The creator logs in through the real login form and files a complaint.
    log_in(page, creator.email)
    reference = file_output_complaint(page)
    case = Case.objects.get(reference=reference)
    assert case.filer == creator
    assert case.evidence.get().original_name == "frame-0412.png"

    # 2. The receipt, with the reference in the subject and a link to the case.
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    receipt = mail.outbox[0]
    assert receipt.to == [creator.email]
    assert reference in receipt.subject
    assert f"/cases/{reference}/" in receipt.body

    # 3. The operator answers in the admin: a public reply, an internal note, a decision.
    log_out(page)
    log_in(page, operator.email)
    page.goto(f"/admin/complaints/case/{case.pk}/change/")
    expect(page.get_by_role("heading", name="Write", exact=True)).to_be_visible()
    expect(page.get_by_text("frame-0412.png").first).to_be_visible()

    message_form = page.locator("#desk-message-form")
    message_form.locator('input[name="visibility"][value="public"]').check()
    message_form.locator('textarea[name="body"]').fill(REPLY)
    message_form.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message was posted.")).to_be_visible()
    expect(page.locator(".desk-message.public")).to_contain_text(REPLY)

    message_form.locator('input[name="visibility"][value="internal"]').check()
    message_form.locator('textarea[name="body"]').fill(NOTE)
    message_form.get_by_role("button", name="Send").click()
    expect(page.locator(".desk-message.internal")).to_contain_text(NOTE)

    decision_form = page.locator("#desk-decision-form")
    decision_form.get_by_label("Outcome", exact=True).select_option("upheld")
    decision_form.get_by_label("Output removed", exact=True).check()
    decision_form.get_by_label("Prompt or character blocked", exact=True).check()
    decision_form.get_by_label("Facts relied on", exact=True).fill(FACTS)
    decision_form.get_by_label("Ground (law or policy)", exact=True).fill(GROUND)
    decision_form.get_by_role("button", name="Review the decision").click()
    expect(page.locator("[data-preview-body]")).to_contain_text(FACTS)
    page.get_by_role("button", name="Record the decision and send it").click()
    expect(page.get_by_text("The decision was recorded and sent to the filer.")).to_be_visible()
    expect(page.get_by_role("heading", name="Decision", exact=True)).to_be_visible()
    expect(page.locator("#content")).to_contain_text(FACTS)
    page.screenshot(path=str(artifacts_dir / "thin-flow-admin-case.png"), full_page=True)

    # 4. The creator reads the reply and the decision on the case page ...
    log_out(page)
    log_in(page, creator.email)
    page.goto(f"/cases/{reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Video copies Hoshino Aki")
    expect(page.locator("article.message.from-desk")).to_contain_text(REPLY)
    decision = page.locator("section.decision")
    expect(decision).to_contain_text(FACTS)
    expect(decision).to_contain_text("Output removed")
    expect(decision).to_contain_text("Copyright Act of Japan")
    expect(page.locator("#main")).not_to_contain_text("Legal says")
    page.screenshot(path=str(artifacts_dir / "thin-flow-creator-case.png"), full_page=True)

    # ... and by e-mail: the reply and the decision, never the internal note.
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) == 3, subjects
    reply_mail, decision_mail = mail.outbox[1], mail.outbox[2]
    assert reply_mail.to == [creator.email] and decision_mail.to == [creator.email]
    assert reference in reply_mail.subject
    assert REPLY in reply_mail.body
    assert "Copyright Act of Japan" in decision_mail.body
    assert all("Legal says" not in m.body for m in mail.outbox)
    assert Notification.objects.filter(case=case, status="sent").count() == 3
