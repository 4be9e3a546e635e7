"""A session that ended while typing: the form is kept as a draft, and after logging in the
filer finds it filled in again, files attached, and sends it (issue 16, finding 3)."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Session
from complaints.models import Case
from tests.browser.helpers import PASSWORD, en, log_in
from tests.browser.test_portal_browser import FORM_URL, fill_complaint, png, row, send

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

SHOTS = Path("/tmp/pt-drafts")


def test_the_form_comes_back_after_the_session_ended(page: Page, live_server,
                                                     transactional_db, creator):
    log_in(page, creator.email)
    page.goto(FORM_URL)
    fill_complaint(page, en, title="Video copies Hoshino Aki",
                   works=[("Hoshizora Quest", "anime")],
                   locations=["https://dreamreel.example/v/abc123"],
                   signature="Hanako Yamada", files=[png("frame-0412.png")])
    Session.objects.all().delete()  # the session ends while she types
    page.get_by_role("button", name="Review before sending", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("status")).to_contain_text(
        "Your session had ended. Log in and you will find the form as you left it")
    expect(page.get_by_role("status")).to_contain_text("Files kept with it: “frame-0412.png”.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "login-after-session-ended.png"))
    page.get_by_label("E-mail address", exact=True).fill(creator.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{FORM_URL}$"))
    expect(page.get_by_role("status")).to_contain_text("Here is the form as you left it.")
    expect(page.get_by_label("Short title", exact=True)).to_have_value(
        "Video copies Hoshino Aki")
    expect(row(page, en, "Work", 1).get_by_label("Title of the work", exact=True)
           ).to_have_value("Hoshizora Quest")
    expect(page.get_by_label("Signature: type your full name", exact=True)).to_have_value(
        "Hanako Yamada")
    kept = page.locator(".kept-files")
    expect(kept.get_by_role("link", name="frame-0412.png")).to_be_visible()
    page.screenshot(path=str(SHOTS / "refilled-after-login.png"), full_page=False)
    kept.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "refilled-files.png"))
    assert Case.objects.count() == 0

    reference = send(page, en)
    case = Case.objects.get(reference=reference)
    assert case.filer == creator and case.title == "Video copies Hoshino Aki"
    assert [e.original_name for e in case.evidence.all()] == ["frame-0412.png"]
