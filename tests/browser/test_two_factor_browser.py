"""Staff two-factor in a real browser: an operator without a device logs in at the admin,
sets up the app from the key shown on the page, sees the recovery codes once and reaches
the queue; logs out, logs in again, types a wrong code, is told, then the app's code.
Screenshots under /tmp/pt-otp/ and test-artifacts/ for a person to judge."""
import re
import time
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, second_factor_pass
from tests.support.two_factor import totp_code, totp_code_from_secret

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

QUEUE = "/admin/complaints/case/"
SHOTS = Path("/tmp/pt-otp")


def test_an_operator_enrols_then_logs_in_with_the_app(page, transactional_db, operator,
                                                      artifacts_dir):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(QUEUE)  # the admin's own login page
    page.locator("#id_username").fill(operator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/\?next=%2Fadmin"))
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    for shot in (SHOTS / "two-factor-enrol.png", artifacts_dir / "two-factor-enrol.png"):
        page.screenshot(path=str(shot), full_page=True)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("6-digit code", exact=True).fill(totp_code_from_secret(secret))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.screenshot(path=str(SHOTS / "two-factor-recovery-codes.png"), full_page=True)
    page.get_by_role("link", name="I have kept them. Continue").click()
    expect(page).to_have_url(re.compile(rf"{QUEUE}$"))
    expect(page.locator("#changelist")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.goto(f"/accounts/login/?next={QUEUE}")
    page.get_by_label("E-mail address", exact=True).fill(operator.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    device = TOTPDevice.objects.get(user=operator, confirmed=True)
    right = totp_code(device)
    page.get_by_label("Code", exact=True).fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.get_by_text("That code is not right, or it was used already.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "two-factor-wrong-code.png"), full_page=True)
    time.sleep(1.2)  # django-otp's throttle: a second after one wrong code, as a person types
    second_factor_pass(page, device)
    expect(page).to_have_url(re.compile(rf"{QUEUE}$"))
    expect(page.locator("#changelist")).to_be_visible()
