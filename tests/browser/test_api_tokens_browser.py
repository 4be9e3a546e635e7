"""A filing agent makes an API token in the portal, uses it, and revokes it."""
import pytest
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from tests.browser.helpers import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def test_make_use_and_revoke_a_token(page: Page, live_server, transactional_db,
                                     artifacts_dir):
    UserFactory(email="agent@example.com", display_name="Taro Suzuki")
    log_in(page, "agent@example.com")
    page.goto("/accounts/preferences/")
    page.get_by_role("link", name="API tokens (for filing from your own programs)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    page.get_by_label("Name of the new token", exact=True).fill("filing script")
    page.get_by_role("button", name="Make the token", exact=True).click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("kotae_")
    expect(page.get_by_role("status")).to_contain_text("shown only this once")
    page.screenshot(path=str(artifacts_dir / "api-tokens.png"), full_page=True)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/cases/").status_code == 200
    page.reload()  # a reload shows the token no more, and its last use
    expect(page.locator("#new-token")).to_have_count(0)
    row = page.get_by_role("row", name="filing script")
    expect(row).not_to_contain_text("Never")

    row.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("was revoked")
    assert client.get("/api/v1/cases/").status_code == 401


def test_the_api_docs_render_without_reaching_the_internet(page: Page, live_server,
                                                           transactional_db):
    """The docs' scripts come from Kotae itself (a CDN is unreachable offline)."""
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) else None)
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="Kotae API")).to_be_visible()
    expect(page.get_by_text("File up to 500 cases at once")).to_be_visible()
    assert outside == []


def test_a_token_without_a_name_is_refused_with_a_message(page: Page, live_server,
                                                          transactional_db):
    UserFactory(email="agent@example.com")
    log_in(page, "agent@example.com")
    page.goto("/accounts/api-tokens/")
    page.get_by_role("button", name="Make the token", exact=True).click()
    expect(page.locator("#main")).to_contain_text("This field is required.")
    expect(page.locator("#new-token")).to_have_count(0)
