"""The operator desk in a real browser: the deadline filter of the queue, a canned
response filled in by JavaScript (and by a reload without it), a public reply and a
decision that reach the filer's page and mailbox, and screenshots of the queue and of a
busy case page for a person to judge.

Controls are found by their accessible names where the admin gives them one.
"""
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints.models import CannedResponse, Case, Message
from complaints.services.cases import LocationData, WorkData
from complaints.services.messages import message_post
from tests.browser.helpers import log_in, wait_for_mail
from tests.factories import UserFactory, file_case, png_upload

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

QUEUE = "/admin/complaints/case/"
CANNED_NAME = "Acknowledge and start review"
# No greeting: the e-mail that carries the reply greets the filer itself.
CANNED_EN = ("Thank you, {filer_name}: we are reviewing your case {reference} and will "
             "write again soon.")
CANNED_JA = "{filer_name}様\nケース {reference} を確認しています。"
FACTS = "Frames 0:12–0:20 reproduce the character's face, hair and costume."
GROUND = "Copyright Act of Japan, Art. 21; acceptable-use policy 4.2."
WIDE, NARROW = 1440, 1024






def make_due(case: Case, delta: timedelta) -> Case:
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() + delta)
    case.refresh_from_db()
    return case


def canned_responses() -> None:
    CannedResponse.objects.create(name=CANNED_NAME, language="en", body=CANNED_EN)
    CannedResponse.objects.create(name=CANNED_NAME, language="ja", body=CANNED_JA)


def rendered(case: Case) -> str:
    return CANNED_EN.format(filer_name=case.filer.display_name, reference=case.reference)


def queue_rows(page: Page):
    return page.locator("#result_list tbody tr")


# --- 1. The operator's flow ---------------------------------------------------------------

def test_overdue_filter_canned_reply_and_decision_reach_the_filer(
    new_page, live_server, transactional_db, creator, other_creator, operator
):
    overdue = [
        make_due(file_case(filer=creator, title="Video copies Hoshino Aki"),
                 -timedelta(hours=5)),
        make_due(file_case(filer=other_creator, title="Opening scene reused"),
                 -timedelta(days=2)),
    ]
    later = [
        make_due(file_case(filer=other_creator, title="Style of the manga copied"),
                 timedelta(days=3)),
        make_due(file_case(filer=creator, title="Poster reproduced"), timedelta(days=10)),
    ]
    canned_responses()
    case = overdue[0]

    desk = new_page(viewport={"width": WIDE, "height": 900})
    log_in(desk, operator.email)
    desk.goto(QUEUE)
    expect(queue_rows(desk)).to_have_count(4)

    filters = desk.get_by_role("navigation", name="Filter")
    deadline = filters.locator('details[data-filter-title="deadline"]')
    deadline.get_by_role("link", name="Overdue", exact=True).click()
    expect(desk).to_have_url(re.compile(r"[?&]deadline=overdue\b"))
    rows = queue_rows(desk)
    expect(rows).to_have_count(len(overdue))
    for row in rows.all():
        expect(row.locator(".badge-overdue")).to_have_count(1)
        expect(row.locator(".badge-overdue")).to_have_text(re.compile("overdue", re.I))
    table = desk.locator("#result_list")
    def link(case):
        return table.get_by_role("link", name=re.compile(rf"^{case.reference}\b"))

    for shown in overdue:
        expect(link(shown)).to_be_visible()
    for hidden in later:
        expect(link(hidden)).to_have_count(0)

    table.get_by_role("link", name=re.compile(rf"^{case.reference}\b")).click()
    expect(desk).to_have_url(re.compile(rf"/admin/complaints/case/{case.pk}/change/"))

    # The canned response in the filer's language only, rendered for this case.
    canned = desk.get_by_label(re.compile(r"^Canned response"))
    expect(canned.locator("option")).to_have_count(2)  # "—" and the English one
    expect(desk.get_by_role("button", name="Insert", exact=True)).to_be_hidden()
    canned.select_option(label=CANNED_NAME)
    body = desk.get_by_label("Message", exact=True)
    expect(body).to_have_value(rendered(case))
    expect(body).to_be_focused()
    assert case.reference in body.input_value()
    assert creator.display_name in body.input_value()

    public = desk.get_by_role("radio", name=re.compile(r"^Public reply"))
    expect(public).to_be_checked()
    desk.get_by_role("button", name="Send", exact=True).click()
    expect(desk.get_by_text("Your message was posted.", exact=True)).to_be_visible()
    thread = desk.get_by_role("region", name="Thread", exact=True)
    expect(thread.locator(".desk-message.public")).to_contain_text(
        "we are reviewing your case")

    decision = desk.locator("#desk-decision-form")
    decision.get_by_label("Outcome", exact=True).select_option("upheld")
    decision.get_by_label("Output removed", exact=True).check()
    decision.get_by_label("Prompt or character blocked", exact=True).check()
    decision.get_by_label("Facts relied on", exact=True).fill(FACTS)
    decision.get_by_label("Ground (law or policy)", exact=True).fill(GROUND)
    decision.get_by_role("button", name="Review the decision", exact=True).click()
    # The review: the e-mail exactly as the filer will read it; nothing sent yet.
    expect(desk.get_by_role("heading", name="The e-mail to the filer")).to_be_visible()
    expect(desk.locator("[data-preview-body]")).to_contain_text(FACTS)
    expect(desk.locator("[data-preview-body]")).to_contain_text(
        f"Dear {creator.display_name},")
    assert not Case.objects.get(pk=case.pk).decided_at
    desk.get_by_role("button", name="Record the decision and send it", exact=True).click()
    expect(desk.get_by_text("The decision was recorded and sent to the filer.",
                            exact=True)).to_be_visible()
    expect(desk.get_by_role("heading", name="Decision", exact=True)).to_be_visible()

    case.refresh_from_db()
    assert case.status == "decided"
    message = case.messages.get()
    assert message.visibility == Message.Visibility.PUBLIC and message.from_staff
    assert " ".join(message.body.split()) == " ".join(rendered(case).split())

    # The filer reads both on the case page.
    portal = new_page()
    log_in(portal, creator.email)
    portal.goto(f"/cases/{case.reference}/")
    history = portal.get_by_role("region", name="Messages and history")
    for line in rendered(case).splitlines():
        expect(history).to_contain_text(line)
    verdict = portal.get_by_role("region", name="Decision", exact=True)
    expect(verdict).to_contain_text(FACTS)
    expect(verdict).to_contain_text(GROUND)

    # ... and by e-mail.
    (reply,) = wait_for_mail(lambda m: case.reference in m.subject
                             and "A message from our desk" in m.subject)
    assert reply.to == [creator.email]
    assert "we are reviewing your case" in reply.body and case.reference in reply.body
    (decided,) = wait_for_mail(lambda m: case.reference in m.subject
                               and "Our decision" in m.subject)
    assert decided.to == [creator.email]
    assert FACTS in decided.body


