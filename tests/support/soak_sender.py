"""One of the broker soak's senders: a process of its own that, for a while, sends real
Kotae tasks to the broker as beat and the web do, files a case now and then (its receipt
goes to the broker after commit) and, where the broker can broadcast, asks the workers
whether they are alive, as a monitor does. It does this from several threads at once, as
a threaded web process would. It writes the id of every task it sent, one a line, so that
the test can find each in the worker's log.

    python -m tests.support.soak_sender --seconds 120 --rate 1 --filer 7 --out ids.txt
"""
import argparse
import os
import threading
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--rate", type=float, required=True, help="tasks a second a thread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--filer", type=int, required=True, help="user id filing cases")
    parser.add_argument("--file-every", type=int, default=25, help="a case every N tasks")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from config.celery import app
    from tests.factories import file_case

    filer = User.objects.get(pk=args.filer)
    with app.connection_for_write() as conn:
        broadcasts = conn.supports_exchange_type("fanout")  # remote control, where it exists
    deadline = time.monotonic() + args.seconds
    lock = threading.Lock()
    out = open(args.out, "w")  # noqa: SIM115 - closed below, after every thread

    def send() -> None:
        sent = 0
        try:
            while time.monotonic() < deadline:
                # The outbox relay: cheap, idempotent, and what beat sends every tick.
                result = app.send_task("complaints.tasks.notifications_sweep")
                if broadcasts:
                    # As a monitor or `celery inspect ping` does: is every worker alive?
                    app.control.ping(timeout=0.3)
                with lock:
                    out.write(result.id + "\n")
                    out.flush()
                sent += 1
                if sent % args.file_every == 0:
                    file_case(filer=filer, title=f"Soak filing {os.getpid()}-{sent}")
                # Every sender wakes on the same tick, as beat's entries and a burst of
                # filings do: many messages are being written at the same moment.
                period = 1 / args.rate
                time.sleep(period - time.time() % period)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.close()


if __name__ == "__main__":
    main()
