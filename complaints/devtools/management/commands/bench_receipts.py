"""Receipt latency with and without a deadline sweep's e-mails in flight; one JSON line.

    python manage.py bench_receipts --due 1000 --filings 50

It WRITES REAL ROWS to the configured database (DATABASE_URL, or the SQLite file under
KOTAE_VAR_DIR): bench people (bench-receipts-*@example.com, made if missing), `--due`
cases whose decision clock is due, and `--filings` cases filed twice over, with their
e-mails. Use a scratch database.

It starts the two workers of `make run` (config/devrun.py: one serves the sweep and
interactive e-mail, the other bulk e-mail and webhooks, two prefork processes each) on
the configured broker and database, and a local mail server (aiosmtpd) that takes
`--smtp-ms` to accept each message. Then, twice:

- without a sweep: files `--filings` cases, one every `--pace` seconds, through the
  service the portal and the API use, and waits for their receipts;
- with a sweep: makes `--due` clocks due, sends the deadline sweep as beat does (about
  four e-mails a clock: the filer's late notice, the assignee, two supervisors) and,
  while the sweep runs and its e-mails are sent, files as many cases again.

A receipt's latency is its Notification row's `sent_at - created_at` (written in the
filing's transaction; sent by a worker). It prints p50, p95 and the largest of each
phase, their ratio (the target: 1), how long the sweep took from being sent, how many
receipts went out before the sweep's last e-mail, and when that was. The workers and the
mail server are stopped however the command ends.
"""
import asyncio
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import roles_ensure, user_role_set
from complaints.devtools.management.commands.bench_api import _database_url, _percentile
from complaints.devtools.stopping import Stopped, sigterm_raises_stopped, sigterm_restore
from complaints.domain.status import Status
from complaints.models import Case, Deadline, Notification
from complaints.services.cases import CaseDraft, LocationData, WorkData, case_submit
from complaints.services.enqueue import task_send
from complaints.services.sweep import SWEEP_BATCH
from config.celery import app as celery_app
from config.devrun import WORKERS, worker_command

PEOPLE = {"filer": None, "operator": Role.OPERATOR, "supervisor-1": Role.SUPERVISOR,
          "supervisor-2": Role.SUPERVISOR}
SWEEP_TASK = "complaints.tasks.deadlines_sweep_task"




class _MailServer:
    """A local SMTP server (aiosmtpd) that takes `delay` seconds to accept each message."""

    def __init__(self, delay: float):
        try:
            from aiosmtpd.controller import Controller
        except ImportError as exc:
            raise CommandError("bench_receipts needs aiosmtpd (requirements-dev.txt), or "
                               "--smtp-ms -1 for the configured e-mail backend") from exc
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line a command
        self.delay = delay
        self.received = 0
        with socket.socket() as probe:  # aiosmtpd's start() connects to its port: not 0
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 Message accepted"

    def stop(self):
        self.controller.stop()


