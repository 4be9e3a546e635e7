"""GET /healthz: is the database answering, is the broker answering. A bare answer for
anyone (200 or 503, and which of the two failed); the figures behind it (the outbox's
backlog, e-mails that failed for good) are for staff only, on the desk's health page
(complaints/admin/health.py)."""
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


def health_checks() -> dict:
    """What /healthz answers: status ("ok" or "unavailable"), database and broker."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    return {"status": "ok" if db_ok and broker_ok else "unavailable", "database": db_detail,
            "broker": broker_detail}


def healthz(request):
    body = health_checks()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
