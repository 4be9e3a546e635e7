"""Load the REST API under gunicorn on 127.0.0.1 and print one JSON object.

    python manage.py bench_api --seconds 10 --concurrency 16

It WRITES REAL ROWS to the configured database (DATABASE_URL, or the SQLite file under
KOTAE_VAR_DIR): a bench user (bench-api@example.com, made if missing), an API token
(revoked at the end) and every case the create phase files, with their clocks, events
and receipt notifications (queued on the configured broker; no worker is started here).
Use a scratch database.

Gunicorn runs the current settings module with DEBUG off and the quota raised out of the
way, against the same database as this command (so a test database too). Two phases of
`--seconds` each, `--concurrency` client threads with one connection each (kept alive by
gthread workers; sync workers close it after each answer and the client reconnects):

- creates: POST /api/v1/cases/ with one output complaint each; anything but 201 is an error;
- list: GET /api/v1/cases/?page_size=50; anything but 200 is an error.

For each: requests answered as expected, per second, p50 and p95 in milliseconds, errors
(with their statuses), and the CPU used by the client, by gunicorn and by the whole machine
(the client shares the machine with the server). Gunicorn is stopped (and its workers
killed if they linger) however the command ends: error, Ctrl-C or SIGTERM.

Other servers: `--workers`, `--threads` (gthread), `--worker-class`, or `--app` for
another WSGI application (a variant to compare).
"""
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from accounts.services import api_token_create, api_token_revoke
from complaints.devtools.stopping import Stopped, sigterm_raises_stopped, sigterm_restore
from complaints.models import Case
from complaints.selectors import cases as selectors

