"""The desk under concurrent use: operators browsing while the API files and the sweep runs.

    python manage.py bench_concurrent --operators 8 --api-rate 10 --seconds 60

It WRITES REAL ROWS to the configured database (DATABASE_URL, or the SQLite file under
KOTAE_VAR_DIR): bench operators (bench-concurrent-operator-N@example.com, made if missing,
each with a new password and authenticator device per run), a bench filer with an API
token (revoked at the end), every case the API files with its clocks and e-mails, and
whatever the sweep does to the clocks it finds due. Use a scratch database with cases in it
(`manage.py seed_bench --cases N`).

It starts, on private ports, the processes of Procfile.production: the web under gunicorn
(`-c python:config.gunicorn`, `--workers`, default 2 per CPU plus one), make run's two
Celery workers (config/devrun.py) and beat with the sweep every `--sweep-seconds`, on the
configured broker, and a local mail server that accepts every message. Then:

1. each operator logs in as a person does (the login form, then the second step with the
   code of their authenticator app), every page is warmed (not counted), and beat's first
   sweep (which may find many clocks due in a seeded database) is waited for;
2. single user: one operator alone, no API load, `--single-runs` views of each page kind:
   the queue, the queue filtered, the queue searched, a case opened from the queue; then
   as many filings through the API, one at a time;
3. concurrent use, for `--seconds`: `--operators` operators browse (a case from the list
   they saw, back to the queue, now and then a filter or a search), `--think` seconds
   between two page views each, while the API files `--api-rate` cases a second and beat
   sends the sweep.

It prints, per page kind, the count, p50 and p95 (ms) under concurrent use, the
single-user p50 and the ratio p95(concurrent) / p50(single) (the goal: under 3); the API's
achieved rate (filings answered within the run) and p50/p95, the operators' page views a
second, the sweeps run, how busy the machine was and the CPU each process used; then the
same as one JSON object on the last line. Every request has a timeout, and every process
is stopped however the command ends (error, Ctrl-C or SIGTERM).
"""
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.services import api_token_create, api_token_revoke, roles_ensure, user_role_set
from complaints.devtools.desk_load import (
    PAGE_KINDS,
    REQUEST_TIMEOUT,
    ApiFiler,
    Desk,
    LoginFailed,
    Operator,
    View,
    page_figures,
    staff_session,
)
from complaints.devtools.management.commands.bench_api import (
    HOST,
    Gunicorn,
    _complaint,
    _database_url,
    _free_port,
    _group_cpu_seconds,
    _machine_jiffies,
)
from complaints.devtools.management.commands.bench_receipts import _MailServer, _wait, _Worker
from complaints.devtools.stopping import Stopped, sigterm_raises_stopped, sigterm_restore
from complaints.models import Case, SweepRun
from complaints.services.sweep_runs import DEADLINES
from config.devrun import WORKERS, worker_command

OPERATOR_EMAIL = "bench-concurrent-operator-{n}@example.com"
FILER_EMAIL = "bench-concurrent-filer@example.com"
GOAL = 3.0  # p95 under concurrent use, at most this many times the single-user p50




