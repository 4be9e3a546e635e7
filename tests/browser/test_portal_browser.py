"""The creators' portal in a real browser: sign-up, filing with several rows and files,
Japanese, a failed submission that keeps everything, rows without JavaScript, a reply
that reaches the desk, and screenshots at desktop and phone width.

Labels, buttons and headings are found by their accessible names, so a label that is not
tied to its input fails here. Japanese strings are looked up in the catalogue at run
time (`ja()`), so a string not yet translated is expected in English and breaks nothing.
"""
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.models import Case
from complaints.services.cases import LocationData, WorkData
from complaints.services.messages import message_post
from tests.browser.helpers import en, ja, log_in, wait_for_mail
from tests.factories import PNG_BYTES, UserFactory, file_case, png_upload

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

FORM_URL = "/cases/new/output-complaint/"
GOOD_FAITH = ("I have a good-faith belief that the use described is not authorised by the "
              "rights holder, its agent, or the law.")
ACCURACY = ("The information in this notice is accurate, and I am the rights holder or "
            "authorised to act for them.")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PHONE, DESKTOP = 390, 1280






def png(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": PNG_BYTES}






def row(page: Page, t, legend: str, number: int):
    """A work or output row: a fieldset whose legend reads e.g. "Work 2"."""
    return page.get_by_role("group", name=f"{t(legend)} {number}", exact=True)


def add_row(page: Page, t, button: str, legend: str, number: int):
    """Add a row with JavaScript: no page load, focus in the new row's first field."""
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name=t(button), exact=True).click()
    new = row(page, t, legend, number)
    expect(new).to_be_visible()
    expect(new.locator("input, select, textarea").first).to_be_focused()
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    return new


def fill_work(group, t, title: str, kind: str, holder: str = "") -> None:
    group.get_by_label(t("Title of the work"), exact=True).fill(title)
    group.get_by_label(t("Kind of work"), exact=True).select_option(kind)
    if holder:
        group.get_by_label(t("Rights holder")).fill(holder)


def fill_complaint(page: Page, t, *, title: str, works, locations, signature: str,
                   files=()) -> None:
    """Fill the output-complaint form, adding rows with the "Add another" buttons."""
    page.get_by_label(t("Short title"), exact=True).fill(title)
    page.get_by_label(t("AI product"), exact=True).fill("DreamReel video")
    for number, url in enumerate(locations, start=1):
        group = row(page, t, "Output", 1) if number == 1 else \
            add_row(page, t, "Add another output", "Output", number)
        group.get_by_label(t("Exact output location"), exact=True).fill(url)
    for number, (work_title, kind) in enumerate(works, start=1):
        group = row(page, t, "Work", 1) if number == 1 else \
            add_row(page, t, "Add another work", "Work", number)
        fill_work(group, t, work_title, kind)
    page.get_by_label(t("What is similar"), exact=True).fill(
        "The character's face, hair and costume are reproduced.")
    page.get_by_label(t("Remove the output"), exact=True).check()
    page.get_by_label(t("Japan: Copyright Act"), exact=True).check()
    page.get_by_label(t(GOOD_FAITH), exact=True).check()
    page.get_by_label(t(ACCURACY), exact=True).check()
    page.get_by_label(t("Signature: type your full name"), exact=True).fill(signature)
    if files:
        page.get_by_label(t("Evidence files")).set_input_files(list(files))


