"""`make run`'s last step: web, the workers and beat under one supervisor (honcho).

Honcho starts each in its own process group and, on Ctrl-C or SIGTERM, signals the
whole group, so runserver's reloader child and Celery's pool children go too. When
`make` itself is killed, Linux's parent-death signal tells us, and we stop the same way.
"""
import ctypes
import os
import signal
import sys
from pathlib import Path

from honcho.manager import Manager

PR_SET_PDEATHSIG = 1
BASE_DIR = Path(__file__).resolve().parent.parent


def _stop_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# The queues the two workers serve: config.settings.base's KOTAE_QUEUES (a test checks
# they agree). Read here without Django, as the soak test calls `commands` from its own.
DEFAULT_QUEUE = "celery"
WEBHOOK_QUEUE = "webhooks"


def commands(*, python: str, port: str) -> dict[str, str]:
    """The processes of `make run`, by name (the broker soak test starts the same).

    Webhook deliveries have a worker of their own: a Celery worker has one pool for every
    queue it serves, so a receiver that never answers would hold its slots and the e-mails
    behind them; a second worker gives the webhooks slots of their own (README, "Workers")."""
    celery = str(Path(python).with_name("celery"))
    worker = f"{celery} -A config worker --loglevel=INFO --without-gossip --without-mingle"
    return {
        "web": f"{python} manage.py runserver 127.0.0.1:{port}",
        "worker": f"{worker} --queues={DEFAULT_QUEUE} --concurrency=2",
        "webhooks": f"{worker} --queues={WEBHOOK_QUEUE} --concurrency=2 "
                    "--hostname=webhooks@%h",
        "beat": f"{celery} -A config beat --loglevel=INFO",
    }


def main() -> int:
    _stop_with_parent()
    port = os.environ.get("PORT", "8000")
    print(f"Kotae on http://127.0.0.1:{port}/ (admin: /admin/). "
          "Ctrl-C stops web, workers and beat.", flush=True)
    manager = Manager()
    for name, command in commands(python=sys.executable, port=port).items():
        manager.add_process(name, command, cwd=BASE_DIR)
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
