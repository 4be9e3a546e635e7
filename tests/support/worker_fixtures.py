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
    _queues_emptied()

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


def _queues_emptied() -> None:
    """This test process's queues, emptied before its workers start: tasks an earlier test
    (or an earlier run: RabbitMQ keeps its queues) left there would come first."""
    from django.conf import settings

    for queue in settings.KOTAE_QUEUES.values():
        try:
            with celery_app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)
        except Exception:  # noqa: S112 - a queue not declared yet holds nothing
            continue
