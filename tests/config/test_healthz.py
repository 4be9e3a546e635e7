"""/healthz: the public gets "ok" (200) or "unavailable" (503) and nothing else; signed-in
staff and a monitor with the health token get which check failed and the outbox's figures
(the same as the desk's health page)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Notification
from tests.factories import file_case
from tests.support.login import logs_in
from tests.support.two_factor import totp_code, totp_device_enrolled

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-the-monitor-3f9a"  # noqa: S105 - a test value


@pytest.fixture
def broker_down(monkeypatch):
    from config import health

    def down():
        raise ConnectionRefusedError

    monkeypatch.setattr(health.celery_app, "connection_for_write",
                        lambda *a, **k: type("C", (), {
                            "__enter__": lambda s: type("X", (), {
                                "ensure_connection": lambda *a, **k: down()})(),
                            "__exit__": lambda s, *a: None})())


@pytest.fixture
def backlog(creator, monkeypatch):
    """An e-mail failed for good, and one waiting for five minutes."""
    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay",
                        lambda *a, **k: None)  # the broker took them and lost them
    given_up = file_case(filer=creator)
    Notification.objects.filter(case=given_up).update(
        created_at=timezone.now() - timedelta(minutes=9), status="failed", attempts=12,
        next_attempt_at=None, failed_at=timezone.now())
    waiting = file_case(filer=creator)
    Notification.objects.filter(case=waiting).update(
        created_at=timezone.now() - timedelta(minutes=5))


def test_the_public_gets_ok_and_nothing_more(client, backlog):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_public_gets_unavailable_without_saying_what_failed(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_staff_see_which_check_failed(client, operator, broker_down):
    client.force_login(operator)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == (
        "unavailable", "ok", "ConnectionRefusedError")


def test_staff_see_the_figures_of_the_desks_health_page(client, operator, backlog):
    client.force_login(operator)
    body = client.get("/healthz").json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    outbox = body["outbox"]
    assert (outbox["emails_failed_for_good"], outbox["emails_waiting"],
            outbox["emails_retrying"], outbox["webhooks_waiting"]) == (1, 1, 0, 0)
    assert 5 * 60 <= outbox["oldest_waiting_seconds"] < 6 * 60
    assert outbox["last_failed_at"][:4] == str(timezone.now().year)


def test_a_signed_in_creator_is_the_public(client, creator, backlog):
    client.force_login(creator)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_monitor_with_the_token_sees_the_details(client, settings, broker_down):
    settings.KOTAE_HEALTH_TOKEN = TOKEN
    response = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 503
    assert response.json()["broker"] == "ConnectionRefusedError"
    assert "outbox" in response.json()


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer ",
                                    "Bearer", TOKEN, "Bearer ありがとう"])
def test_a_wrong_token_is_the_public(client, settings, header):
    settings.KOTAE_HEALTH_TOKEN = TOKEN
    response = client.get("/healthz", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("header", ["Bearer ", "Bearer", ""])
def test_without_a_configured_token_no_header_opens_the_details(client, settings, header):
    settings.KOTAE_HEALTH_TOKEN = ""
    response = client.get("/healthz", HTTP_AUTHORIZATION=header)
    assert response.json() == {"status": "ok"}


def test_staff_with_only_a_password_are_the_public(client, operator, backlog):
    """Details need the second factor too, as the desk's health page does."""
    assert logs_in(client, operator.email, "pw-for-tests-1")
    assert client.get("/healthz").json() == {"status": "ok"}
    device = totp_device_enrolled(operator)
    client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device)})
    assert client.get("/healthz").json()["database"] == "ok"
