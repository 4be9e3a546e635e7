"""Login throttling (README "Login throttling"): wrong passwords pause one account from
one address for a while, on the portal and in the admin, with a page that says so; nobody
can lock a known user out, and the pause ends by itself."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory, staff_user
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # the factories' password
ATTACKER = "198.51.100.7"
ELSEWHERE = "203.0.113.20"
PORTAL = "accounts:login"
ADMIN = "admin:login"


def attempt(client, email, password, *, where=PORTAL, ip=ATTACKER, **headers):
    return client.post(reverse(where), {"username": email, "password": password},
                       REMOTE_ADDR=ip, **headers)


def wrong_passwords(client, email, *, where=PORTAL, ip=ATTACKER, times=None):
    times = settings.AXES_FAILURE_LIMIT if times is None else times
    return [attempt(client, email, f"wrong-{n}", where=where, ip=ip).status_code
            for n in range(times)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_paused_page(response, email):
    assert response.status_code == 429
    text = " ".join(text_of(response.content.decode()).split())
    assert "Logging in is paused" in text
    assert f"Too many wrong passwords were tried for {email} from your network address" in text
    assert "paused for 15 minutes" in text
    assert "You can try again after" in text and "JST" in text
    assert reverse("accounts:password_reset") in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 15 * 60


@pytest.mark.parametrize("where", [PORTAL, ADMIN])
def test_wrong_passwords_pause_that_account_from_that_address(client, where):
    user = staff_user(email="olivia@kotae.example")
    codes = wrong_passwords(client, user.email, where=where)
    assert codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert codes[-1] == 429

    response = attempt(client, user.email, PASSWORD, where=where)  # the right one, too late

    assert_paused_page(response, user.email)
    assert not logged_in(client)
    if where == ADMIN:  # in the admin's look
        assert 'id="site-name"' in response.content.decode()
    else:
        assert 'class="brand"' in response.content.decode()


@pytest.mark.parametrize("where", [PORTAL, ADMIN])
def test_nobody_can_lock_a_known_user_out(client, where):
    user = staff_user(email="olivia@kotae.example")
    wrong_passwords(client, user.email, where=where)
    assert attempt(client, user.email, PASSWORD, where=where).status_code == 429

    response = attempt(client, user.email, PASSWORD, where=where, ip=ELSEWHERE)

    assert response.status_code == 302 and logged_in(client)


def test_another_spelling_of_the_address_is_the_same_count(client):
    user = UserFactory(email="hanako@example.com")
    wrong_passwords(client, "hanako@example.com", times=settings.AXES_FAILURE_LIMIT - 1)

    response = attempt(client, " Hanako@Example.COM", "wrong-again")

    assert response.status_code == 429
    assert attempt(client, user.email, PASSWORD).status_code == 429


def test_a_forged_forwarded_for_header_is_not_another_address(client):
    user = UserFactory(email="hanako@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert attempt(client, user.email, PASSWORD,
                   HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_the_proxy_each_client_is_its_own_address(client, settings):
    settings.KOTAE_PROXY_COUNT = 1
    user = UserFactory(email="hanako@example.com")
    proxy = "10.0.0.1"
    for _ in range(settings.AXES_FAILURE_LIMIT):  # whatever the client puts before it
        attempt(client, user.email, "wrong", ip=proxy,
                HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")
    assert attempt(client, user.email, PASSWORD, ip=proxy,
                   HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    response = attempt(client, user.email, PASSWORD, ip=proxy,
                       HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {ELSEWHERE}")
    assert response.status_code == 302 and logged_in(client)


def test_the_pause_ends_by_itself(client):
    user = UserFactory(email="hanako@example.com")
    wrong_passwords(client, user.email)
    # Tries during the pause do not lengthen it.
    assert attempt(client, user.email, "still-wrong").status_code == 429
    # Sixteen minutes later:
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - timedelta(minutes=16))

    response = attempt(client, user.email, PASSWORD)

    assert response.status_code == 302 and logged_in(client)


def test_a_right_password_starts_the_count_again(client):
    user = UserFactory(email="hanako@example.com")
    below = settings.AXES_FAILURE_LIMIT - 1
    wrong_passwords(client, user.email, times=below)
    assert attempt(client, user.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    # Counted from nothing again: the pause comes at the limit, not sooner.
    assert wrong_passwords(client, user.email) == [200] * below + [429]


def test_an_unconfirmed_account_is_counted_too(client):
    """Its password is checked outside authenticate() (tests/accounts/test_login.py)."""
    UserFactory(email="new@example.com", is_active=False, email_verified=False)
    codes = wrong_passwords(client, "new@example.com")
    assert codes[-1] == 429
    response = attempt(client, "new@example.com", PASSWORD)
    assert response.status_code == 429
    assert "confirm your e-mail address" not in response.content.decode()


def test_an_address_without_an_account_is_paused_alike(client):
    """The page does not tell whether the address has an account."""
    codes = wrong_passwords(client, "nobody@example.com")
    assert codes[-1] == 429
    assert_paused_page(attempt(client, "nobody@example.com", PASSWORD), "nobody@example.com")


@pytest.mark.parametrize("where", [PORTAL, ADMIN])
def test_the_paused_page_in_japanese(client, where):
    wrong_passwords(client, "hanako@example.com", where=where)

    response = attempt(client, "hanako@example.com", PASSWORD, where=where,
                       HTTP_ACCEPT_LANGUAGE="ja")

    text = " ".join(text_of(response.content.decode()).split())
    assert response.status_code == 429
    assert "ログインを一時停止しています" in text
    assert "パスワードの再設定" in text
    assert "年" in text and "JST" in text and "Logging in" not in text


def test_a_new_address_in_the_same_ipv6_64_is_the_same_count(client):
    """One subscriber holds a whole /64: a fresh address from it is no fresh count (a
    review found 2^64 x 5 guesses open to one IPv6 client)."""
    user = staff_user(email="olivia@kotae.example")
    codes = [attempt(client, user.email, f"wrong-{n}", ip=f"2001:db8:7:7::{n + 1:x}").status_code
             for n in range(settings.AXES_FAILURE_LIMIT)]
    assert codes[-1] == 429
    response = attempt(client, user.email, PASSWORD, ip="2001:db8:7:7:abcd::1")
    assert response.status_code == 429 and not logged_in(client)
    assert attempt(client, user.email, PASSWORD, ip="2001:db8:7:8::1").status_code == 302
