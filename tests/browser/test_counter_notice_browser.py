"""The owner of a removed output sends a counter-notice through the link in their e-mail,
in a real browser, in Japanese and in English: one mistake first, the message and what was
typed kept, then sent, with the reference and the restore window."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.domain.counter_notices import MISTAKE_STATEMENT
from complaints.models import CounterNotice, OutputOwner
from complaints.services.decisions import decision_record
from complaints.services.owners import owner_link_token
from tests.browser.helpers import en, ja, wait_for_mail
from tests.factories import LocationData, file_case

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

A = "https://dreamreel.example/v/abc123"
ADDRESS = "1 Main St\nSpringfield, IL 62701"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_owner_sends_a_counter_notice(new_page, live_server, transactional_db, creator,
                                          operator, artifacts_dir, language):
    t = ja if language == "ja" else en
    complaint = file_case(filer=creator, locations=[LocationData(url=A)])
    complaint.law = "us_dmca"
    complaint.save(update_fields=["law"])
    owner = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-1",
                                       handle="mika_draws", email="mika@example.com",
                                       language=language)
    complaint.locations.update(owner=owner)
    decision_record(case=complaint, decided_by=operator, outcome="upheld",
                    actions=["output_removed"], facts="Frames 12-13 match.",
                    ground="17 U.S.C. § 512(c)", automated_means=False)
    url = reverse("portal:owner_counter_notice",
                  kwargs={"token": owner_link_token(owner=owner, case=complaint)})

    page = new_page(locale="ja-JP" if language == "ja" else "en-GB")
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Send a counter-notice"))
    expect(page.get_by_label(A)).to_be_checked()
    expect(page.get_by_label(t("E-mail address"), exact=True)).to_have_value(
        "mika@example.com")
    page.get_by_label(t("Full name"), exact=True).fill("Mika Tanaka")
    page.get_by_label(t("Postal address"), exact=True).fill(ADDRESS)
    page.get_by_label(str(t(str(MISTAKE_STATEMENT)))).check()
    page.get_by_label(t("I consent to the jurisdiction of a United States federal court "
                        "and will accept service of process, as follows:")).check()
    page.get_by_label(t("Signature (type your full name)"), exact=True).fill("Mika Tanaka")
    # The telephone number forgotten.
    page.get_by_role("button", name=t("Send the counter-notice")).click()
    expect(page.locator("#error-summary")).to_contain_text(t("Give a telephone number."))
    expect(page.get_by_label(t("Postal address"), exact=True)).to_have_value(ADDRESS)
    expect(page.get_by_label(t("Full name"), exact=True)).to_have_value("Mika Tanaka")
    expect(page.get_by_label(str(t(str(MISTAKE_STATEMENT))))).to_be_checked()
    page.screenshot(path=str(artifacts_dir / f"counter-notice-mistake-{language}.png"),
                    full_page=True)

    page.get_by_label(t("Telephone number"), exact=True).fill("+1 217 555 0100")
    page.get_by_role("button", name=t("Send the counter-notice")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Your counter-notice has been sent"))
    notice = CounterNotice.objects.get(complaint=complaint)
    expect(page.locator("[data-reference]")).to_have_text(notice.case.reference)
    expect(page.get_by_text(t("Restore window"))).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"counter-notice-sent-{language}.png"),
                    full_page=True)
    copy = wait_for_mail(lambda m: m.to == [creator.email] and "Mika Tanaka" in m.body)
    assert len(copy) == 1 and "+1 217 555 0100" in copy[0].body


def test_the_owner_switches_their_page_to_japanese(new_page, live_server, transactional_db,
                                                   creator, operator):
    """Every form on the owner's pages posts back to the site: the key in the address
    must not cost the browser its Origin, or Django's CSRF check refuses the post."""
    complaint = file_case(filer=creator, locations=[LocationData(url=A)])
    owner = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-1",
                                       email="mika@example.com", language="en")
    complaint.locations.update(owner=owner)
    url = reverse("portal:owner_case",
                  kwargs={"token": owner_link_token(owner=owner, case=complaint)})

    page = new_page(locale="en-GB")
    page.goto(url)
    page.get_by_role("button", name="日本語").click()

    expect(page.locator("html")).to_have_attribute("lang", "ja")
    owner.refresh_from_db()
    assert owner.language == "ja"