class _Worker:
    """One of make run's workers, in its own process group, logging to a temporary file."""

    def __init__(self, name: str, command: str, env: dict):
        self.name = name
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            "w+", prefix=f"bench_receipts-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command.split(), cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise CommandError(f"worker {self.name} exited:\n{self.output()}")
        self.log.flush()
        return " ready." in Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM to the group; SIGKILL to whatever of it is left after 15 s."""
        pgid = self.process.pid
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            try:
                os.killpg(pgid, 0)  # a pool child still there?
            except ProcessLookupError:
                break
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _wait(condition, *, timeout: float, what: str, workers=()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise CommandError(f"timed out after {timeout:.0f} s waiting for {what}\n"
                               + "\n".join(w.output() for w in workers))
        time.sleep(0.1)


def _people() -> dict[str, User]:
    roles_ensure()
    people = {}
    for name, role in PEOPLE.items():
        user, _ = User.objects.get_or_create(
            email=f"bench-receipts-{name}@example.com",
            defaults={"display_name": f"Bench {name}", "email_verified": True,
                      "is_active": True})
        people[name] = user_role_set(user=user, role=role) if role else user
    return people


def _due_clocks(count: int, *, filer: User, assignee: User) -> list[int]:
    """`count` open cases whose decision clock ran out a minute ago, written in bulk (as
    seed_bench writes them: filing each through the service would queue its receipt)."""
    now = timezone.now()
    with transaction.atomic():
        start = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        Case.objects.bulk_create(
            Case(pk=pk, reference=f"KT-{now.year}-{pk:06d}", kind="output_complaint",
                 status=Status.IN_REVIEW, title=f"Bench scene {pk} copied", language="en",
                 filer=filer, assignee=assignee, submitted_at=now - timedelta(days=20))
            for pk in range(start, start + count))
        with connection.cursor() as cursor:  # explicit ids: move the sequence past them
            for statement in connection.ops.sequence_reset_sql(no_style(), [Case]):
                cursor.execute(statement)
        Deadline.objects.bulk_create(
            Deadline(case_id=pk, clock="decision", started_at=now - timedelta(days=20),
                     due_at=now - timedelta(minutes=1), next_check_at=now - timedelta(minutes=1))
            for pk in range(start, start + count))
    return list(Deadline.objects.filter(case_id__gte=start, case_id__lt=start + count)
                .values_list("pk", flat=True))


def _draft(n: int) -> CaseDraft:
    return CaseDraft(
        kind="output_complaint", title=f"Bench receipt {n}", ai_product="DreamReel video",
        law="us_dmca", filer_postal_address="1-2-3 Jingumae, Tokyo",
        filer_phone="+81 3-1234-5678",
        ai_model="reel-2", similarity="Face, hair and costume are reproduced.",
        remedies=["remove_output"], good_faith_statement=True, accuracy_statement=True,
        signature="Receipt Bench",
        works=[WorkData(title="Hoshizora Quest", kind="anime",
                        rights_holder="Studio Hoshizora")],
        locations=[LocationData(url=f"https://dreamreel.example/v/receipt{n}")])


def _latencies(case_ids: list[int]) -> list[float]:
    rows = Notification.objects.filter(case_id__in=case_ids, kind=Notification.Kind.CASE_RECEIPT)
    return [(sent - created).total_seconds() * 1000
            for created, sent in rows.values_list("created_at", "sent_at")]


def _figures(latencies: list[float]) -> dict:
    return {"receipts": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(_percentile(latencies, 0.95), 1),
            "max_ms": round(max(latencies), 1)}


class Command(BaseCommand):
    help = ("Receipt latency (p50/p95) with and without a deadline sweep's e-mails in "
            "flight, through make run's two workers; one JSON line. WRITES REAL ROWS to the "
            "configured database: use a scratch one.")

    def add_arguments(self, parser):
        parser.add_argument("--due", type=int, default=1000, help="Clocks the sweep finds due.")
        parser.add_argument("--filings", type=int, default=50, help="Cases filed per phase.")
        parser.add_argument("--pace", type=float, default=0.3,
                            help="Seconds between two filings.")
        parser.add_argument("--smtp-ms", type=float, default=20.0,
                            help="How long the local mail server takes to accept a message "
                                 "(-1: no local server, the configured e-mail backend).")
        parser.add_argument("--timeout", type=float, default=900.0,
                            help="Longest wait for the receipts, the sweep or its e-mails.")

    def handle(self, *args, due, filings, pace, smtp_ms, timeout, **options):
        if due < 1 or filings < 1 or pace < 0:
            raise CommandError("--due and --filings must be positive, --pace not negative")
        self.stderr.write(f"bench_receipts writes real cases to the {connection.vendor} "
                          f"database {connection.settings_dict['NAME']}.")
        previous_handler = sigterm_raises_stopped()
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False  # the test settings run tasks in-process
        mail, workers = None, []
        try:
            people = _people()
            module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE")
            if not module:
                raise CommandError("no settings module to give the workers")
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": module,
                   "DATABASE_URL": _database_url(), "KOTAE_VAR_DIR": str(settings.VAR_DIR),
                   "KOTAE_TEST_EAGER": "false", "DJANGO_DEBUG": "false",
                   "PYTHONUNBUFFERED": "1"}
            if smtp_ms >= 0:
                mail = _MailServer(smtp_ms / 1000)
                env["EMAIL_URL"] = f"smtp://127.0.0.1:{mail.port}"
            workers = [_Worker(name, worker_command(
                python=sys.executable, name=name,
                queues=[settings.KOTAE_QUEUES[q] for q in queues]), env)
                for name, queues in WORKERS.items()]
            _wait(lambda: all(w.ready() for w in workers), timeout=120,
                  what="the workers to be ready", workers=workers)
            result = self._bench(people, workers, due=due, filings=filings, pace=pace,
                                 timeout=timeout)
        except Stopped as exc:
            raise CommandError("stopped (SIGTERM)") from exc
        finally:
            celery_app.conf.task_always_eager = eager
            for worker in workers:
                worker.stop()
            if mail is not None:
                mail.stop()
            sigterm_restore(previous_handler)
        result.update({"database": connection.vendor, "due_clocks": due, "pace_s": pace,
                       "smtp_ms": smtp_ms,
                       "workers": {name: [settings.KOTAE_QUEUES[q] for q in queues]
                                   for name, queues in WORKERS.items()}})
        self.stdout.write(json.dumps(result))

    def _file(self, people, count: int, pace: float, first: int, on_pause=None) -> list[int]:
        """File `count` cases, `pace` seconds apart; each commits and hands its receipt over."""
        ids = []
        for n in range(first, first + count):
            with transaction.atomic():
                ids.append(case_submit(filer=people["filer"], draft=_draft(n)).pk)
            if on_pause:
                on_pause()
            time.sleep(pace)
        return ids

    def _receipts_sent(self, ids, workers, timeout):
        def all_sent():
            return not Notification.objects.filter(
                case_id__in=ids, kind=Notification.Kind.CASE_RECEIPT).exclude(
                status=Notification.Status.SENT).exists()
        _wait(all_sent, timeout=timeout, what="the receipts", workers=workers)

    def _bench(self, people, workers, *, due, filings, pace, timeout) -> dict:
        # One receipt first, not counted: each worker process's first task loads what the
        # rest reuse (templates, the database connection).
        self._receipts_sent(self._file(people, 2, 0, first=-2), workers, timeout)
        quiet_ids = self._file(people, filings, pace, first=0)
        self._receipts_sent(quiet_ids, workers, timeout)
        without = _figures(_latencies(quiet_ids))

        clocks = _due_clocks(due, filer=people["filer"], assignee=people["operator"])
        swept = Deadline.objects.filter(pk__in=clocks)
        sent_at = time.monotonic()
        for _ in range(-(-due // SWEEP_BATCH)):
            task_send(SWEEP_TASK)  # as beat sends it
        sweep = {}

        def sweep_check():
            if "sweep_s" not in sweep and not swept.filter(breached_at__isnull=True).exists():
                sweep["sweep_s"] = round(time.monotonic() - sent_at, 2)

        busy_ids = self._file(people, filings, pace, first=filings, on_pause=sweep_check)
        self._receipts_sent(busy_ids, workers, timeout)
        _wait(lambda: sweep_check() or "sweep_s" in sweep, timeout=timeout, what="the sweep",
              workers=workers)
        sweep_rows = Notification.objects.filter(case__deadlines__in=clocks).exclude(
            kind=Notification.Kind.CASE_RECEIPT)
        _wait(lambda: not sweep_rows.exclude(status=Notification.Status.SENT).exists(),
              timeout=timeout, what="the sweep's e-mails", workers=workers)
        last_bulk = sweep_rows.aggregate(m=Max("sent_at"))["m"]
        with_sweep = _figures(_latencies(busy_ids))
        with_sweep.update({
            **sweep, "sweep_emails": sweep_rows.count(),
            "sweep_emails_all_sent_s": round(time.monotonic() - sent_at, 1),
            "receipts_sent_before_the_sweeps_last_email": Notification.objects.filter(
                case_id__in=busy_ids, kind=Notification.Kind.CASE_RECEIPT,
                sent_at__lt=last_bulk).count()})
        return {"without_sweep": without, "with_sweep": with_sweep,
                "ratio_p50": round(with_sweep["p50_ms"] / without["p50_ms"], 2),
                "ratio_p95": round(with_sweep["p95_ms"] / without["p95_ms"], 2)}

