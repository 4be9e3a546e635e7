"""Every main page works under the Content-Security-Policy in Chromium: the portal (home,
log-in, a filing form with its "add another" rows, the case page), the desk (queue, case
page with its canned responses, the decision's review, health, figures, register), the API
docs (operations rendered, not a blank page) and the transparency report. A violation on
any of them fails the test: each page collects `securitypolicyviolation` events from its
start (an init script), and the console is watched for "Content Security Policy".
Screenshots of the docs and of a desk case page go to /tmp/pt-csp/ for a person to judge.
"""
import io
import logging
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from complaints.models import CannedResponse
from tests.browser.helpers import en, log_in
from tests.browser.test_portal_browser import fill_complaint, send
from tests.factories import file_case, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

SHOTS = Path("/tmp/pt-csp")
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
                     e.sample].join(" "));
});
"""


class Watch:
    """Violations seen by the pages of one browser context, checked page by page."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(WATCH)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # the event is queued as a task: let it run
        seen = self.page.evaluate("window.__csp || []")
        return [*seen, *self.console]

    def check(self, where: str) -> None:
        found = self.violations()
        assert not found, f"{where} ({self.page.url}): {found}"

    def visit(self, path: str) -> None:
        self.page.goto(path)
        self.check(path)


@pytest.fixture
def watched(page):
    return Watch(page)


def test_the_watch_sees_a_violation_and_the_report_reaches_the_server(
        watched, live_server, transactional_db, caplog, monkeypatch):
    """The watch cannot pass for want of looking: an inline script added to a page is
    refused, seen by both listeners, and reported to /csp-report/."""
    # (Enabled again should a test before this one have configured logging anew.)
    monkeypatch.setattr(logging.getLogger("kotae.csp"), "disabled", False)
    caplog.set_level(logging.WARNING, logger="kotae.csp")
    watched.visit("/")
    ran = watched.page.evaluate("""() => {
      const s = document.createElement("script");
      s.textContent = "window.__ran = true";
      document.body.appendChild(s);
      return window.__ran === true;
    }""")
    assert not ran
    found = watched.violations()
    assert any(v.startswith("script-src-elem inline") for v in found), found
    assert any("Content Security Policy" in v for v in found), found
    for _ in range(50):  # the report is posted in the background: wait, bounded
        if any("csp violation" in r.getMessage() for r in caplog.records):
            break
        watched.page.wait_for_timeout(100)
    [line] = [r.getMessage() for r in caplog.records if "csp violation" in r.getMessage()]
    assert '"directive": "script-src-elem"' in line and '"blocked": "inline"' in line


def test_portal_pages(watched, live_server, transactional_db, creator):
    page = watched.page
    watched.visit("/")
    watched.visit("/cases/new/")
    watched.visit("/transparency/")
    log_in(page, creator.email)
    watched.check("log-in and my cases")

    page.goto("/cases/new/output-complaint/")
    # Rows added and removed by filing.js: no page load, no violation.
    fill_complaint(page, en, title="Video copies our character",
                   works=[("Hoshizora Quest", "anime"), ("Hoshizora Art Book", "illustration")],
                   locations=["https://dreamreel.example/v/1", "https://dreamreel.example/v/2",
                              "https://dreamreel.example/v/3"],
                   signature="Hanako Yamada")
    page.get_by_role("button", name="Remove Output 3", exact=True).click()
    expect(page.get_by_role("group", name="Output 3", exact=True)).to_be_hidden()
    watched.check("filing form")
    reference = send(page, en)
    watched.check("receipt")
    watched.visit(f"/cases/{reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Video copies our character")
    for path in ("/cases/", "/accounts/preferences/", "/accounts/api-tokens/",
                 "/accounts/organisations/"):
        watched.visit(path)


def test_transparency_report(watched, live_server, transactional_db):
    call_command("seed_transparency_demo", allow_production=True, stdout=io.StringIO())
    watched.visit("/transparency/")
    expect(watched.page.get_by_role("img", name="Cases received per month")).to_be_visible()
    watched.page.get_by_text("The figures as a table").first.click()
    watched.check("transparency, table opened")


def test_desk_pages(watched, live_server, transactional_db, creator):
    supervisor = staff_user(role="supervisor")
    case = file_case(filer=creator, title="Video copies Hoshino Aki")
    CannedResponse.objects.create(name="Acknowledge", language="en",
                                  body="Thank you, {filer_name}: we are on {reference}.")
    page = watched.page
    log_in(page, supervisor.email)
    watched.visit("/admin/")
    # The start page's rules moved from style="" attributes into desk.css.
    expect(page.locator("#figures-module .help").first).to_have_css("margin-top", "4px")
    watched.visit("/admin/complaints/case/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody input.action-select").check()  # admin's actions.js
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    watched.check("queue, a row selected")
    watched.visit(f"/admin/complaints/case/{case.pk}/change/")
    # desk.js: choosing a canned response fills the message box.
    page.get_by_label(re.compile(r"^Canned response")).select_option(label="Acknowledge")
    expect(page.get_by_label("Message", exact=True)).to_have_value(
        f"Thank you, {creator.display_name}: we are on {case.reference}.")
    watched.check("canned response")
    # The assignee's autocomplete (Django's admin, Select2): styles set from script.
    page.locator(".field-assignee .select2-selection").click()
    page.locator(".select2-search__field").fill(supervisor.display_name)
    page.locator(".select2-results__option", has_text=supervisor.display_name).click()
    expect(page.locator(".field-assignee .select2-selection__rendered")).to_contain_text(
        supervisor.display_name)
    watched.check("assignee autocomplete")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-case.png"), full_page=True)

    decision = page.locator("#desk-decision-form")
    decision.get_by_label("Outcome", exact=True).select_option("upheld")
    decision.get_by_label("Output removed", exact=True).check()
    decision.get_by_label("Facts relied on", exact=True).fill("Frames 0:12-0:20 match.")
    decision.get_by_label("Ground (law or policy)", exact=True).fill("Copyright Act, Art. 21.")
    decision.get_by_role("button", name="Review the decision", exact=True).click()
    expect(page.get_by_role("heading", name="The e-mail to the filer")).to_be_visible()
    watched.check("decision review")

    for path in ("/admin/health/", "/admin/quality/", "/admin/complaints/registerentry/",
                 "/admin/complaints/case/?deadline=overdue", "/admin/accounts/user/"):
        watched.visit(path)
        if path == "/admin/quality/":  # its rules moved from a <style> into desk.css
            expect(page.locator("form.quality-filter")).to_have_css("display", "flex")
            page.screenshot(path=str(SHOTS / "admin-quality.png"), full_page=True)


def test_api_docs_render_their_operations(watched, live_server, transactional_db):
    page = watched.page
    watched.page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kotae API")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=False)
    # Open one operation: its parameters, bodies and schemas render too.
    page.locator(".opblock-summary-path", has_text="/api/v1/cases/").first.click()
    expect(page.locator(".opblock.is-open")).to_have_count(1)
    expect(page.locator(".opblock.is-open .responses-wrapper")).to_be_visible()
    # "Try it out" calls the API from the page (connect-src 'self'): signed out, a 401.
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".opblock.is-open .live-responses-table tbody .response-col_status")
           .first).to_contain_text("401")
    watched.check("API docs")
    page.screenshot(path=str(SHOTS / "api-docs-tried.png"), full_page=False)
