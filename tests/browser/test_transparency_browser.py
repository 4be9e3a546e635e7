"""The public transparency report in a real browser, logged out, over the demo history:
charts and tables on screen, the downloads, Japanese, and screenshots at desktop and
phone width."""
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.helpers import ja

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

KINDS = ["Output complaints", "Training objections", "Inquiries", "Appeals"]


def test_a_visitor_reads_the_report(page: Page, live_server, transactional_db, artifacts_dir):
    call_command("seed_transparency_demo", allow_production=True, stdout=io.StringIO())

    page.goto("/")
    page.get_by_role("link", name="Transparency report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How we answer rights holders, in figures")

    received = page.get_by_role("img", name="Cases received per month")
    expect(received).to_be_visible()
    # A year of months, each labelled; a bar for every month with cases in it (in the
    # first hours of a month, Tokyo time, the current month has none yet: no bar).
    expect(received.locator("text.month")).to_have_count(12)
    values = received.locator("text.value").all_text_contents()
    with_cases = sum(1 for v in values if v.replace(",", "").isdigit() and int(
        v.replace(",", "")) > 0)
    assert with_cases >= 11
    expect(received.locator("rect.bar")).to_have_count(with_cases)
    on_time = page.get_by_role("img", name="Share of decided cases decided on time, per "
                                           "month of filing")
    expect(on_time).to_be_visible()
    # A month's share shows only when its on-time and late counts are 0 or 5 or more.
    expect(on_time.locator("text.month")).to_have_count(12)
    expect(on_time.locator("circle.dot").first).to_be_visible()
    # Label and bar of a month do not overlap the next month's.
    boxes = [received.locator("text.month").nth(i).bounding_box() for i in range(12)]
    assert all(a["x"] + a["width"] < b["x"] for a, b in zip(boxes, boxes[1:], strict=False))

    for kind in KINDS:
        table = page.get_by_role("table", name=f"{kind} per quarter")
        expect(table).to_be_visible()
        expect(table.get_by_role("row", name="Received")).to_be_visible()
    withheld = page.locator(".table-scroll td.withheld")  # in the tables per kind
    expect(withheld.first).to_be_visible()
    expect(withheld.filter(has_text="fewer than 5").first).to_be_visible()

    page.get_by_text("The figures as a table").first.click()
    expect(page.get_by_role("table").filter(has_text="Cases received").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "transparency-en-1280.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV (spreadsheet)").click()
    assert download.value.suggested_filename.endswith(".csv")
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON (for programs)").click()
    assert download.value.suggested_filename.endswith(".json")

    page.set_viewport_size({"width": 390, "height": 900})
    page.reload()
    expect(page.get_by_role("img", name="Cases received per month")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "transparency-en-390.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("img", name=ja("Cases received per month"))).to_be_visible()
    expect(page.get_by_role("table", name=ja("%(kind)s per quarter").replace(
        "%(kind)s", ja("Inquiries")))).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "transparency-ja-1280.png"), full_page=True)
    with page.expect_download() as download:  # the CSV follows the page into Japanese
        page.get_by_role("link", name=ja("CSV (spreadsheet)")).click()
    with open(download.value.path(), "rb") as csv_file:
        heading = csv_file.readline().decode("utf-8")
    assert heading.startswith("\ufeff" + ja("Quarter") + ",")  # Excel needs the BOM
