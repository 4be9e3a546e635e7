"""Staff two-factor, as a staff member meets it: no admin page before the second factor,
enrolment with the app, recovery codes shown once and good once, wrong codes told, and
throttled. Creators never meet it."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.urls import URLResolver
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.support.login import logs_in
from tests.support.two_factor import totp_code, totp_code_from_secret, totp_device_enrolled

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # the factories'
ENROL = "/accounts/two-factor/enrol/"
VERIFY = "/accounts/two-factor/verify/"
CODES = "/accounts/two-factor/recovery-codes/"


def admin_paths(user_pk: int) -> list[str]:
    """Every page of the admin site (each model's list, add, change, history, delete, the
    desk's own screens, /admin/health/, /admin/quality/), ids filled with a real one."""
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    paths = []
    for route in walk(admin.site.get_urls()):
        if route.startswith("^(?P<app_label>"):
            paths += [f"/admin/{label}/" for label in ("auth", "accounts", "complaints")]
        elif route not in ("(?P<url>.*)$", "login/"):
            paths.append("/admin/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: (
                "confirm" if m.group(1) == "step" else str(user_pk)), route))
    return paths


@pytest.fixture
def no_throttle(settings):
    """For tests that type a wrong code and then the right one at once (throttling has a
    test of its own): django-otp would otherwise ask for a second's wait in between."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def password_login(client, user) -> None:
    assert logs_in(client, user.email, PASSWORD)  # the form, not force_login


def enrol(client, next_url: str = "/admin/") -> list[str]:
    """Through the enrolment page as a person would: read the key, type the app's code."""
    page = client.get(ENROL, {"next": next_url}).content.decode()
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    response = client.post(ENROL, {"code": totp_code_from_secret(secret), "next": next_url})
    assert response.status_code == 302 and response["Location"].startswith(CODES)
    page = client.get(response["Location"]).content.decode()
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)


def test_staff_without_a_device_open_no_admin_page_and_are_sent_to_enrol(client, operator):
    password_login(client, operator)
    paths = admin_paths(operator.pk)
    assert "/admin/health/" in paths and "/admin/quality/" in paths
    assert "/admin/complaints/case/" in paths and len(paths) > 70
    for path in paths:
        response = client.get(path, follow=True)
        assert response.redirect_chain, path
        last = urlsplit(response.redirect_chain[-1][0])
        assert last.path == ENROL, (path, response.redirect_chain)
        assert "Set up two-factor authentication" in response.content.decode()


def test_the_admins_own_login_page_leads_on_to_the_second_step(client, operator):
    response = client.post("/admin/login/?next=/admin/complaints/case/",
                           {"username": operator.email, "password": PASSWORD,
                            "next": "/admin/complaints/case/"})
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.get(response["Location"])  # no device yet: enrolment, same `next`
    assert response["Location"].startswith(ENROL)
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["/admin/complaints/case/"]
    # Logged in but not verified: the admin's login page sends on, not "not authorised".
    page = client.get("/admin/login/?next=/admin/", follow=True)
    assert urlsplit(page.redirect_chain[-1][0]).path == ENROL
    assert "not authorized" not in page.content.decode()


def test_the_portal_login_leads_staff_to_the_second_step_and_creators_to_their_cases(
        client, operator, creator):
    response = client.post("/accounts/login/", {"username": operator.email,
                                                "password": PASSWORD})
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2F"
    client.logout()
    response = client.post("/accounts/login/", {"username": creator.email,
                                                "password": PASSWORD})
    assert response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    for path in (ENROL, VERIFY, CODES, "/accounts/two-factor/"):
        assert client.get(path).status_code == 404  # creators have no second step
    assert not TOTPDevice.objects.exists()


