import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


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
