"""Logging in: what each attempt costs in password hashing, and the hash it leaves behind.

A password hash is the whole cost of a login (Argon2 is about 130 ms of a 150 ms login on
the project's machine), so each attempt, whatever its outcome, computes exactly one.
"""
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, identify_hasher
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # the factories' password
# Django 5.2's Argon2PasswordHasher defaults: the floor for stored hashes.
ARGON2_DJANGO_DEFAULTS = {"time_cost": 2, "memory_cost": 102_400, "parallelism": 8}


@pytest.fixture
def hashes_computed(monkeypatch):
    """How many password hashes the active hasher computed (checks and new hashes)."""
    hasher_class = type(get_hasher())
    counter = {"n": 0, "depth": 0}
    for name in ("verify", "encode"):
        original = getattr(hasher_class, name)

        def counted(self, *args, _original=original, **kwargs):
            # Counted once: some hashers' verify() calls their encode().
            counter["n"] += counter["depth"] == 0
            counter["depth"] += 1
            try:
                return _original(self, *args, **kwargs)
            finally:
                counter["depth"] -= 1

        monkeypatch.setattr(hasher_class, name, counted)
    return counter


def log_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.mark.parametrize(
    ("account", "password", "outcome"),
    [
        ("verified", PASSWORD, "logged in"),
        ("verified", "not-the-password", "refused"),
        ("unknown", PASSWORD, "refused"),
        ("unverified", PASSWORD, "told to confirm"),
        ("unverified", "not-the-password", "refused"),
    ],
)
def test_every_login_attempt_computes_one_password_hash(
    client, on_commit, hashes_computed, account, password, outcome
):
    email = f"{account}@example.com"
    if account == "verified":
        UserFactory(email=email)
    elif account == "unverified":
        UserFactory(email=email, is_active=False, email_verified=False)
    hashes_computed["n"] = 0

    with on_commit():
        response = log_in(client, email, password)

    html = response.content.decode()
    if outcome == "logged in":
        assert response.status_code == 302
    elif outcome == "told to confirm":
        assert "confirm your e-mail address" in html
        assert [m.to for m in mail.outbox] == [[email]]  # a fresh link
    else:
        assert "enter a correct" in html.lower()
        assert "confirm your e-mail address" not in html
        assert mail.outbox == []
    # An unverified account once cost two hashes: twice the wait, and a slower answer that
    # told anyone trying a password that the address had an unconfirmed account.
    assert hashes_computed["n"] == 1


def test_argon2_hash_has_django_default_strength_and_is_kept_at_login(client, settings):
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # the test suite hashes with MD5
    user = User.objects.create_user(email="argon@example.com", password=PASSWORD,
                                    display_name="Argon", email_verified=True)
    stored = user.password
    hasher = identify_hasher(stored)
    assert isinstance(hasher, Argon2PasswordHasher)
    params = hasher.decode(stored)["params"]
    for name, floor in ARGON2_DJANGO_DEFAULTS.items():
        assert getattr(params, name) >= floor, name
    assert not hasher.must_update(stored)

    response = log_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.password == stored  # checked, not hashed again on every login