def test_enrolment_a_wrong_code_loses_nothing_then_the_right_one_opens_the_admin(
        client, operator, no_throttle):
    password_login(client, operator)
    first = client.get(ENROL, {"next": "/admin/complaints/case/"}).content.decode()
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', first).group(1)
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", secret)  # 160 bits, in groups of 4
    assert "<svg" in first and "data:" not in first and "<script" not in first
    assert "any app for time-based codes (TOTP) works" in first.replace("Any", "any")

    right = totp_code_from_secret(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong, "next": "/admin/complaints/case/"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "That code did not match." in page
    assert secret in page  # the same key: what was scanned still holds
    assert client.get("/admin/").status_code == 302

    response = client.post(ENROL, {"code": right, "next": "/admin/complaints/case/"})
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2Fcomplaints%2Fcase%2F"
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(set(codes)) == 10
    assert "shown only this once" in page and 'href="/admin/complaints/case/"' in page
    assert client.get("/admin/complaints/case/").status_code == 200
    # Shown once: a second look shows none of them.
    again = client.get(CODES).content.decode()
    assert not any(code in again for code in codes)
    assert "were shown once" in again
    # And enrolment is closed now that a device exists.
    assert client.get(ENROL)["Location"].startswith(VERIFY)


def test_a_password_alone_cannot_enrol_a_second_device(client, operator):
    device = totp_device_enrolled(operator)
    password_login(client, operator)
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    client.post(ENROL, {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=operator)) == [device]


def test_verification_a_wrong_code_is_told_the_right_one_opens(client, operator, no_throttle):
    device = totp_device_enrolled(operator)
    password_login(client, operator)
    response = client.get("/admin/complaints/case/", follow=True)
    assert urlsplit(response.redirect_chain[-1][0]).path == VERIFY
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong, "next": "/admin/complaints/case/"})
    assert response.status_code == 400
    assert "That code is not right, or it was used already." in response.content.decode()
    assert client.get("/admin/complaints/case/").status_code == 302
    response = client.post(VERIFY, {"code": right, "next": "/admin/complaints/case/"})
    assert response["Location"] == "/admin/complaints/case/"
    assert client.get("/admin/complaints/case/").status_code == 200


def test_a_code_one_step_late_is_accepted_two_steps_late_is_not(client, operator, no_throttle):
    device = totp_device_enrolled(operator)
    password_login(client, operator)
    response = client.post(VERIFY, {"code": totp_code(device, steps=-2)})
    assert response.status_code == 400
    response = client.post(VERIFY, {"code": totp_code(device, steps=-1)})
    assert response.status_code == 302


def test_a_code_is_good_once(client, operator):
    device = totp_device_enrolled(operator)
    code = totp_code(device, steps=1)
    password_login(client, operator)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    password_login(client, operator)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "it was used already" in response.content.decode()


def test_wrong_codes_in_a_row_are_throttled_with_a_clear_message(client, operator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first miss, to be sure
    device = totp_device_enrolled(operator)
    password_login(client, operator)
    right = totp_code(device)
    client.post(VERIFY, {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    response = client.post(VERIFY, {"code": right})  # right, but too soon after a miss
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"Too many wrong codes\. Wait (59|60) seconds, then try again\.", page)
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(client, operator):
    password_login(client, operator)
    codes = enrol(client)
    client.logout()

    password_login(client, operator)
    assert client.get("/admin/").status_code == 302
    response = client.post(VERIFY, {"code": codes[3].upper().replace("-", " "),
                                    "next": "/admin/health/"})
    assert response["Location"] == "/admin/health/"
    assert client.get("/admin/health/").status_code == 200
    assert StaticToken.objects.filter(device__user=operator).count() == 9
    client.logout()

    password_login(client, operator)
    response = client.post(VERIFY, {"code": codes[3]})
    assert response.status_code == 400
    assert "That code is not right, or it was used already." in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_new_recovery_codes_replace_the_old(client, operator, no_throttle):
    password_login(client, operator)
    old = enrol(client)
    manage = client.get("/accounts/two-factor/").content.decode()
    assert "You have 10 recovery codes left." in manage
    response = client.post("/accounts/two-factor/recovery-codes/new/")
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert client.get("/admin/").status_code == 200  # still verified
    client.logout()
    password_login(client, operator)
    assert client.post(VERIFY, {"code": old[0]}).status_code == 400
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


def test_new_recovery_codes_need_the_second_factor_first(client, operator):
    totp_device_enrolled(operator)
    password_login(client, operator)
    response = client.post("/accounts/two-factor/recovery-codes/new/")
    assert response["Location"].startswith(VERIFY)
    assert not StaticToken.objects.exists()
    assert client.get("/accounts/two-factor/")["Location"].startswith(VERIFY)


def test_the_japanese_pages(client, operator):
    operator.language = "ja"
    operator.save(update_fields=["language"])
    password_login(client, operator)
    page = client.get(ENROL).content.decode()
    assert "二要素認証の設定" in page and "認証アプリ" in page
    totp_device_enrolled(operator)
    TOTPDevice.objects.filter(user=operator, confirmed=False).delete()
    response = client.post(VERIFY, {"code": "000000x"})
    assert "コードが正しくないか、すでに使用されています。" in response.content.decode()
