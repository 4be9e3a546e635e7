"""Every signed-in request reads its session and its user. Kotae's session store and user
backend (accounts/sessions.py, accounts/backends.py) write those reads once, not through
the ORM each time, and must find exactly what Django's own store and ModelBackend find."""
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import UserBackend
from accounts.models import User
from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(data: dict, *, expiry: int = 3600) -> str:
    store = DjangoStore()
    store.update(data)
    store.set_expiry(expiry)
    store.save()
    return store.session_key


def test_the_settings_use_them():
    assert settings.SESSION_ENGINE == "accounts.sessions"
    assert "accounts.backends.UserBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS


def test_a_live_session_reads_as_djangos_store_reads_it_in_one_query():
    key = _saved({"greeting": "こんにちは", "n": 3})
    with CaptureQueriesContext(connection) as queries:
        data = SessionStore(key).load()
    assert data == DjangoStore(key).load() == {"greeting": "こんにちは", "n": 3,
                                               "_session_expiry": 3600}
    assert len(queries) == 1


@pytest.mark.parametrize("key", ["", "short", "x" * 32, "nosuchsessionkeyatallinthetable"])
def test_a_missing_or_malformed_key_reads_as_nothing_and_a_save_makes_a_new_one(key):
    _saved({"someone": "else"})
    mine, djangos = SessionStore(key or None), DjangoStore(key or None)
    assert mine.load() == djangos.load() == {}
    assert mine.session_key is None and djangos.session_key is None
    mine["fresh"] = True
    mine.save()
    assert mine.session_key not in (None, key)
    assert SessionStore(mine.session_key).load() == {"fresh": True}


def test_an_expired_session_reads_as_nothing():
    key = _saved({"old": True}, expiry=60)
    later = timezone.now() + timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", lambda: later):
        assert SessionStore(key).load() == DjangoStore(key).load() == {}
    assert SessionStore(key).load()["old"] is True  # before then it was there


def test_a_signed_in_user_is_read_as_modelbackend_reads_them(operator):
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(operator.pk)
    assert len(queries) == 1
    djangos = ModelBackend().get_user(operator.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    assert ([getattr(user, name) for name in fields]
            == [getattr(djangos, name) for name in fields])
    assert user.get_session_auth_hash() == djangos.get_session_auth_hash()
    assert user.is_staff and user.has_perm("complaints.view_case")


def test_no_user_for_a_deactivated_account_a_missing_id_or_a_bad_one(operator):
    assert UserBackend().get_user(operator.pk + 1000) is None
    assert UserBackend().get_user("not a number") is None
    assert UserBackend().get_user(10**30) is None  # beyond a 64-bit id: no one, no error
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert UserBackend().get_user(operator.pk) is None
    assert ModelBackend().get_user(operator.pk) is None


def test_a_signed_in_operator_keeps_the_desk_and_logging_out_ends_it(client, operator):
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(key).load()["_auth_user_id"] == str(operator.pk)
    client.post("/accounts/logout/")
    assert SessionStore(key).load() == {}
    assert client.get("/admin/").status_code == 302
