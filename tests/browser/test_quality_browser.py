"""The answer-quality dashboard in a real browser: a supervisor finds it from the admin's
home page, reads the hand-counted figures, sorts a column, changes the period, and is told
plainly when the dates make no sense. Screenshots are left for a person to judge."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.complaints.admin.test_quality import ada, ben, counted  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def test_a_supervisor_reads_sorts_and_filters_the_figures(
        page, transactional_db, supervisor, counted, artifacts_dir):  # noqa: F811
    log_in(page, supervisor.email)
    page.goto("/admin/")
    page.screenshot(path=str(artifacts_dir / "quality-admin-index.png"))
    page.get_by_role("link", name="Answer quality", exact=True).click()
    expect(page.get_by_role("heading", name="Answer quality", exact=True)).to_be_visible()

    operators = page.locator("#quality-operators tbody tr")
    expect(operators).to_have_count(3)
    expect(operators.nth(0).locator("th")).to_have_text("Ada Operator")
    expect(operators.nth(0)).to_contain_text("2 of 3")  # first responses on time
    expect(page.get_by_text("Kotae has no “reopened” status", exact=False)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "quality-1280.png"), full_page=True)

    # Largest share first: Sato decided both appeals on time, Ben one of two.
    page.locator("#quality-operators").get_by_role("link", name="Decisions on time").click()
    expect(operators.nth(0).locator("th")).to_have_text("Sato")
    expect(operators.nth(2).locator("th")).to_have_text("Ben Operator")

    page.get_by_label("Period:", exact=True).select_option(label="All time")
    page.get_by_role("button", name="Show the figures").click()
    ben_row = operators.filter(has_text="Ben Operator")
    expect(ben_row.locator("td").nth(0)).to_have_text("3")  # the old inquiry counts now

    page.get_by_label("From:", exact=True).fill("2026-03-01")
    page.get_by_label("To (inclusive):", exact=True).fill("2026-02-01")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_text("The start date is after the end date.")).to_be_visible()
    expect(page.get_by_label("From:", exact=True)).to_have_value("2026-03-01")
    page.screenshot(path=str(artifacts_dir / "quality-error-1280.png"), full_page=True)