BENCH_USER = "bench-api@example.com"
CASES = "/api/v1/cases/"
LIST = CASES + "?page_size=50"
HOST = "127.0.0.1"


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _complaint(n: int) -> dict:
    """One valid single-case create (an output complaint)."""
    return {
        "kind": "output_complaint", "title": f"Bench complaint {n}", "law": "us_dmca",
        "postal_address": "1-2-3 Jingumae, Tokyo", "phone": "+81 3-1234-5678",
        "ai_product": "DreamReel video", "ai_model": "reel-2",
        "similarity": "Face, hair and costume are reproduced.",
        "remedies": ["remove_output", "block_prompts"],
        "works": [{"title": "Hoshizora Quest", "kind": "anime",
                   "rights_holder": "Studio Hoshizora"}],
        "locations": [{"url": f"https://dreamreel.example/v/bench{n}",
                       "seen_at": "2026-11-20T10:30:00+09:00"}],
        "good_faith_statement": True, "accuracy_statement": True,
        "signature": "API Bench",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The URL of the database this command uses (a test database under pytest): the
    environment's own when it names the same database, else built from the connection."""
    s = connection.settings_dict
    given = os.environ.get("DATABASE_URL", "")
    if given and environ.Env.db_url_config(given).get("NAME") == s["NAME"]:
        return given
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor != "postgresql":
        raise CommandError(f"bench_api knows SQLite and PostgreSQL, not {connection.vendor}")
    user = quote(s["USER"] or "", safe="")
    password = quote(s["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(s["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{auth}{host}:{s['PORT'] or 5432}/{quote(s['NAME'], safe='')}"


def _group_cpu_seconds(pgid: int) -> float | None:
    """CPU seconds used so far by the live processes of a process group (Linux /proc)."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _machine_jiffies() -> tuple[int, int] | None:
    """(busy, all) CPU time of the whole machine so far (Linux /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)




class Gunicorn:
    """`gunicorn config.wsgi` in its own process group, logging to a temporary file."""

    def __init__(self, *, app, port, workers, threads, worker_class, env):
        self.port = port
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            raise CommandError(f"no gunicorn next to {sys.executable}")
        self.log = tempfile.NamedTemporaryFile(
            "w+", prefix="bench_api-gunicorn-", suffix=".log", delete=False)
        try:
            self.process = self._start(gunicorn, app, port, workers, threads, worker_class,
                                       env)
        except BaseException:
            self.log.close()
            self.remove_log()
            raise

    def _start(self, gunicorn, app, port, workers, threads, worker_class, env):
        return subprocess.Popen(  # noqa: S603
            [str(gunicorn), app, "--bind", f"{HOST}:{port}",
             "--workers", str(workers), "--threads", str(threads),
             "--worker-class", worker_class, "--chdir", str(settings.BASE_DIR),
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
             "--no-control-socket"],
            cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def wait_healthy(self, headers, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn exited ({self.process.returncode}):\n"
                                   + self.output())
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz", headers=headers)
                response = conn.getresponse()
                body = response.read().decode(errors="replace")
                conn.close()
                if response.status == 200:
                    return
                last = f"{response.status} {body[:500]}"
            except OSError as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
        raise CommandError(f"gunicorn not healthy after {timeout:.0f} s: {last}\n"
                           + self.output())

    def stop(self) -> None:
        """SIGTERM to the group, then SIGKILL to whatever of it is left."""
        pgid = self.process.pid  # start_new_session: the master leads its own group
        if self.process.poll() is None:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(pgid, 0)  # anyone (a worker) still in the group?
        except ProcessLookupError:
            pass
        else:
            os.killpg(pgid, signal.SIGKILL)
        self.process.wait(timeout=15)
        self.log.close()

    def remove_log(self) -> None:
        Path(self.log.name).unlink(missing_ok=True)

    def finish(self, *, ok: bool, say) -> None:
        """Stop; keep the log, and `say` where it is, only when the run failed."""
        self.stop()
        if ok:
            self.remove_log()
        else:
            say(f"gunicorn's log: {self.log.name}")


def _warm_total(warmup: int, concurrency: int) -> int:
    return -(-warmup // concurrency) * concurrency


def _phase(*, port, method, path, body_for, headers, expect, seconds, concurrency,
           warmup, abort: threading.Event, server_pgid: int) -> dict:
    """`concurrency` threads, each with one connection, requesting until time is up (after
    `warmup` uncounted requests in all), or until `abort` is set."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter = Counter()
    samples: list[str] = []
    references: list[str] = []
    counter = iter(range(10**9))
    stop_at = 0.0

    def one(conn, n):
        body = json.dumps(body_for(n)).encode() if body_for else None
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - start) * 1000

    def client(requests_first: int):
        mine, my_errors, my_refs = [], Counter(), []
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        done = 0
        try:
            while True:
                warming = done < requests_first
                if abort.is_set() or (not warming and time.monotonic() >= stop_at):
                    break
                with lock:
                    n = next(counter)
                try:
                    status, data, ms = one(conn, n)
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=60)
                    status, data, ms = type(exc).__name__, b"", 0.0
                done += 1
                if warming:
                    continue
                if status == expect:
                    mine.append(ms)
                    if method == "POST":
                        my_refs.append(json.loads(data)["reference"])
                else:
                    my_errors[str(status)] += 1
                    if len(samples) < 5:
                        with lock:
                            samples.append(f"{status}: {data[:300].decode(errors='replace')}")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                errors.update(my_errors)
                references.extend(my_refs)

    warm_each = -(-warmup // concurrency)  # ceil: every thread the same
    # Warm every worker first (not counted), then start the clock.
    threads = [threading.Thread(target=client, args=(warm_each,), daemon=True)
               for _ in range(concurrency)]
    stop_at = float("-inf")
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    threads = [threading.Thread(target=client, args=(0,), daemon=True)
               for _ in range(concurrency)]
    server_cpu, machine = _group_cpu_seconds(server_pgid), _machine_jiffies()
    start, cpu = time.monotonic(), time.process_time()
    stop_at = start + seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    cpu = time.process_time() - cpu
    server_after, machine_after = _group_cpu_seconds(server_pgid), _machine_jiffies()
    result = {
        "count": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
        "errors": sum(errors.values()),
        # CPU used, in % of one CPU: by this client (which shares the machine with the
        # server) and by gunicorn's processes; and how busy the whole machine was (% of
        # all its CPUs; the database server's work is in there too).
        "client_cpu_percent": round(100 * cpu / elapsed, 1),
        "server_cpu_percent": round(100 * (server_after - server_cpu) / elapsed, 1)
        if server_cpu is not None and server_after is not None else None,
        "machine_busy_percent": round(100 * (machine_after[0] - machine[0])
                                      / max(1, machine_after[1] - machine[1]), 1)
        if machine and machine_after else None,
    }
    if errors:
        result["error_statuses"] = dict(errors)
        result["error_samples"] = samples
    if method == "POST":
        result["last_reference"] = references[-1] if references else None
    return result


class Command(BaseCommand):
    help = ("Load the API under gunicorn (creates, then lists) and print creates and lists "
            "per second with p50/p95 as JSON. WRITES REAL CASES to the configured "
            "database: use a scratch one.")

    def add_arguments(self, parser):
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else (os.cpu_count() or 1)
        parser.add_argument("--seconds", type=float, default=10.0, help="Per phase.")
        parser.add_argument("--concurrency", type=int, default=16, help="Client threads.")
        # One per CPU: the API is CPU-bound here (on 2 cores, 2 sync workers answered
        # 20-30% more than 5 did), and more workers only queue for the same CPUs.
        parser.add_argument("--workers", type=int, default=cpus,
                            help="Gunicorn worker processes (default: one per CPU).")
        parser.add_argument("--threads", type=int, default=1,
                            help="Threads per gunicorn worker (more than 1: gthread).")
        parser.add_argument("--worker-class", default="",
                            help="Gunicorn worker class (default sync, or gthread with "
                                 "--threads > 1).")
        parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
        parser.add_argument("--app", default="config.wsgi:application",
                            help="The WSGI application gunicorn serves (to try a variant).")
        parser.add_argument("--warmup", type=int, default=0,
                            help="Uncounted requests per phase before the clock starts "
                                 "(default 4 per worker thread).")

    def handle(self, *args, seconds, concurrency, workers, threads, worker_class, port, app,
               warmup, **options):
        if seconds <= 0 or concurrency < 1 or workers < 1 or threads < 1:
            raise CommandError("--seconds, --concurrency, --workers and --threads must be "
                               "positive")
        worker_class = worker_class or ("gthread" if threads > 1 else "sync")
        settings_module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE")
        if not settings_module:
            raise CommandError("no settings module to give gunicorn")
        warmup = warmup or 4 * workers * threads
        self.stderr.write(f"bench_api writes real cases to the {connection.vendor} "
                          f"database {connection.settings_dict['NAME']} as {BENCH_USER}.")

        user, _ = User.objects.get_or_create(
            email=BENCH_USER,
            defaults={"display_name": "API Bench", "email_verified": True, "is_active": True})
        if not (user.email_verified and user.is_active):
            user.email_verified = user.is_active = True
            user.save(update_fields=["email_verified", "is_active"])
        row, token = api_token_create(user=user, name="bench_api")
        cases_before = Case.objects.filter(filer=user).count()

        env = {**os.environ,
               "DJANGO_SETTINGS_MODULE": settings_module,
               "DATABASE_URL": _database_url(),
               "KOTAE_VAR_DIR": str(settings.VAR_DIR),
               "DJANGO_DEBUG": "false",
               # Per second, so the throttle's history stays as short as a real quota's.
               "KOTAE_API_RATE": "1000000/s",
               "PYTHONUNBUFFERED": "1"}
        if not {"*", HOST} & set(settings.ALLOWED_HOSTS):
            env["ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, HOST])
        headers = {"Host": HOST, "Accept": "application/json"}
        if getattr(settings, "SECURE_SSL_REDIRECT", False):
            headers["X-Forwarded-Proto"] = "https"  # as from the TLS proxy in front
        api_headers = {**headers, "Authorization": f"Bearer {token}"}

        port = port or _free_port()
        previous_handler = sigterm_raises_stopped()
        server = None
        ok = False
        abort = threading.Event()
        try:
            server = Gunicorn(app=app, port=port, workers=workers, threads=threads,
                              worker_class=worker_class, env=env)
            server.wait_healthy(headers)
            common = {"port": port, "seconds": seconds, "concurrency": concurrency,
                      "warmup": warmup, "abort": abort, "server_pgid": server.process.pid}
            creates = _phase(method="POST", path=CASES, body_for=_complaint, expect=201,
                             headers={**api_headers, "Content-Type": "application/json"},
                             **common)
            listing = _phase(method="GET", path=LIST, body_for=None, expect=200,
                             headers=api_headers, **common)
            ok = True
        except (KeyboardInterrupt, Stopped):
            raise CommandError("interrupted; gunicorn stopped") from None
        finally:
            abort.set()  # client threads still running stop at their next request
            if server is not None:
                server.finish(ok=ok, say=self.stderr.write)
            sigterm_restore(previous_handler)
            api_token_revoke(token=row)

        result = {
            "database": connection.vendor,
            "broker": settings.CELERY_BROKER_URL.split(":", 1)[0],
            "settings": settings_module,
            "gunicorn": {"workers": workers, "threads": threads, "worker_class": worker_class,
                         **({"app": app} if app != "config.wsgi:application" else {})},
            "concurrency": concurrency,
            "seconds": seconds,
            "warmup_requests_per_phase": _warm_total(warmup, concurrency),
            "creates": creates,
            "list": listing,
            "cases_written": Case.objects.filter(filer=user).count() - cases_before,
            "cases_visible_to_bench_user": selectors.cases_visible_to(user).count(),
        }
        self.stdout.write(json.dumps(result, indent=2))
