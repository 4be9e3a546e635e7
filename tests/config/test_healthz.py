"""/healthz: the public gets "ok" (200) or "unavailable" (503) and nothing else, and 503
only when the database does not answer (a broker or mail server down must not take the web
processes out of a load balancer); signed-in staff and a monitor with the health token get
which check failed, the queues, the outbox's figures and the problems in plain words (the
same as the desk's health page). Real parts where they can be had here: an SMTP server
(aiosmtpd) that is up, a closed port, a server that refuses at its greeting, a broker
address that accepts the connection and never answers."""
import contextlib
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from complaints.models import Notification
from config import probes
from tests.factories import file_case
from tests.support.login import logs_in
from tests.support.two_factor import totp_code, totp_device_enrolled

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-the-monitor-3f9a"  # noqa: S105 - a test value


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _broker_at(monkeypatch, url: str) -> None:
    """The probes' broker is a Redis at `url` (not the tests' embedded broker)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_read_url", None)
    monkeypatch.setitem(app.conf, "broker_transport", None)


@pytest.fixture
def broker_down(monkeypatch):
    """A Redis address where nothing listens: every connection is refused."""
    _broker_at(monkeypatch, f"redis://127.0.0.1:{_free_port()}/0")


@pytest.fixture
def broker_hung(monkeypatch):
    """A Redis address that accepts connections (the kernel's backlog) and never answers,
    as a frozen Redis does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    _broker_at(monkeypatch, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    yield
    listener.close()


@pytest.fixture
def database_down(monkeypatch):
    """Any new connection to the database fails, as when PostgreSQL is stopped."""
    from django.db import connections

    def refused(self, conn_params):
        raise OperationalError("connection refused")

    # The backend of this run (SQLite, or PostgreSQL in CI's second pass).
    monkeypatch.setattr(type(connections["default"]), "get_new_connection", refused)


@pytest.fixture
def smtp_settings(settings):
    probes.mail_cache_clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST = "127.0.0.1"
    yield settings
    probes.mail_cache_clear()


class _Sink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        return "250 OK"


@pytest.fixture
def mail_server_up(smtp_settings):
    port = _free_port()
    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    smtp_settings.EMAIL_PORT = port
    yield controller
    with contextlib.suppress(AssertionError):  # a test stopped it already
        controller.stop()


@pytest.fixture
def mail_server_closed(smtp_settings):
    smtp_settings.EMAIL_PORT = _free_port()  # nothing listens there


@pytest.fixture
def mail_server_refusing(smtp_settings):
    """A mail server that answers every connection "554 no service" and hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _address = listener.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"554 5.3.2 No service here\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    smtp_settings.EMAIL_PORT = listener.getsockname()[1]
    yield
    stop.set()
    thread.join(2)
    listener.close()


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


def test_a_broker_down_leaves_the_public_answer_ok(client, broker_down):
    """A load balancer must not take the web processes out: filing still works."""
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_staff_see_which_check_failed(client, operator, broker_down):
    client.force_login(operator)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["degraded"]) == ("ok", "ok", True)
    assert body["broker"] == "ConnectionError"
    assert body["problem_codes"] == ["broker"]
    assert body["problems"][0].startswith("The task broker does not answer (ConnectionError)")
    assert set(body["queues"].values()) == {"unknown"}


def test_a_hung_broker_costs_the_details_two_seconds_at_most(client, operator, broker_hung):
    client.force_login(operator)
    started = time.monotonic()
    body = client.get("/healthz").json()
    assert time.monotonic() - started < 3
    assert body["status"] == "ok" and body["broker"] != "ok"
    assert body["problem_codes"] == ["broker"]


def test_the_database_down_is_the_one_unavailable(client, database_down):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


def test_staff_see_the_database_down(client, operator, database_down):
    client.force_login(operator)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("unavailable", "OperationalError")
    assert "database" in body["problem_codes"] and "outbox" not in body


def test_a_mail_server_answering_is_ok(client, operator, mail_server_up):
    client.force_login(operator)
    body = client.get("/healthz").json()
    assert (body["mail_server"], body["degraded"], body["problems"]) == ("ok", False, [])


@pytest.mark.parametrize("server, detail", [("mail_server_closed", "ConnectionRefusedError"),
                                            ("mail_server_refusing", "SMTPConnectError 554")])
def test_a_mail_server_refusing_leaves_the_public_answer_ok(client, operator, settings,
                                                            request, server, detail):
    request.getfixturevalue(server)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    client.force_login(operator)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["mail_server"], body["degraded"]) == ("ok", detail, True)
    assert body["problem_codes"] == ["mail_server"]
    assert body["problems"] == [
        f"The mail server 127.0.0.1:{settings.EMAIL_PORT} does not answer as it should "
        f"({detail}): e-mails wait and are tried again."]


def test_the_mail_server_is_asked_at_most_every_30_seconds(client, operator, mail_server_up):
    client.force_login(operator)
    assert client.get("/healthz").json()["mail_server"] == "ok"
    mail_server_up.stop()  # down now, but the answer of a moment ago stands
    assert client.get("/healthz").json()["mail_server"] == "ok"
    probes.mail_cache_clear()  # as 30 seconds later
    assert client.get("/healthz").json()["mail_server"] == "ConnectionRefusedError"


def test_no_mail_server_is_not_a_problem(client, operator):
    """The test settings keep e-mails in memory: there is no mail server to ask."""
    client.force_login(operator)
    body = client.get("/healthz").json()
    assert (body["mail_server"], body["degraded"]) == ("not used", False)


def test_staff_see_the_figures_of_the_desks_health_page(client, operator, backlog):
    client.force_login(operator)
    body = client.get("/healthz").json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    assert body["problem_codes"] == ["emails_failed_for_good"]
    assert body["problems"] == ["1 e-mail failed for good: fix the cause, then send it again "
                                "from the list of e-mails."]
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
    assert response.status_code == 200
    assert response.json()["broker"] == "ConnectionError"
    assert "outbox" in response.json()


def test_staff_see_the_depth_of_each_queue(client, operator, settings):
    """The tests' embedded broker counts the messages waiting in each queue."""
    from config.celery import app

    settings.KOTAE_QUEUES = {"interactive": "kotae-test-depth",
                             "webhooks": "kotae-test-depth-hooks"}
    with app.connection_for_write() as conn:
        waiting = conn.SimpleQueue("kotae-test-depth")
        for number in range(3):
            waiting.put({"n": number})
        client.force_login(operator)
        try:
            queues = client.get("/healthz").json()["queues"]
        finally:
            waiting.clear()
            waiting.close()
    assert queues == {"kotae-test-depth": 3, "kotae-test-depth-hooks": 0}


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
