import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.support.login import logs_in

# seed_demo's logins and demo clock: tests/complaints/devtools/test_seed_demo.py.

pytestmark = pytest.mark.django_db


def signup(client, on_commit, **overrides):
    data = {"display_name": "Aki Hoshino", "email": "Aki@Studio.example",
            "password": "a-long-enough-passphrase", "language": "en",
            "time_zone": "Asia/Tokyo", **overrides}
    with on_commit():
        return client.post(reverse("accounts:signup"), data)


def link_in(message):
    return re.search(r"http://[^\s\"<]+", message.body).group(0)


def test_signup_verify_then_logged_in(client, on_commit):
    response = signup(client, on_commit)
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get(email="aki@studio.example")
    assert not user.is_active and not user.email_verified
    assert user.password.startswith("md5$")  # the test hasher; production is Argon2

    # An unverified account is told so at login (and gets a fresh link), not "wrong password".
    with on_commit():
        response = client.post(reverse("accounts:login"),
                               {"username": "aki@studio.example",
                                "password": "a-long-enough-passphrase"})
    assert "confirm your e-mail address" in response.content.decode()
    assert len(mail.outbox) == 1  # not a second link within the hour

    path = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    response = client.get(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_verified
    assert client.get(reverse("complaints:case_list")).status_code == 200
    # A used link does not work twice.
    client.logout()
    assert client.get(path).status_code == 400


def test_signup_with_a_taken_email_keeps_the_other_fields(client, creator, on_commit):
    response = signup(client, on_commit, email=creator.email.upper())
    html = response.content.decode()
    assert response.status_code == 400
    assert "exists already" in html
    assert "Aki Hoshino" in html
    assert len(mail.outbox) == 0


def test_password_reset_goes_through_the_outbox(client, creator, on_commit):
    with on_commit():
        client.post(reverse("accounts:password_reset"), {"email": creator.email})
    assert len(mail.outbox) == 1
    path = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(response.redirect_chain[-1][0],
                           {"new_password1": "brand-new-passphrase-42",
                            "new_password2": "brand-new-passphrase-42"})
    assert response.status_code == 302
    assert logs_in(client, creator.email, "brand-new-passphrase-42")


def test_production_hashes_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_language_switch_is_remembered(client, creator):
    client.force_login(creator)
    client.post(reverse("accounts:language_set"), {"language": "ja", "next": "/cases/"})
    creator.refresh_from_db()
    assert creator.language == "ja"
    assert client.get(reverse("complaints:case_list"))["Content-Language"] == "ja"


def test_password_change(client, creator):
    client.force_login(creator)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": "pw-for-tests-1",
                            "new_password1": "another-long-passphrase-7",
                            "new_password2": "another-long-passphrase-7"})
    assert response.status_code == 302
    client.logout()
    assert logs_in(client, creator.email, "another-long-passphrase-7")


def test_logout_is_a_post(client, creator):
    client.force_login(creator)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("complaints:case_list")).status_code == 302


def test_signup_from_an_invitation_link_returns_to_it(client, on_commit):
    with on_commit():
        client.post(reverse("accounts:signup") + "?next=/accounts/organisations/",
                    {"display_name": "Aki", "email": "aki@studio.example",
                     "password": "a-long-enough-passphrase", "language": "en",
                     "time_zone": "Asia/Tokyo", "next": "/accounts/organisations/"})
    path = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    assert "next=%2Faccounts%2Forganisations%2F" in path
    assert client.get(path)["Location"] == "/accounts/organisations/"


def test_signup_ignores_a_next_that_leaves_the_site(client, on_commit):
    with on_commit():
        client.post(reverse("accounts:signup"),
                    {"display_name": "Aki", "email": "aki@studio.example",
                     "password": "a-long-enough-passphrase", "language": "en",
                     "time_zone": "Asia/Tokyo", "next": "https://evil.example/"})
    path = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    assert "next" not in path
    assert client.get(path)["Location"] == reverse("complaints:case_list")


def test_a_password_needs_twelve_characters(client, on_commit):
    response = signup(client, on_commit, password="kx9-pq2-zw7")  # 11 characters
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(email="aki@studio.example").exists()
    signup(client, on_commit, password="kx9-pq2-zw7m")
    assert User.objects.filter(email="aki@studio.example").exists()
