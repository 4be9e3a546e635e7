"""A real `celery worker` process, on the broker this run is configured with (the
embedded filesystem broker by default, Redis when REDIS_URL is set), delivers an
e-mail from the outbox to the end."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from complaints.models import Notification
from config.celery import app as celery_app
from tests.factories import file_case

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url_for_worker() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return (f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")


@pytest.fixture
def worker(tmp_path):
    email_dir = tmp_path / "mail"
    email_dir.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": database_url_for_worker(),
           "KOTAE_TEST_EMAIL_DIR": str(email_dir)}
    log = open(tmp_path / "worker.log", "w+")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker",
         "--pool=solo", "--queues", settings.CELERY_TASK_DEFAULT_QUEUE, "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield email_dir, process, log
    finally:
        celery_app.conf.task_always_eager = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_real_worker_sends_the_receipt(worker, creator):
    email_dir, process, log = worker
    case = file_case(filer=creator)  # committed; the task goes to the broker after commit
    notification = Notification.objects.get(case=case)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.status == Notification.Status.SENT or process.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    output = log.read()
    assert notification.status == Notification.Status.SENT, output[-3000:]
    assert notification.attempts == 1
    assert "notification_deliver_task" in output and "succeeded" in output
    written = "".join(p.read_text() for p in email_dir.iterdir())
    assert case.reference in written
    assert creator.email in written
