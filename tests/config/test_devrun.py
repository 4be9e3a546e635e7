"""`make run`'s supervisor: web, the two workers (sweep, relays and interactive e-mail;
bulk e-mail and webhooks) and beat
come up, /healthz answers, and stopping it (or killing `make` above it) leaves no process
behind."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from config.devrun import commands
from tests.support.worker import processes_with

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker
HEALTH_TOKEN = "devrun-test-health-token"  # noqa: S105 - a test value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_lines(pids: list[int]) -> list[str]:
    lines = []
    for pid in pids:
        try:
            lines.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return lines


def wait_for_health(port: int, timeout: float = 90, token: str = "") -> dict:
    """/healthz's answer once the web answers (its details with the health token)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Authorization": f"Bearer {token}"} if token else {})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=2) as r:  # noqa: S310 - http only
                return json.loads(r.read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the web server did not answer /healthz")


def wait_until_gone(marker: str, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and processes_with(marker):
        time.sleep(0.3)
    return processes_with(marker)


@pytest.fixture
def devrun_env(tmp_path):
    marker = f"KOTAE_DEVRUN_TEST={uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "BROKER_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"KOTAE_VAR_DIR": str(tmp_path / "var"), "PORT": str(free_port()),
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
                "KOTAE_HEALTH_TOKEN": HEALTH_TOKEN,
                marker.split("=")[0]: marker.split("=")[1]})
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env,
                   check=True, timeout=120)
    yield env, marker
    for pid in processes_with(marker):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_web_worker_and_beat(devrun_env, tmp_path):
    env, marker = devrun_env
    console = tmp_path / "console.txt"
    with open(console, "w") as out:
        supervisor = subprocess.Popen([sys.executable, "-m", "config.devrun"], cwd=BASE_DIR,
                                      env=env, stdout=out, stderr=subprocess.STDOUT)
    health = wait_for_health(int(env["PORT"]), token=HEALTH_TOKEN)
    # The address printed is the port the user chose.
    assert f"Kotae on http://127.0.0.1:{env['PORT']}/" in console.read_text()
    assert (health["status"], health["database"], health["broker"]) == ("ok", "ok", "ok")
    # supervisor, web (+reloader), the two workers, beat
    assert len(processes_with(marker)) >= 5
    running = command_lines(processes_with(marker))
    assert any("worker" in line and "--queues=bulk,webhooks" in line for line in running)
    assert any("worker" in line and "--queues=sweep,interactive" in line for line in running)
    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=30)
    assert wait_until_gone(marker) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal")
def test_killing_the_parent_make_stops_everything(devrun_env):
    env, marker = devrun_env
    # A shell stands in for `make`: it waits on the supervisor and is killed outright.
    parent = subprocess.Popen(["sh", "-c", f"{sys.executable} -m config.devrun; true"],
                              cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wait_for_health(int(env["PORT"]))
    parent.kill()
    parent.wait(timeout=10)
    assert wait_until_gone(marker) == []


def test_links_in_e_mails_use_the_chosen_port_unless_site_url_is_set():
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    show = [sys.executable, "-c", "import django; django.setup(); "
            "from django.conf import settings; print(settings.SITE_URL)"]
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", PORT="8101")
    run = subprocess.run(show, cwd=BASE_DIR, env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    assert run.stdout.strip() == "http://127.0.0.1:8101"
    env["SITE_URL"] = "https://kotae.example/"
    run = subprocess.run(show, cwd=BASE_DIR, env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    assert run.stdout.strip() == "https://kotae.example"


def test_make_run_serves_every_queue_by_urgency_with_two_workers():
    """The two workers serve the queues the settings route to (dev and production share
    the names): one the sweep, the relays and interactive e-mail; the other bulk e-mail
    and webhooks, so no batch and no hanging webhook stands in front of a sweep or a
    receipt."""
    show = [sys.executable, "-c", "import django; django.setup(); "
            "from django.conf import settings; import json; "
            "print(json.dumps([settings.KOTAE_QUEUES, settings.KOTAE_TASK_QUEUES]))"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    run = subprocess.run(show, cwd=BASE_DIR, env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    queues, task_queues = json.loads(run.stdout)
    workers = commands(python=sys.executable, port="8000")
    served = {name: command.split("--queues=")[1].split()[0].split(",")
              for name, command in workers.items() if "--queues=" in command}
    assert served == {"worker": [queues["sweep"], queues["interactive"]],
                      "bulk": [queues["bulk"], queues["webhooks"]]}
    assert task_queues["complaints.tasks.deadlines_sweep_task"] == "sweep"
    assert task_queues["complaints.tasks.notification_deliver_task"] == "interactive"
    assert task_queues["complaints.tasks.notifications_deliver_many_task"] == "bulk"
    assert task_queues["complaints.tasks.webhook_deliver_task"] == "webhooks"
    assert set(task_queues.values()) == set(queues)  # every queue is used, and served
    assert "--hostname=bulk@%h" in workers["bulk"]
    assert all("--concurrency=2" in command for command in workers.values()
               if "--queues=" in command)
