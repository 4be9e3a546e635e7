import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    from config import health

    def down():
        raise ConnectionRefusedError

    monkeypatch.setattr(health.celery_app, "connection_for_write",
                        lambda *a, **k: type("C", (), {
                            "__enter__": lambda s: type("X", (), {
                                "ensure_connection": lambda *a, **k: down()})(),
                            "__exit__": lambda s, *a: None})())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "ConnectionRefusedError"
    assert response.json()["database"] == "ok"


def test_healthz_shows_the_public_no_figures(client, creator, monkeypatch):
    """A backlog, and e-mails that failed for good, are for the staff's health page."""
    from datetime import timedelta

    from django.utils import timezone

    from complaints.models import Notification
    from tests.factories import file_case

    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay",
                        lambda *a, **k: None)  # the broker took it and lost it
    case = file_case(filer=creator)
    Notification.objects.filter(case=case).update(
        created_at=timezone.now() - timedelta(minutes=5), status="failed", attempts=12,
        next_attempt_at=None, failed_at=timezone.now())
    file_case(filer=creator)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
