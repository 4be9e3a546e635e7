"""Pasting 60 output locations with two bad lines, fixing them, reviewing the notice,
sending it, and opening the printable copy of what was sent (screenshots kept)."""
import re

import pytest
from playwright.sync_api import Page, expect

from complaints.models import Case
from tests.browser.helpers import en, log_in, wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

FORM_URL = "/cases/new/output-complaint/"
GOOD_FAITH = ("I have a good-faith belief that the use described is not authorised by the "
              "rights holder, its agent, or the law.")
ACCURACY = ("The information in this notice is accurate, and I am the rights holder or "
            "authorised to act for them.")
URLS = [f"https://dreamreel.example/v/{i:04d}" for i in range(1, 61)]
BAD = {12: "https://dreamreel.example", 40: "not a location at all"}  # line → text


def pasted(lines: dict[int, str]) -> str:
    return "\n".join(lines.get(number, url) for number, url in enumerate(URLS, start=1))


def fill_the_rest(page: Page) -> None:
    page.get_by_label("Short title", exact=True).fill("Sixty videos copy Hoshino Aki")
    page.get_by_label("AI product", exact=True).fill("DreamReel video")
    page.get_by_label("Paste a list of works").fill(
        "Hoshizora Quest | anime | Studio Hoshizora | https://hoshizora.example/quest\n"
        "星空クエスト 漫画版 | マンガ")
    page.get_by_label("What is similar", exact=True).fill(
        "The character's face, hair and costume are reproduced.")
    page.get_by_label("Remove the output", exact=True).check()
    page.get_by_label("Japan: Copyright Act", exact=True).check()
    page.get_by_label(GOOD_FAITH, exact=True).check()
    page.get_by_label(ACCURACY, exact=True).check()
    page.get_by_label("Signature: type your full name", exact=True).fill("Hanako Yamada")


def test_paste_sixty_fix_two_review_send_and_print(page: Page, live_server, transactional_db,
                                                   creator, artifacts_dir):
    log_in(page, creator.email)
    page.goto(FORM_URL)
    box = page.get_by_label("Paste a list of output locations")
    box.fill(pasted(BAD))
    fill_the_rest(page)
    page.get_by_role("button", name="Review before sending", exact=True).click()

    # Each bad line is said by its number, next to the box; nothing typed is lost.
    field = page.locator(".field.has-error", has=page.locator("#id_paste_locations"))
    expect(field.locator(".error")).to_have_count(2)
    expect(field.locator(".error").nth(0)).to_contain_text("Line 12: ")
    expect(field.locator(".error").nth(1)).to_contain_text("Line 40: ")
    expect(page.locator("#error-summary")).to_contain_text("Line 12: ")
    assert box.input_value().replace("\r\n", "\n") == pasted(BAD)
    expect(page.get_by_label("Short title", exact=True)).to_have_value(
        "Sixty videos copy Hoshino Aki")
    field.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "paste-line-errors.png"))
    assert Case.objects.count() == 0

    box.fill(pasted({}))
    page.get_by_role("button", name="Review before sending", exact=True).click()

    # The review page: the whole notice as it will be sent.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your notice before sending it")
    review = page.get_by_role("region", name="Your notice")
    expect(review).to_contain_text("Output locations (60)")
    expect(review.get_by_text(URLS[-1], exact=True)).to_be_visible()
    expect(review).to_contain_text("Works (2)")
    expect(review).to_contain_text("星空クエスト 漫画版 · Manga")
    expect(review).to_contain_text("Hanako Yamada")
    assert Case.objects.count() == 0
    page.screenshot(path=str(artifacts_dir / "paste-review.png"))
    page.get_by_role("button", name="Send the complaint", exact=True).click()

    expect(page).to_have_url(re.compile(r"/cases/KT-\d{4}-\d{6}/filed/$"))
    reference = page.locator(".reference strong").inner_text().strip()
    case = Case.objects.get(reference=reference)
    assert case.locations.count() == 60 and case.works.count() == 2
    receipt = wait_for_mail(lambda m: reference in m.subject)[0]
    assert case.content_sha256 in receipt.body

    page.get_by_role("link", name="Open the case").click()
    page.get_by_role("link", name="Copy of the notice as sent, to print or save as PDF").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/copy/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(en("Copy of the notice as sent"))
    expect(page.locator(".receipt")).to_contain_text(reference)
    expect(page.locator(".hash")).to_have_text(case.content_sha256)
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.get_by_text(URLS[-1], exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "notice-copy.png"))
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    page.screenshot(path=str(artifacts_dir / "notice-copy-print.png"))
    page.pdf(path=str(artifacts_dir / "notice-copy.pdf"))