class _Gunicorn(Gunicorn):
    """As Procfile.production's web line starts it (`-c python:config.gunicorn`, sync
    workers), on a private port with so many workers."""

    def _start(self, gunicorn, app, port, workers, threads, worker_class, env):
        return subprocess.Popen(  # noqa: S603 - our own command line
            [str(gunicorn), "-c", "python:config.gunicorn", app, "--bind", f"{HOST}:{port}",
             "--workers", str(workers), "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)


class _Celery(_Worker):
    """A Celery worker or beat, stopped as a service manager stops it: SIGTERM to its main
    process, which stops its pool itself (a SIGTERM to the whole group kills the pool's
    children under it, and the worker then waits half a minute for them)."""

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        """SIGTERM; after 15 s SIGKILL to the whole group; whatever of it is left too."""
        self.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group's last members, if any
        except ProcessLookupError:
            pass
        self.process.wait(timeout=15)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _cpu_seconds(processes, server) -> dict:
    return {"gunicorn": _group_cpu_seconds(server.process.pid),
            **{p.name: _group_cpu_seconds(p.process.pid) for p in processes}}


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)


def _sweeps() -> tuple[int, float | None, int | None]:
    row = SweepRun.objects.filter(name=DEADLINES).first()
    return (row.runs, row.last_seconds, row.last_handled) if row else (0, None, None)


def _operators(count: int) -> list[tuple[str, str, TOTPDevice]]:
    """(e-mail, password, device) of each bench operator: a new password and a new
    authenticator device each run, so the codes of a run a moment ago do not clash."""
    roles_ensure()
    people = []
    for n in range(1, count + 1):
        email = OPERATOR_EMAIL.format(n=n)
        user, _ = User.objects.get_or_create(
            email=email, defaults={"display_name": f"Bench operator {n}",
                                   "email_verified": True, "is_active": True})
        user = user_role_set(user=user, role=Role.OPERATOR)
        password = secrets.token_urlsafe(16)
        user.set_password(password)
        user.is_active = user.email_verified = True
        user.save(update_fields=["password", "is_active", "email_verified"])
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app",
                                           confirmed=True, tolerance=1)
        people.append((email, password, device))
    return people


def _searches(rng: random.Random) -> list[str]:
    """What operators type in the queue's search: a title's word, a reference."""
    top = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = list(Case.objects.filter(pk__lte=rng.randint(1, max(1, top)))
                  .order_by("-pk").values_list("title", "reference")[:3])
    words = {title.split()[0] for title, _ in picked if title.split()}
    return ["Hoshizora", *sorted(words), *(reference for _, reference in picked)]


def _in_threads(targets, timeout: float) -> None:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        raise CommandError(f"page views still unanswered after {timeout:.0f} s")


