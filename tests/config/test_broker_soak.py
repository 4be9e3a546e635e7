"""`make run`'s processes on the broker this run is configured with (the embedded one on
a laptop), soaked: web, worker and beat as real processes, several more processes sending
tasks at once for a few minutes, with beat ticking every second. Every task sent runs, no
process dies, and every notification of the run reaches a real SMTP server once.

Slow (minutes): CI runs it once per broker, not in every pass. KOTAE_SOAK_SECONDS and
KOTAE_SOAK_SENDERS change its length and its number of senders.
"""
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from accounts.services import api_token_create
from complaints.models import Notification
from config.devrun import commands
from tests.config.test_devrun import free_port, wait_for_health
from tests.support.worker import database_url_for_worker

BASE_DIR = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("KOTAE_SOAK_SECONDS", "150"))
SENDERS = int(os.environ.get("KOTAE_SOAK_SENDERS", "4"))
RATE = float(os.environ.get("KOTAE_SOAK_RATE", "1.25"))  # tasks a second a thread
THREADS = 4
FILE_EVERY = int(os.environ.get("KOTAE_SOAK_FILE_EVERY", "25"))  # a case every N tasks
WEB_CLIENTS = 4  # filing agents posting to the web at once
MIN_TASKS = 1000

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(SECONDS + 600)]


class Inbox:
    """aiosmtpd handler: keeps every message the server accepted."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _private(url: str, db: int) -> str:
    """The same Redis server, a database of the soak's own."""
    return re.sub(r"/\d*$", f"/{db}", url) if url.startswith("redis") else url


class Stack:
    """Web, worker, beat and the senders, each a process with its own log."""

    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path, self.env, self.processes = tmp_path, env, {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(argv, cwd=BASE_DIR, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = (process, log)
        return process

    def log(self, name: str, tail: int = 3000) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")[-tail:]

    def dead(self, names) -> list[str]:
        return [n for n in names if self.processes[n][0].poll() is not None]

    def report(self, names) -> str:
        return "\n".join(f"--- {n} (exit {self.processes[n][0].poll()}) ---\n{self.log(n)}"
                         for n in names)

    def stop(self) -> None:
        for process, _log in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process, log in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(timeout=10)
            log.close()


def _file_through_the_api(port: int, token: str, stop: threading.Event, made: list):
    body = {"kind": "output_complaint", "title": "Soak filing through the web", "law": "us_dmca",
            "postal_address": "1-2-3 Jingumae, Tokyo", "phone": "+81 3-1234-5678",
            "ai_product": "DreamReel video", "similarity": "The opening scene is copied.",
            "remedies": ["remove_output"],
            "works": [{"title": "Hoshizora Quest", "kind": "anime",
                       "rights_holder": "Studio Hoshizora"}],
            "locations": [{"url": "https://dreamreel.example/v/soak"}],
            "good_faith_statement": True, "accuracy_statement": True,
            "signature": "Hanako Yamada"}
    while not stop.wait(1.0):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/cases/", data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http://127.0.0.1
                made.append(response.status)
        except (urllib.error.URLError, OSError) as exc:
            made.append(repr(exc))


def test_the_stack_stays_up_and_runs_every_task_once(tmp_path, creator):
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "SITE_URL"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.dev", "KOTAE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url_for_worker(), "PORT": str(port),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "SWEEP_SECONDS": "1",
    })
    for name in ("REDIS_URL", "BROKER_URL"):
        if env.get(name):
            env[name] = _private(env[name], 13)
    _row, token = api_token_create(user=creator, name="soak")
    stack = Stack(tmp_path, env)
    core = ["web", "worker", "bulk", "beat"]
    stop_filing, filed = threading.Event(), []
    try:
        for name, command in commands(python=sys.executable, port=str(port)).items():
            stack.start(name, command.split())
        wait_for_health(port, timeout=90)
        senders = [f"sender-{i}" for i in range(SENDERS)]
        for name in senders:
            stack.start(name, [sys.executable, "-m", "tests.support.soak_sender",
                               "--seconds", str(SECONDS), "--rate", str(RATE),
                               "--filer", str(creator.pk), "--threads", str(THREADS),
                               "--file-every", str(FILE_EVERY),
                               "--out", str(tmp_path / f"{name}.ids")])
        filing = [threading.Thread(target=_file_through_the_api,
                                   args=(port, token, stop_filing, filed), daemon=True)
                  for _ in range(WEB_CLIENTS)]
        for thread in filing:
            thread.start()
        started = time.monotonic()
        while time.monotonic() - started < SECONDS + 60 and not all(
                stack.processes[n][0].poll() is not None for n in senders):
            assert not stack.dead(core), "a process died:\n" + stack.report(stack.dead(core))
            time.sleep(1)
        stop_filing.set()
        for thread in filing:
            thread.join(timeout=15)
        failed_senders = [n for n in senders if stack.processes[n][0].poll() != 0]
        assert not failed_senders, stack.report(failed_senders)
        sent_ids = {line.strip() for n in senders
                    for line in (tmp_path / f"{n}.ids").read_text().splitlines()}
        print(f"\nsoak: {len(sent_ids)} tasks from {SENDERS} senders in {SECONDS:.0f} s, "
              f"{len(filed)} filings through the web")
        assert len(sent_ids) >= MIN_TASKS
        assert filed and all(status == 201 for status in filed), filed

        # Drain: every task sent has run, every notification is sent (bounded).
        done_pattern = re.compile(r"Task [\w.]+\[([0-9a-f-]{36})\] succeeded")
        deadline = time.monotonic() + 180
        while True:
            assert not stack.dead(core), "a process died:\n" + stack.report(stack.dead(core))
            succeeded = set(done_pattern.findall(stack.log("worker", tail=10**9)))
            missing = sent_ids - succeeded
            pending = Notification.objects.exclude(status=Notification.Status.SENT).count()
            if not missing and not pending:
                break
            assert time.monotonic() < deadline, (
                f"{len(missing)} tasks never ran, {pending} notifications unsent\n"
                + stack.report(core))
            time.sleep(2)

        notifications = Notification.objects.count()
        assert notifications >= len(filed)
        time.sleep(3)  # a duplicate would arrive now, if one were on its way
        ids = [m["Message-ID"] for m in inbox.messages]
        print(f"soak: {notifications} notifications, {len(ids)} e-mails received")
        assert len(ids) == len(set(ids)) == notifications
        # No SITE_URL is set: links in e-mails use the port the stack was started on.
        receipts = [m for m in inbox.messages if m["To"] == creator.email]
        assert receipts and all(f"http://127.0.0.1:{port}/cases/KT-" in _text(m)
                                for m in receipts)
        assert "Traceback" not in stack.log("worker", tail=10**9)
        assert not stack.dead(core), stack.report(core)
    finally:
        stop_filing.set()
        stack.stop()
        smtp.stop()