def send(page: Page, t) -> str:
    """Submit the complaint, send it from the review page, and return the reference from
    the receipt page."""
    page.get_by_role("button", name=t("Review before sending"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Check your notice before sending it"))
    page.get_by_role("button", name=t("Send the complaint"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/cases/KT-\d{4}-\d{6}/filed/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("We have received your case"))
    reference = page.locator(".reference strong").inner_text().strip()
    assert re.fullmatch(r"KT-\d{4}-\d{6}", reference), reference
    assert reference in page.url
    return reference


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# --- 1. Sign-up --------------------------------------------------------------------------

def test_sign_up_verify_and_land_on_my_cases(page: Page, live_server, transactional_db):
    email = "new.creator@example.com"
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Your name", exact=True).fill("Aiko Tanaka")
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("Long-enough-passphrase-42")
    page.get_by_label("Language for e-mails and pages", exact=True).select_option(
        label="English")
    page.get_by_label("Time zone", exact=True).select_option("Europe/Berlin")
    page.get_by_role("button", name="Create the account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.locator("#main")).to_contain_text(email)

    (message,) = wait_for_mail(lambda m: m.to == [email])
    match = re.search(re.escape(settings.SITE_URL) + r"(/accounts/verify/\S+/)", message.body)
    assert match, message.body
    page.goto(live_server.url + match.group(1))

    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_role("status")).to_contain_text("Your e-mail address is confirmed")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Aiko Tanaka", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out", exact=True)).to_be_visible()

    user = User.objects.get(email=email)
    assert user.email_verified and user.is_active
    assert (user.language, user.time_zone) == ("en", "Europe/Berlin")


# --- 2. Two works, two outputs, one image -----------------------------------------------

def test_file_two_works_two_outputs_one_image(page: Page, live_server, transactional_db,
                                               creator):
    log_in(page, creator.email)
    page.goto(FORM_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Complain about an AI output")
    works = [("Hoshizora Quest", "anime"), ("Hoshizora Quest: the manga", "manga")]
    urls = ["https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"]
    fill_complaint(page, en, title="Video copies Hoshino Aki", works=works, locations=urls,
                   signature="Hanako Yamada", files=[png("frame-0412.png")])
    reference = send(page, en)

    receipt = wait_for_mail(lambda m: reference in m.subject)[0]
    assert receipt.to == [creator.email]
    case = Case.objects.get(reference=reference)
    assert sorted(case.works.values_list("title", "kind")) == sorted(works)
    assert sorted(case.locations.values_list("url", flat=True)) == urls
    assert list(case.evidence.values_list("original_name", flat=True)) == ["frame-0412.png"]

    page.get_by_role("link", name="Open the case").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/$"))
    filed = page.get_by_role("region", name="What was filed")
    for title, _kind in works:
        expect(filed.get_by_role("listitem").filter(has_text=title).first).to_be_visible()
    expect(filed).to_contain_text("Hoshizora Quest · Anime")
    expect(filed).to_contain_text("Hoshizora Quest: the manga · Manga")
    for url in urls:
        expect(filed.get_by_text(url, exact=True)).to_be_visible()
    evidence = page.get_by_role("region", name="Evidence", exact=True)
    expect(evidence.get_by_role("link", name="frame-0412.png")).to_be_visible()


# --- 3. The same in Japanese ---------------------------------------------------------------

def test_file_in_japanese(page: Page, live_server, transactional_db):
    user = UserFactory(language="ja", email="aki@example.jp", display_name="山田花子")
    log_in(page, user.email)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(FORM_URL)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Complain about an AI output"))
    # The form really is in Japanese: these labels are translated and tied to their inputs.
    for label in ("Short title", "Kind of work", "Signature: type your full name"):
        assert CJK.search(ja(label)), f"{label!r} is not translated"
    expect(page.get_by_label(ja("Short title"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=ja("Review before sending"), exact=True)
           ).to_be_visible()

    works = [("星空クエスト", "anime"), ("星空クエスト 漫画版", "manga")]
    urls = ["https://dreamreel.example/v/jp-001", "https://dreamreel.example/v/jp-002"]
    fill_complaint(page, ja, title="動画が星野アキを再現している", works=works, locations=urls,
                   signature="山田花子", files=[png("フレーム.png")])
    reference = send(page, ja)

    receipt = wait_for_mail(lambda m: reference in m.subject)[0]
    assert receipt.subject == f"【Kotae】受付完了のお知らせ（{reference}）", receipt.subject
    case = Case.objects.get(reference=reference)
    assert case.language == "ja"
    assert case.works.count() == 2 and case.locations.count() == 2
    assert case.evidence.get().original_name == "フレーム.png"


# --- 4. A failed submission keeps input and files ---------------------------------------

def test_failed_submission_keeps_input_and_file(page: Page, live_server, transactional_db,
                                                creator):
    log_in(page, creator.email)
    page.goto(FORM_URL)
    works = [("Hoshizora Quest", "anime"), ("Hoshizora Quest: the manga", "manga")]
    urls = ["https://dreamreel.example/v/abc123"]
    fill_complaint(page, en, title="Video copies Hoshino Aki", works=works, locations=urls,
                   signature="", files=[png("frame-0412.png")])
    page.get_by_role("button", name="Review before sending", exact=True).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There is one thing to correct.")
    expect(summary.get_by_role("link", name=re.compile("^Signature"))).to_have_attribute(
        "href", "#id_signature")
    # At the top: before the form, and in view.
    assert page.evaluate("""() => {
        const s = document.getElementById('error-summary');
        const f = document.querySelector('form[data-filing]');
        const r = s.getBoundingClientRect();
        return Boolean(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)
            && r.top >= 0 && r.top < window.innerHeight / 2;
    }""")

    # Everything typed is still there, in the JavaScript-added row too.
    expect(page.get_by_label("Short title", exact=True)).to_have_value("Video copies Hoshino Aki")
    expect(page.get_by_label("AI product", exact=True)).to_have_value("DreamReel video")
    for number, (title, kind) in enumerate(works, start=1):
        group = row(page, en, "Work", number)
        expect(group.get_by_label("Title of the work", exact=True)).to_have_value(title)
        expect(group.get_by_label("Kind of work", exact=True)).to_have_value(kind)
    expect(row(page, en, "Output", 1).get_by_label("Exact output location", exact=True)
           ).to_have_value(urls[0])
    expect(page.get_by_label("What is similar", exact=True)).to_have_value(
        "The character's face, hair and costume are reproduced.")
    expect(page.get_by_label("Remove the output", exact=True)).to_be_checked()
    expect(page.get_by_label(GOOD_FAITH, exact=True)).to_be_checked()
    signature = page.get_by_label("Signature: type your full name", exact=True)
    expect(signature).to_have_value("")
    expect(signature).to_have_attribute("aria-invalid", "true")

    kept = page.locator(".kept-files")
    expect(kept).to_contain_text("Files already attached")
    expect(kept.get_by_role("link", name="frame-0412.png")).to_be_visible()
    expect(kept.locator('input[type="hidden"][name="staged"]')).to_have_count(1)

    # Sign and send again, without choosing the file again.
    signature.fill("Hanako Yamada")
    reference = send(page, en)
    case = Case.objects.get(reference=reference)
    assert case.evidence.count() == 1
    assert case.evidence.get().original_name == "frame-0412.png"
    assert case.works.count() == 2
    assert case.signature == "Hanako Yamada"


# --- 5. Rows without JavaScript -----------------------------------------------------------

def test_rows_without_javascript(new_page, live_server, transactional_db, creator):
    page = new_page(java_script_enabled=False)
    log_in(page, creator.email)
    page.goto(FORM_URL)
    page.get_by_label("Short title", exact=True).fill("Video copies Hoshino Aki")
    fill_work(row(page, en, "Work", 1), en, "Hoshizora Quest", "anime", "Studio Hoshizora")
    page.get_by_label("Evidence files").set_input_files([png("frame-0412.png")])

    with page.expect_navigation():
        page.get_by_role("button", name="Add another work", exact=True).click()
    works = page.locator("#works-rows [data-row]")
    expect(works).to_have_count(2)
    first, second = row(page, en, "Work", 1), row(page, en, "Work", 2)
    expect(first.get_by_label("Title of the work", exact=True)).to_have_value("Hoshizora Quest")
    expect(first.get_by_label("Kind of work", exact=True)).to_have_value("anime")
    expect(first.get_by_label("Rights holder")).to_have_value("Studio Hoshizora")
    expect(second.get_by_label("Title of the work", exact=True)).to_have_value("")
    expect(page.get_by_label("Short title", exact=True)).to_have_value("Video copies Hoshino Aki")
    expect(page.locator("#error-summary")).to_have_count(0)
    # The file chosen before the reload is kept.
    expect(page.locator(".kept-files").get_by_role("link", name="frame-0412.png")).to_be_visible()

    fill_work(second, en, "Hoshizora Quest: the manga", "manga")
    with page.expect_navigation():
        first.get_by_role("button", name=re.compile(r"^Remove")).click()
    expect(works).to_have_count(1)
    only = row(page, en, "Work", 1)
    expect(only.get_by_label("Title of the work", exact=True)).to_have_value(
        "Hoshizora Quest: the manga")
    expect(only.get_by_label("Kind of work", exact=True)).to_have_value("manga")
    expect(page.get_by_label("Short title", exact=True)).to_have_value("Video copies Hoshino Aki")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator('input[type="hidden"][name="staged"]')).to_have_count(1)


# --- 6. A reply from the portal reaches the desk ----------------------------------------------

def test_reply_from_portal_reaches_admin(new_page, live_server, transactional_db, creator,
                                         operator):
    case = file_case(filer=creator)
    reply = "Here is a second link: https://dreamreel.example/v/zzz999 — same character."

    page = new_page()
    log_in(page, creator.email)
    page.goto(f"/cases/{case.reference}/")
    form = page.locator("form#reply")
    form.get_by_label("Your reply", exact=True).fill(reply)
    form.get_by_role("button", name="Send reply", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.reference}/$"))
    expect(page.get_by_role("status")).to_contain_text("Your reply was sent.")
    expect(page.get_by_role("region", name="Messages and history")).to_contain_text(reply)

    desk = new_page()
    log_in(desk, operator.email)
    desk.goto(f"/admin/complaints/case/{case.pk}/change/")
    thread = desk.get_by_role("region", name="Thread", exact=True)
    expect(thread).to_contain_text(reply)
    expect(thread.locator(".desk-message.public")).to_contain_text(reply)


# --- 7. Screenshots, and no sideways scrolling on a phone ---------------------------------------

def _screenshot_case(language: str):
    user = UserFactory(language=language, email=f"shots-{language}@example.com",
                       display_name="山田花子" if language == "ja" else "Hanako Yamada")
    if language == "ja":
        title = "動画がキャラクター「星野アキ」の顔・髪型・衣装をそのまま再現している"
        similarity = "キャラクターの顔、髪型、衣装とオープニングの場面がそのまま使われています。"
        works = [WorkData(title="星空クエスト", kind="anime", rights_holder="スタジオ星空"),
                 WorkData(title="星空クエスト 漫画版 第1巻", kind="manga",
                          identifier="ISBN978-4-00-000000-0")]
    else:
        title = "Video reproduces our character Hoshino Aki, face, hair and costume"
        similarity = "The character design and the opening scene are copied."
        works = [WorkData(title="Hoshizora Quest", kind="anime", rights_holder="Studio Hoshizora"),
                 WorkData(title="Hoshizora Quest: the manga, volume 1", kind="manga",
                          identifier="ISBN978-4-00-000000-0")]
    locations = [
        LocationData(url="https://dreamreel.example/v/abc123?share=9f8e7d6c5b4a39281706f5e4d3c2b1a0"
                         "&utm_source=copy-link-very-long-parameter"),
        LocationData(url="gen_01HZX7Q3K9V8M2N4P6R8T0W2Y4"),
    ]
    case = file_case(filer=user, title=title, language=language, works=works,
                     locations=locations, similarity=similarity, signature=user.display_name,
                     uploads=[png_upload("frame-0412-very-long-file-name"
                                                              "-from-the-video-export.png")])
    message_post(case=case, author=user,
                 body="動画の12秒目からです。" if language == "ja" else "It starts at 0:12.")
    return user, case


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("view", ["form", "case", "list"])
def test_screenshots_desktop_and_phone(new_page, live_server, transactional_db, artifacts_dir,
                                       language, view):
    user, case = _screenshot_case(language)
    # A Japanese reader's browser speaks Japanese too (Accept-Language, date inputs).
    page = new_page(locale="ja-JP" if language == "ja" else "en-GB")
    log_in(page, user.email)
    url = {"form": FORM_URL, "case": f"/cases/{case.reference}/", "list": "/cases/"}[view]
    t = ja if language == "ja" else en
    heading = {"form": t("Complain about an AI output"), "case": case.title,
               "list": t("My cases")}[view]
    overflowing = []
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.screenshot(path=str(artifacts_dir / f"portal-{view}-{language}-{width}.png"),
                        full_page=True)
        if width == PHONE and not no_horizontal_scroll(page):
            overflowing.append(page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"))
    assert not overflowing, f"{view} ({language}) scrolls sideways at {PHONE}px: {overflowing}"