class Command(BaseCommand):
    help = ("Operators browse the desk while the API files and the sweep runs, against "
            "gunicorn, Celery workers and beat on private ports; prints p50/p95 per page, "
            "the rates, and p95 against the single-user p50. WRITES REAL ROWS to the "
            "configured database: use a scratch one.")

    def add_arguments(self, parser):
        parser.add_argument("--operators", type=int, default=8)
        parser.add_argument("--api-rate", type=float, default=10.0,
                            help="Cases the API files a second.")
        parser.add_argument("--seconds", type=float, default=60.0,
                            help="How long the concurrent phase lasts.")
        parser.add_argument("--think", type=float, default=2.0,
                            help="Seconds an operator waits between two page views.")
        parser.add_argument("--single-runs", type=int, default=15,
                            help="Single-user views of each page kind.")
        parser.add_argument("--workers", type=int, default=2 * _cpus() + 1,
                            help="Gunicorn worker processes (default: 2 per CPU plus one).")
        parser.add_argument("--sweep-seconds", type=float, default=10.0,
                            help="How often beat sends the sweep (production: 60).")
        parser.add_argument("--port", type=int, default=0, help="Default: a free port.")

    def handle(self, *args, **options):
        if (options["operators"] < 1 or options["api_rate"] <= 0 or options["seconds"] <= 0
                or options["think"] < 0 or options["single_runs"] < 1
                or options["workers"] < 1 or options["sweep_seconds"] <= 0):
            raise CommandError("--operators, --api-rate, --seconds, --single-runs, --workers "
                               "and --sweep-seconds must be positive, --think not negative")
        if not Case.objects.exists():
            raise CommandError("No cases: run `manage.py seed_bench --cases N` first.")
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE")
        if not module:
            raise CommandError("no settings module to give the processes")
        self.started = time.monotonic()
        self.stderr.write(f"bench_concurrent writes real cases to the {connection.vendor} "
                          f"database {connection.settings_dict['NAME']}.")
        previous_handler = sigterm_raises_stopped()
        abort = threading.Event()
        processes, server, mail, token_row, ok = [], None, None, None, False
        scratch = tempfile.TemporaryDirectory(prefix="bench_concurrent-")
        try:
            filer, _ = User.objects.get_or_create(
                email=FILER_EMAIL, defaults={"display_name": "Bench filer",
                                             "email_verified": True, "is_active": True})
            token_row, token = api_token_create(user=filer, name="bench_concurrent")
            people = _operators(options["operators"])
            mail = _MailServer(0.0)
            port = options["port"] or _free_port()
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": module,
                   "DATABASE_URL": _database_url(), "KOTAE_VAR_DIR": str(settings.VAR_DIR),
                   "KOTAE_TEST_EAGER": "false", "DJANGO_DEBUG": "false",
                   "PYTHONUNBUFFERED": "1", "KOTAE_API_RATE": "1000000/s",
                   "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}",
                   "SWEEP_SECONDS": str(options["sweep_seconds"]),
                   "CELERY_BEAT_SCHEDULE_FILENAME": str(Path(scratch.name) / "beat-schedule")}
            if not {"*", HOST} & set(settings.ALLOWED_HOSTS):
                env["ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, HOST])
            server = _Gunicorn(app="config.wsgi:application", port=port,
                               workers=options["workers"], threads=1, worker_class="sync",
                               env=env)
            sweeps_before = _sweeps()[0]
            for name, queues in WORKERS.items():  # appended one by one: all are stopped
                processes.append(_Celery(name, worker_command(
                    python=sys.executable, name=name,
                    queues=[settings.KOTAE_QUEUES[q] for q in queues]), env))
            beat = _Celery("beat", f"{Path(sys.executable).with_name('celery')} -A config "
                           "beat --loglevel=INFO", env)
            processes.append(beat)
            server.wait_healthy({"Host": HOST}, timeout=90)
            _wait(lambda: all(w.ready() for w in processes if w is not beat), timeout=120,
                  what="the workers to be ready", workers=processes)
            self._say(f"gunicorn ({options['workers']} workers), 2 Celery workers and beat "
                      f"are up on port {port}")
            result = self._bench(options, people=people, token=token, filer=filer,
                                 port=port, server=server, processes=processes,
                                 abort=abort, sweeps_before=sweeps_before)
            ok = True
        except (KeyboardInterrupt, Stopped):
            raise CommandError("interrupted; every process stopped") from None
        except LoginFailed as exc:
            raise CommandError(f"an operator could not log in: {exc}") from exc
        finally:
            abort.set()  # threads still running stop at their next wait
            for process in processes:  # all at once: each takes a few seconds
                process.terminate()
            for process in processes:
                process.stop()
            if server is not None:
                server.finish(ok=ok, say=self.stderr.write)
            if mail is not None:
                mail.stop()
            if token_row is not None:
                api_token_revoke(token=token_row)
            scratch.cleanup()
            sigterm_restore(previous_handler)
        self._report(result)

    def _say(self, what: str) -> None:
        self.stderr.write(f"[{time.monotonic() - self.started:5.1f} s] {what}")

    def _bench(self, options, *, people, token, filer, port, server, processes, abort,
               sweeps_before) -> dict:
        rng = random.Random(2026)
        desk = Desk(base=f"http://{HOST}:{port}", login=reverse("accounts:login"),
                    verify=reverse("accounts:two_factor_verify"),
                    queue=reverse("admin:complaints_case_changelist"),
                    case_path=reverse("admin:complaints_case_change", args=[0]).replace(
                        "/0/", "/{pk}/"),
                    searches=_searches(rng))
        sessions = [None] * len(people)

        def log_in(i):
            email, password, device = people[i]
            sessions[i] = staff_session(desk, email=email, password=password, device=device)
        _in_threads([lambda i=i: log_in(i) for i in range(len(people))], timeout=120)
        operators = [Operator(desk, session, seed=i) for i, session in enumerate(sessions)]

        # Warm every web process (not counted): every operator views each kind twice at
        # once, and the API files two cases per web process.
        warm = [[] for _ in operators]
        _in_threads([lambda o=o, w=w: w.extend(o.view(k) for k in PAGE_KINDS * 2)
                     for o, w in zip(operators, warm, strict=True)], timeout=300)
        bad = [v for w in warm for v in w if v.status != 200]
        if bad:
            raise CommandError(f"warming: {bad[0].kind} answered {bad[0].status}")
        filer_client = ApiFiler(base=desk.base, token=token, complaint=_complaint,
                                rate=options["api_rate"])
        first = Case.objects.filter(filer=filer).count()
        for n in range(2 * options["workers"]):
            filer_client.file_one(first + n, counted=False)
        first += 2 * options["workers"]

        self._say(f"{len(operators)} operators logged in; pages and the API warmed")
        # The first sweep may find many clocks due at once (a seeded database): it runs
        # before the single-user figures; the later ones find what fell due since.
        _wait(lambda: _sweeps()[0] > sweeps_before,
              timeout=max(120.0, 5 * options["sweep_seconds"]), what="beat's first sweep",
              workers=processes)
        self._say("the first sweep ran; single user now")

        # Single user: one operator alone, no API load.
        single = operators[0]
        single_views = [single.view(kind) for _ in range(options["single_runs"])
                        for kind in PAGE_KINDS]
        alone = ApiFiler(base=desk.base, token=token, complaint=_complaint, rate=1)
        for n in range(options["single_runs"]):  # and a filing at a time, no page views
            alone.file_one(first + n)
        first += options["single_runs"]
        self._say(f"concurrent use now, for {options['seconds']:g} s")

        # Concurrent use: every operator browses and the API files; beat goes on.
        sweeps_before = _sweeps()[0]
        filed_before = Case.objects.filter(filer=filer).count()
        views: list[View] = []
        lock = threading.Lock()
        machine = _machine_jiffies()
        cpu = _cpu_seconds(processes, server)
        cpu["bench_concurrent"] = time.process_time()  # the operators' and API's client
        start = time.monotonic()
        until = start + options["seconds"]
        threads = [threading.Thread(target=o.browse, daemon=True, kwargs={
            "until": until, "think": options["think"], "abort": abort, "views": views,
            "lock": lock}) for o in operators]
        threads.append(threading.Thread(target=filer_client.run, daemon=True, kwargs={
            "until": until, "abort": abort, "first": first}))
        for thread in threads:
            thread.start()
        # The last page views and filings end within their timeout after the phase.
        last = until + REQUEST_TIMEOUT + 5
        for thread in threads:
            thread.join(max(0.0, until - time.monotonic()))
        machine_after = _machine_jiffies()
        cpu_after = _cpu_seconds(processes, server)
        cpu_after["bench_concurrent"] = time.process_time()
        for thread in threads:
            thread.join(max(0.0, last - time.monotonic()))
        elapsed = min(time.monotonic(), until) - start
        if any(thread.is_alive() for thread in threads):
            raise CommandError("page views or filings still unanswered "
                               f"{REQUEST_TIMEOUT + 5} s after the end")
        self._say("done; stopping the processes")
        beat = processes[-1]
        if beat.process.poll() is not None:
            raise CommandError(f"beat exited:\n{beat.output()}")
        sweeps, last_seconds, last_handled = _sweeps()

        pages = page_figures(views)
        base_figures = page_figures(single_views)
        for kind in PAGE_KINDS:
            p50 = base_figures[kind]["p50_ms"]
            pages[kind]["single_p50_ms"] = p50
            p95 = pages[kind]["p95_ms"]
            pages[kind]["ratio_p95_to_single_p50"] = (
                round(p95 / p50, 2) if p95 is not None and p50 else None)
        return {
            "database": connection.vendor, "cases": Case.objects.count(),
            "gunicorn_workers": options["workers"], "cpus": _cpus(),
            "operators": len(operators), "think_s": options["think"],
            "seconds": round(elapsed, 1), "single_runs": options["single_runs"],
            "pages": pages,
            "single_errors": {k: v["errors"] for k, v in base_figures.items() if v["errors"]},
            "page_views": len(views),
            "page_views_per_second": round(len(views) / elapsed, 2),
            "api": {"target_per_second": options["api_rate"],
                    **filer_client.figures(elapsed),
                    "single_p50_ms": alone.figures(1)["p50_ms"],
                    "cases_written": Case.objects.filter(filer=filer).count() - filed_before},
            "sweep_every_s": options["sweep_seconds"],
            "sweeps": sweeps - sweeps_before,
            "last_sweep": {"seconds": round(last_seconds, 3) if last_seconds is not None
                           else None, "clocks": last_handled},
            "machine_busy_percent": round(100 * (machine_after[0] - machine[0])
                                          / max(1, machine_after[1] - machine[1]), 1)
            if machine and machine_after else None,
            # CPU seconds a second (1.0: one CPU busy) during the phase, by process.
            "cpu": {name: round((cpu_after[name] - cpu[name]) / elapsed, 2)
                    for name in cpu if cpu[name] is not None and cpu_after[name] is not None},
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }

    def _report(self, r: dict) -> None:
        write = self.stdout.write
        write(f"{r['database']}, {r['cases']:,} cases; gunicorn {r['gunicorn_workers']} sync "
              f"workers on {r['cpus']} CPUs; {r['operators']} operators ({r['think_s']} s "
              f"between page views), API {r['api']['target_per_second']} filings/s, "
              f"{r['seconds']} s; sweep every {r['sweep_every_s']} s")
        write(f"{'page':<16}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'single p50':>12}"
              f"{'p95/single':>12}{'with rows':>11}  errors")
        for kind, p in r["pages"].items():
            def ms(value):
                return "-" if value is None else f"{value:.1f}"
            ratio = p["ratio_p95_to_single_p50"]
            write(f"{kind:<16}{p['count']:>7}{ms(p['p50_ms']):>10}{ms(p['p95_ms']):>10}"
                  f"{ms(p['single_p50_ms']):>12}"
                  f"{'-' if ratio is None else f'{ratio:.2f}x':>12}{p['with_rows']:>11}  "
                  f"{p['errors'] or 'none'}")
        api = r["api"]
        write(f"API: {api['filed']} filed of {api['sent']} sent, {api['per_second']}/s "
              f"answered within the run (target {api['target_per_second']}; "
              f"{api['filed_after_the_end']} answered after it), p50 {api['p50_ms']} ms, "
              f"p95 {api['p95_ms']} ms (one at a time: p50 {api['single_p50_ms']} ms), "
              f"errors {api['errors'] or 'none'}")
        write(f"operators: {r['page_views']} page views, {r['page_views_per_second']}/s")
        write(f"sweeps run: {r['sweeps']} (the last took {r['last_sweep']['seconds']} s, "
              f"{r['last_sweep']['clocks']} clocks)")
        write(f"machine: {r['machine_busy_percent']}% busy during the run (CPUs used: "
              + ", ".join(f"{name} {used}" for name, used in r["cpu"].items())
              + f"), load average {r['load_average']}")
        met = [k for k, p in r["pages"].items() if p["ratio_p95_to_single_p50"] is not None
               and p["ratio_p95_to_single_p50"] < GOAL]
        write(f"p95 under {GOAL:g}x the single-user p50: {len(met)} of {len(r['pages'])} "
              f"pages ({', '.join(met) or 'none'})")
        write(json.dumps(r))
