"""GET /healthz: is the database answering, is the broker answering.

The public gets only the answer: {"status": "ok"} (200) or {"status": "unavailable"}
(503). The details (which check failed and how, and the outbox's figures: the backlog,
e-mails that failed for good) go to signed-in staff and to a monitor sending
`Authorization: Bearer <KOTAE_HEALTH_TOKEN>`; the desk's health page
(complaints/admin/health.py) shows the same figures (complaints.selectors.outbox).
"""
import hmac

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from complaints.selectors.outbox import outbox_figures
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
    """status ("ok" or "unavailable"), database and broker ("ok", or what went wrong)."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    return {"status": "ok" if db_ok and broker_ok else "unavailable", "database": db_detail,
            "broker": broker_detail}


def _may_see_details(request) -> bool:
    user = request.user
    # A staff member who has passed the second factor too (django-otp), as for the admin.
    if user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)():
        return True
    token = settings.KOTAE_HEALTH_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode())


@never_cache  # what staff see must never be cached for the public
def healthz(request):
    checks = health_checks()
    status = 200 if checks["status"] == "ok" else 503
    if not _may_see_details(request):
        return JsonResponse({"status": checks["status"]}, status=status)
    if checks["database"] == "ok":
        checks["outbox"] = outbox_figures().as_json()
    return JsonResponse(checks, status=status)
