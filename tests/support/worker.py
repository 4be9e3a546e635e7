"""Start a real `celery worker` process on the broker this run is configured with (the
embedded SQLite broker by default, Redis or RabbitMQ when configured), against the
test database, writing its e-mails into a directory the test reads."""
import itertools
import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url_for_worker() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")


_numbers = itertools.count(1)


class Worker:
    """`queues`: what it serves, by what they carry (settings.KOTAE_QUEUES' keys); by
    default every queue but the webhooks'."""

    def __init__(self, email_dir: Path, log_path: Path,
                 queues=("sweep", "interactive", "bulk"), **env):
        self.email_dir = email_dir
        self.log_path = log_path
        self.log = open(log_path, "a+")
        beat_schedule = env.pop("BEAT", None)  # a path: run beat inside this worker
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
                       "DATABASE_URL": database_url_for_worker(),
                       "KOTAE_TEST_EMAIL_DIR": str(email_dir), **env}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker",
             "--pool=solo", "--queues", ",".join(settings.KOTAE_QUEUES[q] for q in queues),
             # A name of its own: two workers named alike (a test's two workers, or two
             # test processes') clash on RabbitMQ over the exclusive pidbox queue of the name.
             "--hostname", f"kotae-test-{os.getpid()}-{next(_numbers)}@%h",
             "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat",
             *(["--beat", "--schedule", beat_schedule] if beat_schedule else [])],
            cwd=BASE_DIR, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
            # A group of its own: with --beat the worker has a beat child process, which a
            # kill must take with it (a SIGKILL to the parent alone leaves it running).
            start_new_session=True,
        )

    def ready(self) -> bool:
        """True once the worker consumes (Celery logs "ready." then)."""
        self.log.flush()
        return " ready." in self.log_path.read_text()

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()[-4000:]

    def kill(self) -> None:
        """SIGKILL to the worker and its children: no cleanup, no acknowledgement, the
        database connections just drop."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=20)

    def discard(self) -> None:
        """After the test: SIGKILL to the whole group, as nothing the test checks is left
        to do. (Not a warm shutdown: on the embedded broker that takes about 4.5 s even when
        idle, as Celery's loop polls with a 2 s timeout that a signal does not cut short,
        celery/worker/loops.py synloop. The tests about a worker's death kill it on purpose.)"""
        self.kill()
        self.log.close()


def processes_with(marker: str) -> list[int]:
    """The pids of the processes whose environment holds `marker` (a test sets it in its
    own environment, so every process it starts inherits it)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def mails_written(email_dir: Path) -> list:
    """Every message the file backend wrote (one file may hold several)."""
    messages = []
    for path in sorted(email_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(message_from_bytes(chunk))
    return messages


def wait_for(condition, *, timeout: float = 90, what: str = "", worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n" + (worker.output() if worker else ""))
