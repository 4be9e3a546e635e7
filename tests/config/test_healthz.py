import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    assert body["oldest_pending_notification_seconds"] is None


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


def test_healthz_reports_the_oldest_unsent_notification(client, creator, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from complaints.models import Notification
    from tests.factories import file_case

    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay",
                        lambda *a, **k: None)  # the broker took it and lost it
    case = file_case(filer=creator)
    Notification.objects.filter(case=case).update(created_at=timezone.now() - timedelta(
        minutes=5))
    age = client.get("/healthz").json()["oldest_pending_notification_seconds"]
    assert 290 <= age <= 400
