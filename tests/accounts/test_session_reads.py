"""Every signed-in request reads its session and its user. Kotae's session store and user
backend (accounts/sessions.py, accounts/backends.py) read both in one statement written
once, and must find exactly what Django's database store and ModelBackend find."""
import importlib
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import UserBackend
from accounts.models import Session, User
from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(data: dict, *, expiry: int = 3600) -> str:
    store = SessionStore()
    store.update(data)
    store.set_expiry(expiry)
    store.save()
    return store.session_key


def test_the_settings_use_them():
    assert settings.SESSION_ENGINE == "accounts.sessions"
    assert "accounts.backends.UserBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS
    assert "accounts.middleware.AuthenticationMiddleware" in settings.MIDDLEWARE


def test_a_live_session_reads_back_what_was_saved_in_one_query():
    key = _saved({"greeting": "こんにちは", "n": 3})
    with CaptureQueriesContext(connection) as queries:
        data = SessionStore(key).load()
    assert data == {"greeting": "こんにちは", "n": 3, "_session_expiry": 3600}
    assert len(queries) == 1
    assert Session.objects.get(session_key=key).user_id is None  # no one signed in


@pytest.mark.parametrize("key", ["", "short", "x" * 32, "nosuchsessionkeyatallinthetable",
                                 "kotae:compiled-query:stand-in:0"])
def test_a_missing_or_malformed_key_reads_as_nothing_and_a_save_makes_a_new_one(key):
    _saved({"someone": "else"})
    mine, djangos = SessionStore(key or None), DjangoStore(key or None)
    assert mine.load() == djangos.load() == {}
    assert mine.session_key is None and djangos.session_key is None
    mine["fresh"] = True
    mine.save()
    assert mine.session_key not in (None, key)
    assert SessionStore(mine.session_key).load()["fresh"] is True


def test_an_expired_session_reads_as_nothing():
    key = _saved({"old": True}, expiry=60)
    later = timezone.now() + timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", lambda: later):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None
    assert SessionStore(key).load()["old"] is True  # before then it was there


def test_signing_in_names_the_user_and_one_query_reads_session_and_user(client, operator):
    client.force_login(operator)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).user_id == operator.pk
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/password_change/")  # a page that reads nothing else
    assert response.status_code == 200 and operator.display_name in response.content.decode()
    # One query in all: the session and the user joined, logged with its text (on
    # PostgreSQL a prepared statement's is kept by Kotae: psycopg keeps none).
    assert len(queries) == 1
    assert "accounts_session" in queries[0]["sql"] and "accounts_user" in queries[0]["sql"]


def test_logging_out_ends_the_session_and_deleting_a_user_deletes_theirs(client, operator):
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    assert SessionStore(key).load() == {}
    assert client.get("/admin/").status_code == 302
    client.force_login(operator)
    operator.delete()
    assert not Session.objects.exists()
    assert client.get("/admin/").status_code == 302


def test_a_session_naming_a_user_deleted_meanwhile_reads_as_signed_out(client, operator):
    client.force_login(operator)
    data = dict(client.session.items())
    User.objects.filter(pk=operator.pk).delete()  # the sessions go with the user...
    store = SessionStore()
    store.update(data)
    store.save()  # ...but a request still under way could write one naming them
    assert Session.objects.get(session_key=store.session_key).user_id == operator.pk
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert client.get("/admin/").status_code == 302


def test_a_user_is_read_as_modelbackend_reads_them(operator):
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


def test_a_deactivated_colleague_is_signed_out_at_their_next_page(client, operator):
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert client.get("/admin/").status_code == 302


def test_permissions_are_modelbackends_in_one_query(operator, supervisor, creator):
    operator.user_permissions.add(Permission.objects.get(codename="view_user"))
    extra = Group.objects.create(name="Auditors")
    extra.permissions.add(Permission.objects.get(codename="view_logentry"))
    operator.groups.add(extra)
    admin = User.objects.create_superuser(email="root@kotae.example", password="x" * 20)
    for user in (operator, supervisor, creator, admin):
        with CaptureQueriesContext(connection) as queries:
            mine = _permissions(user)
        assert len(queries) == 2  # the user, then their permissions
        assert mine == ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert {"accounts.view_user", "admin.view_logentry",
            "complaints.view_case"} <= _permissions(operator)
    assert _permissions(creator) == set()
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert _permissions(operator) == set()


def _permissions(user) -> set:
    return UserBackend().get_all_permissions(User.objects.get(pk=user.pk))


