"""Staff two-factor around the edges: the tests' force_login stand-in (and that production
never has it), and a superuser's reset of a colleague's two-factor."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.support.login import logs_in
from tests.support.two_factor import totp_code, totp_device_enrolled

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
HELPER = "accounts.backends.ForceLoginPassesSecondFactor"
USERS = "/admin/accounts/user/"


def test_force_login_passes_the_second_factor_in_the_test_settings(client, operator):
    assert settings.AUTHENTICATION_BACKENDS[0] == HELPER
    client.force_login(operator)  # as every desk test and the benchmark do
    assert client.get("/admin/complaints/case/").status_code == 200
    assert client.get("/admin/health/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_password_never_logs_in_through_the_helper(client, operator):
    assert logs_in(client, operator.email, "pw-for-tests-1")
    assert client.session["_auth_user_backend"] == "accounts.backends.UserBackend"
    assert client.get("/admin/").status_code == 302  # the second factor is still asked for


def _production(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod",
           "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "kotae.example"}
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=60)


def test_production_settings_have_no_force_login_helper_and_refuse_one():
    result = _production("from django.conf import settings; "
                         "print(settings.AUTHENTICATION_BACKENDS)")
    assert result.returncode == 0, result.stderr
    assert HELPER not in result.stdout and "accounts.backends.UserBackend" in result.stdout
    # Were it ever added to the shared settings, production would not start.
    result = _production(f"import config.settings.base as base; "
                         f"base.AUTHENTICATION_BACKENDS.insert(0, {HELPER!r}); "
                         f"import config.settings.prod")
    assert result.returncode != 0
    assert "ForceLoginPassesSecondFactor is for development and tests only." in result.stderr


def test_a_superuser_resets_a_colleagues_two_factor(client, operator):
    device = totp_device_enrolled(operator)
    StaticDevice.objects.create(user=operator, name="Recovery codes")
    desk = client.__class__()
    assert logs_in(desk, operator.email, "pw-for-tests-1")
    desk.post("/accounts/two-factor/verify/", {"code": totp_code(device)})
    assert desk.get("/admin/").status_code == 200

    root = User.objects.create_superuser(email="root@kotae.example", password="x" * 14,
                                         display_name="Root")
    client.force_login(root)
    page = client.get(f"{USERS}{operator.pk}/change/").content.decode()
    assert "Two-factor authentication" in page and "App set up" in page
    assert 'value="reset_two_factor"' in client.get(USERS).content.decode()
    response = client.post(USERS, {"action": "reset_two_factor",
                                   ACTION_CHECKBOX_NAME: [operator.pk]}, follow=True)
    assert "Two-factor authentication reset for 1 person" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert not StaticDevice.objects.filter(user=operator).exists()
    history = client.get(f"{USERS}{operator.pk}/history/").content.decode()
    assert "Changed Two-factor authentication." in history and "Root" in history
    # Their open session no longer counts: the next admin page asks them to enrol again.
    response = desk.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/enrol/")


def test_a_supervisor_cannot_reset_anyones_two_factor(client, supervisor, operator):
    totp_device_enrolled(operator)
    client.force_login(supervisor)
    assert 'value="reset_two_factor"' not in client.get(USERS).content.decode()
    response = client.post(USERS, {"action": "reset_two_factor",
                                   ACTION_CHECKBOX_NAME: [operator.pk]}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and 'name="action"' not in html  # none to offer
    assert TOTPDevice.objects.filter(user=operator).exists()