# --- 2. Canned responses without JavaScript ---------------------------------------------

def test_canned_response_without_javascript(new_page, live_server, transactional_db, creator,
                                            operator):
    case = file_case(filer=creator)
    canned_responses()
    page = new_page(java_script_enabled=False)
    log_in(page, operator.email)
    page.goto(f"{QUEUE}{case.pk}/change/")

    insert = page.get_by_role("button", name="Insert", exact=True)
    expect(insert).to_be_visible()
    body = page.get_by_label("Message", exact=True)
    expect(body).to_have_value("")
    page.get_by_label(re.compile(r"^Canned response")).select_option(label=CANNED_NAME)
    expect(body).to_have_value("")  # nothing happens until the button is pressed
    with page.expect_navigation():
        insert.click()
    expect(page).to_have_url(re.compile(r"[?&]canned=\d+"))
    expect(body).to_have_value(rendered(case))
    expect(page.get_by_label(re.compile(r"^Canned response"))).to_have_value(
        str(CannedResponse.objects.get(language="en").pk))
    expect(page.get_by_role("radio", name=re.compile(r"^Public reply"))).to_be_checked()


# --- 3. The queue's badge is styled and the deadline column is in view -------------------

def test_queue_overdue_badge_is_styled(new_page, live_server, transactional_db, operator):
    make_due(file_case(), -timedelta(hours=2))
    page = new_page(viewport={"width": WIDE, "height": 900})
    log_in(page, operator.email)
    page.goto(f"{QUEUE}?deadline=overdue")
    badge = page.locator("#result_list .badge-overdue")
    expect(badge).to_have_count(1)
    background = badge.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background


