"""What the health check and the metrics ask of the parts around Kotae, each bounded.

Every probe answers within PROBE_SECONDS, whatever the other side does (refuses, never
answers, answers slowly): it runs in a daemon thread with its own socket timeouts, and a
probe that has not answered by then is reported as "timeout" and left to finish alone.
A probe's answer is "ok" or a short description of what went wrong (never a traceback).
"""
import smtplib
import ssl
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, connections, transaction
from django.utils.module_loading import import_string

from config.celery import app as celery_app

OK = "ok"
NOT_USED = "not used"
UNKNOWN = "unknown"
TIMEOUT = "timeout"
PROBE_SECONDS = 2.0
# Each socket operation of a probe; a probe makes a few, all inside PROBE_SECONDS.
SOCKET_SECONDS = 1.5
# Monitors poll every few seconds: the mail server is asked at most this often per process.
MAIL_CACHE_SECONDS = 30.0


def _describe(exc: BaseException) -> str:
    """The name of what went wrong at the bottom (kombu wraps a refused connection in its
    own OperationalError), with an SMTP reply code if there is one."""
    seen = {id(exc)}
    while exc.__cause__ is not None and id(exc.__cause__) not in seen:
        exc = exc.__cause__
        seen.add(id(exc))
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def within(seconds: float, probe):
    """(True, probe's value), or (False, what went wrong), after `seconds` at most."""
    answer: list = []

    def run():
        try:
            answer.append((True, probe()))
        except Exception as exc:  # any failure is the answer, not a crash
            answer.append((False, _describe(exc)))

    thread = threading.Thread(target=run, name="kotae-probe", daemon=True)
    thread.start()
    thread.join(seconds)
    return answer[0] if answer else (False, TIMEOUT)


# --- Database ----------------------------------------------------------------------

def _database_select_one() -> str:
    try:  # a connection of this thread's own, closed after (never the request's)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return OK
    finally:
        connections.close_all()


def database_probe() -> str:
    """"ok", or why the database does not answer (refused, timeout, ...)."""
    _ok, detail = within(PROBE_SECONDS, _database_select_one)
    return detail


@contextmanager
def bounded_queries(seconds: float = PROBE_SECONDS):
    """The figures' queries, each cut off after `seconds` on PostgreSQL (a statement
    timeout for this transaction only); SQLite is a local file and answers at once."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [int(seconds * 1000)])
        yield


# --- Broker and its queues ---------------------------------------------------------

# Socket timeouts for the probe's own broker connection, by URL scheme (the transport's
# own option names). The embedded broker is a local SQLite file with a busy timeout.
_TRANSPORT_TIMEOUTS = {
    "redis": {"socket_timeout": SOCKET_SECONDS, "socket_connect_timeout": SOCKET_SECONDS},
    "rediss": {"socket_timeout": SOCKET_SECONDS, "socket_connect_timeout": SOCKET_SECONDS},
    "amqp": {"read_timeout": SOCKET_SECONDS, "write_timeout": SOCKET_SECONDS},
    "amqps": {"read_timeout": SOCKET_SECONDS, "write_timeout": SOCKET_SECONDS},
    "pyamqp": {"read_timeout": SOCKET_SECONDS, "write_timeout": SOCKET_SECONDS},
}


@dataclass(frozen=True)
class BrokerState:
    reachable: str  # "ok", or what went wrong
    # Messages waiting in each of Kotae's queues (by queue name); None: the broker could
    # not tell.
    depths: dict[str, int | None] = field(default_factory=dict)


def _queue_depth(conn, name: str) -> int:
    """Messages waiting in queue `name`, asked without creating it (a passive declare:
    RabbitMQ's message_count, Redis's LLEN, the embedded broker's row count). A queue the
    broker does not know holds nothing (Redis drops an empty list)."""
    channel = conn.channel()  # one each: RabbitMQ closes a channel after NOT_FOUND
    try:
        return channel.queue_declare(queue=name, passive=True).message_count
    except Exception as exc:
        if "NOT_FOUND" in str(exc) or type(exc).__name__ == "NotFound":
            return 0
        raise
    finally:
        try:
            channel.close()
        except Exception:  # noqa: S110 - a channel the broker closed already
            pass


def _broker_ask(queues: list[str]) -> BrokerState:
    url = celery_app.conf.broker_url or ""
    options = _TRANSPORT_TIMEOUTS.get(url.split(":", 1)[0], {})
    with celery_app.connection_for_read(connect_timeout=SOCKET_SECONDS,
                                        transport_options=options) as conn:
        conn.ensure_connection(max_retries=0)  # one try: no retry sleeps
        depths: dict[str, int | None] = {}
        for name in queues:
            try:
                depths[name] = _queue_depth(conn, name)
            except Exception:  # best effort: this queue's depth is unknown
                depths[name] = None
        return BrokerState(OK, depths)


def broker_probe(*, with_depths: bool = True) -> BrokerState:
    """Is the broker answering, and how deep is each of Kotae's queues (settings.KOTAE_QUEUES),
    within PROBE_SECONDS in all."""
    queues = list(dict.fromkeys(settings.KOTAE_QUEUES.values())) if with_depths else []
    ok, answer = within(PROBE_SECONDS, lambda: _broker_ask(queues))
    if ok:
        return answer
    return BrokerState(answer, dict.fromkeys(queues))


# --- Mail server -------------------------------------------------------------------

def mail_server_used() -> bool:
    """Does Kotae send through an SMTP server (not the console, a file, memory)?"""
    try:
        return issubclass(import_string(settings.EMAIL_BACKEND), SmtpBackend)
    except (ImportError, TypeError):
        return False


def mail_server_address() -> str:
    return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"


def _smtp_hello(host: str, port: int, use_ssl: bool) -> str:
    """Connect (the greeting must be 2xx), EHLO, NOOP, QUIT; sends no mail."""
    if use_ssl:
        server = smtplib.SMTP_SSL(host, port, timeout=SOCKET_SECONDS,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=SOCKET_SECONDS)
    with server:  # QUIT on the way out
        for name, (code, _text) in (("EHLO", server.ehlo()), ("NOOP", server.noop())):
            if code != 250:
                return f"{name} {code}"
    return OK


_mail_cache: dict[tuple, tuple[float, str]] = {}
_mail_lock = threading.Lock()


def mail_server_probe() -> str:
    """"ok", "not used" (no SMTP backend), or what the mail server did wrong; asked at
    most every MAIL_CACHE_SECONDS per process and server."""
    if not mail_server_used():
        return NOT_USED
    key = (settings.EMAIL_HOST, int(settings.EMAIL_PORT), bool(settings.EMAIL_USE_SSL))
    now = time.monotonic()
    with _mail_lock:
        cached = _mail_cache.get(key)
        if cached and now - cached[0] < MAIL_CACHE_SECONDS:
            return cached[1]
    _ok, answer = within(PROBE_SECONDS, lambda: _smtp_hello(*key))
    with _mail_lock:
        _mail_cache[key] = (time.monotonic(), answer)
    return answer


def mail_cache_clear() -> None:
    with _mail_lock:
        _mail_cache.clear()
