"""Fixtures: `start_worker` starts real Celery workers (stopped after the test) with
tasks really sent to the broker instead of run in the test's process."""
import pytest

from config.celery import app as celery_app
from tests.support.worker import Worker


@pytest.fixture
def start_worker(tmp_path):
    email_dir = tmp_path / "mail"
    email_dir.mkdir()
    started = []
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False

    def start(**env) -> Worker:
        """A worker of every queue but the webhooks'; `queues=("webhooks",)` for others."""
        worker = Worker(email_dir, tmp_path / f"worker-{len(started)}.log", **env)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = previous
        for worker in started:
            worker.discard()
