"""GET /healthz: is the database answering, is the broker answering."""
from django.db import connection
from django.http import JsonResponse

from config.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure is the answer, not a crash
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    body = {"status": "ok" if healthy else "unavailable", "database": db_detail,
            "broker": broker_detail}
    if db_ok:
        from complaints.services.outbox import oldest_pending_age

        age = oldest_pending_age()
        body["oldest_pending_notification_seconds"] = None if age is None else round(age)
    return JsonResponse(
        body,
        status=200 if healthy else 503,
    )