def test_queue_deadline_column_in_view_at_1440(new_page, live_server, transactional_db,
                                               operator):
    call_command("seed_bench", cases=30, stdout=io.StringIO())
    page = new_page(viewport={"width": WIDE, "height": 900})
    log_in(page, operator.email)
    page.goto(QUEUE)
    header = page.get_by_role("columnheader", name=re.compile(r"next deadline", re.I))
    expect(header).to_be_visible()
    visible = header.evaluate("""th => {
        const box = th.closest('.results') || document.documentElement;
        return th.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1
            && th.getBoundingClientRect().right <= window.innerWidth;
    }""")
    assert visible, "the 'Next deadline' column is scrolled out of view"


def test_queue_rows_ticked_run_an_action(new_page, live_server, transactional_db, operator):
    """The queue's rows are written in one pass (complaints/admin/queue_rows.py); the
    admin's script still finds their checkboxes: ticking two and choosing an action
    assigns those two, and only those."""
    first, second, third = (file_case(title=f"Scene {n} copied") for n in range(3))
    page = new_page(viewport={"width": WIDE, "height": 900})
    log_in(page, operator.email)
    page.goto(QUEUE)
    for case in (first, second):
        page.get_by_role("checkbox", name=re.compile(re.escape(case.reference))).check()
    expect(page.locator(".action-counter")).to_contain_text("2")
    page.locator("select[name=action]").select_option("assign_to_me")
    page.locator("button[name=index]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("2 cases assigned to you.")
    assigned = set(Case.objects.filter(assignee=operator).values_list("pk", flat=True))
    assert assigned == {first.pk, second.pk}


# --- 4. Screenshots -----------------------------------------------------------------------

def _busy_case(operator):
    filer = UserFactory(email="aki.hoshino@studio-hoshizora.example",
                        display_name="Hoshino Aki")
    url = "https://dreamreel.example/v/abc123"
    case = file_case(
        filer=filer,
        title="Video reproduces our character Hoshino Aki, face, hair and costume",
        works=[WorkData(title="Hoshizora Quest", kind="anime",
                        rights_holder="Studio Hoshizora"),
               WorkData(title="Hoshizora Quest: the manga, volume 1", kind="manga",
                        identifier="ISBN978-4-00-000000-0")],
        locations=[LocationData(url=url),
                   LocationData(url="gen_01HZX7Q3K9V8M2N4P6R8T0W2Y4")],
        uploads=[png_upload("frame-0412-very-long-file-name-from-the-video-export.png")],
    )
    # Two other filers name the same output: related cases.
    file_case(title="Same DreamReel clip copies the opening")
    file_case(title="Hoshino Aki again, different prompt")
    message_post(case=case, author=filer, body="It starts at 0:12 and runs to 0:20.")
    message_post(case=case, author=operator,
                 body="Thank you. We are comparing the frames with the anime now.")
    message_post(case=case, author=operator, visibility=Message.Visibility.INTERNAL,
                 body="Legal: clear case. Block the prompt as well as removing the video.")
    case.refresh_from_db()
    return case


def test_screenshots_of_the_desk(new_page, live_server, transactional_db, artifacts_dir,
                                 operator):
    # Open cases: the queue opens on them (finished ones are behind its status filter).
    call_command("seed_bench", cases=30, open_only=True, stdout=io.StringIO())
    case = _busy_case(operator)
    make_due(file_case(title="Background music copied", ai_product="Hikari Motion",
                       works=[WorkData(title="Kaze no Uta", kind="music")],
                       locations=[LocationData(url="https://hikari.example/m/77")]),
             timedelta(hours=3))
    canned_responses()

    page = new_page(viewport={"width": WIDE, "height": 900})
    log_in(page, operator.email)
    page.goto(QUEUE)
    expect(queue_rows(page).first).to_be_visible()
    assert queue_rows(page).count() >= 30
    page.screenshot(path=str(artifacts_dir / f"desk-queue-{WIDE}.png"), full_page=True)

    page.set_viewport_size({"width": NARROW, "height": 900})
    page.goto(QUEUE)
    expect(queue_rows(page).first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"desk-queue-{NARROW}.png"), full_page=True)

    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto(f"{QUEUE}{case.pk}/change/")
    expect(page.get_by_role("region", name="Thread", exact=True)
           .locator(".desk-message")).to_have_count(3)
    expect(page.locator("img.desk-thumb")).to_be_visible()
    related = page.get_by_role("heading", name="Related cases", exact=True).locator("..")
    expect(related.locator('input[name="duplicate"]')).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / f"desk-case-{WIDE}.png"), full_page=True)