def test_the_move_keeps_every_live_session_and_its_user(operator):
    """accounts' migration 0004 copies Django's sessions to the new table: nobody is signed
    out, and a draft kept in a session is still there. Django's rows stay for workers of
    the release before; run again, the copy adds nothing; going back copies them back."""
    from django.apps import apps

    old = DjangoStore()
    old.update({"_auth_user_id": str(operator.pk), "_auth_user_backend":
                "django.contrib.auth.backends.ModelBackend", "draft": {"title": "星空"}})
    old.save()
    expired = DjangoStore()
    expired["gone"] = True
    expired.set_expiry(-10)
    expired.save()
    Session.objects.all().delete()
    migration = importlib.import_module("accounts.migrations.0004_sessions")
    for _ in range(2):
        migration.move_live_sessions(apps, connection.schema_editor())
    moved = SessionStore(old.session_key).load()
    assert moved["draft"] == {"title": "星空"}
    assert moved["_auth_user_backend"] == "accounts.backends.UserBackend"
    assert list(Session.objects.values_list("session_key", "user_id")) == [
        (old.session_key, operator.pk)]
    assert DjangoSession.objects.filter(session_key=old.session_key).exists()

    DjangoSession.objects.all().delete()
    migration.move_back(apps, connection.schema_editor())
    back = DjangoStore(old.session_key).load()
    assert back["draft"] == {"title": "星空"}
    assert back["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


def test_expired_sessions_are_cleared_from_both_tables():
    from accounts.sessions import sessions_clear_expired
    from complaints.tasks import sessions_clear_task

    live, gone = _saved({"a": 1}), _saved({"b": 2}, expiry=-10)
    legacy_gone = DjangoStore()
    legacy_gone["c"] = 3
    legacy_gone.set_expiry(-10)
    legacy_gone.save()
    assert sessions_clear_task.name in settings.KOTAE_TASK_QUEUES
    assert sessions_clear_expired() == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert not DjangoSession.objects.exists() and gone != live


def test_a_session_is_never_shown_by_its_key(client, operator, supervisor):
    """The admin lists a user's sessions before deleting the user: by when they end, never
    by the key, which is the cookie that signs them in."""
    from django.test import Client

    theirs = Client()
    theirs.force_login(operator)
    key = theirs.cookies[settings.SESSION_COOKIE_NAME].value
    admin = User.objects.create_superuser(email="root@kotae.example", password="x" * 20)
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{operator.pk}/delete/").content.decode()
    assert "Session until" in page and key not in page
    assert str(Session.objects.get(session_key=key)).startswith("Session until ")


def test_a_session_naming_one_user_in_its_column_and_another_in_its_data_is_neither(
        client, operator, supervisor):
    """The user read with the session is handed over only when it is the one the session's
    data names; Django's check of the session's hash still applies."""
    client.force_login(operator)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(user_id=supervisor.pk)
    assert UserBackend().get_user(operator.pk).pk == operator.pk
    response = client.get("/admin/password_change/")
    assert response.status_code == 200
    assert operator.display_name in response.content.decode()
    assert supervisor.display_name not in response.content.decode()


def test_a_session_saved_by_async_code_names_its_user_too(operator):
    from asgiref.sync import async_to_sync

    store = SessionStore()
    row = async_to_sync(store.acreate_model_instance)({"_auth_user_id": str(operator.pk)})
    assert row.user_id == operator.pk


def test_a_colleagues_role_comes_with_their_permissions_and_follows_a_change(operator,
                                                                              supervisor):
    from accounts.models import Role
    from accounts.services import user_role_set

    for user, role in ((operator, Role.OPERATOR), (supervisor, Role.SUPERVISOR)):
        fresh = User.objects.get(pk=user.pk)
        assert fresh.has_perm("complaints.view_case")  # the permissions, read once
        with CaptureQueriesContext(connection) as queries:
            assert fresh.role == role
        assert len(queries) == 0
    user_role_set(user=fresh, role=Role.OPERATOR)
    assert fresh.role == Role.OPERATOR and not fresh.has_perm("complaints.change_policysettings")
    assert User.objects.get(pk=supervisor.pk).role == Role.OPERATOR


def test_signing_out_ends_the_copy_left_in_djangos_table_too(client, operator):
    """Migration accounts.0004 left each session's row in Django's table for workers of the
    release before: signing out (or in again) here ends that copy as well."""
    from django.apps import apps

    client.force_login(operator)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    importlib.import_module("accounts.migrations.0004_sessions").move_back(
        apps, connection.schema_editor())  # a copy in Django's table, as after the move
    assert DjangoSession.objects.filter(session_key=key).exists()
    client.post("/accounts/logout/")
    assert SessionStore(key).load() == {} and DjangoStore(key).load() == {}
    assert not DjangoSession.objects.filter(session_key=key).exists()
    client.force_login(operator)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    importlib.import_module("accounts.migrations.0004_sessions").move_back(
        apps, connection.schema_editor())
    client.session.cycle_key()  # as a login does
    assert not DjangoSession.objects.filter(session_key=key).exists()
