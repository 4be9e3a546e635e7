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


# make run's two workers, by process name, and the queues each serves by what they carry
# (config.settings.base's KOTAE_QUEUES, whose names are the same: a test checks). Read
# here without Django, as the soak test calls `commands` from its own process.
WORKERS = {"worker": ("sweep", "interactive"), "bulk": ("bulk", "webhooks")}
# Prefork, so a task's hard time limit holds. Two processes each: on the first a sweep (or
# a relay) and an e-mail run side by side, so neither waits for the other; more would only
# share a laptop's few cores and memory (each is a Python process of its own, nine in all
# with web, its reloader and beat) for the load one person makes.
CONCURRENCY = 2


def worker_command(*, python: str, name: str, queues) -> str:
    """The `celery worker` of that name serving those queues (by their names)."""
    celery = Path(python).with_name("celery")
    command = (f"{celery} -A config worker --loglevel=INFO --without-gossip --without-mingle "
               f"--queues={','.join(queues)} --concurrency={CONCURRENCY}")
    return command if name == "worker" else f"{command} --hostname={name}@%h"


def commands(*, python: str, port: str) -> dict[str, str]:
    """The processes of `make run`, by name (the broker soak test starts the same).

    Two workers, by urgency (README, "Queues by urgency"): "worker" serves the sweep, the
    relays and the e-mails a person waits for; "bulk" serves the sweep's batches of e-mail
    and the webhooks. A Celery worker has one pool for every queue it serves, so a batch
    of 4,000 e-mails, or a receiver that never answers, can only take the second one's
    slots, never the sweep's or a receipt's."""
    celery = Path(python).with_name("celery")
    return {
        "web": f"{python} manage.py runserver 127.0.0.1:{port}",
        **{name: worker_command(python=python, name=name, queues=queues)
           for name, queues in WORKERS.items()},
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
