"""What the browser tests share: logging in, reading the catalogue, waiting for mail."""
import re
import time

from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.support.two_factor import totp_code, totp_device_enrolled

PASSWORD = "pw-for-tests-1"


def en(text: str) -> str:
    return text


def ja(text: str) -> str:
    """The Japanese the site shows for `text` now (English while untranslated)."""
    with translation.override("ja"):
        return translation.gettext(text)


def wait_for_mail(predicate, timeout: float = 10.0) -> list:
    """E-mails are sent after commit by the live server's thread: wait for them."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mail.outbox if predicate(m)]
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no such e-mail; outbox: {[m.subject for m in mail.outbox]}")
        time.sleep(0.05)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, in whichever language the page is shown. A staff
    member passes the real second factor too: an authenticator-app device is enrolled for
    them (if they have none) and the code the app would show now is typed."""
    from accounts.models import User

    user = User.objects.filter(email=email).first()
    device = totp_device_enrolled(user) if user is not None and user.is_staff else None
    page.goto("/accounts/login/")
    t = ja if page.locator("html").get_attribute("lang") == "ja" else en
    page.get_by_label(t("E-mail address"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(password)
    page.get_by_role("button", name=t("Log in"), exact=True).click()
    if device is not None:
        second_factor_pass(page, device)
    expect(page).to_have_url(re.compile(r"/cases/$"))


def second_factor_pass(page: Page, device) -> None:
    """On the second step's page: type the code the authenticator app shows now."""
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    t = ja if page.locator("html").get_attribute("lang") == "ja" else en
    page.get_by_label(t("Code"), exact=True).fill(totp_code(device))
    page.get_by_role("button", name=t("Verify"), exact=True).click()
