"""The one Celery app. Configuration comes from Django settings (CELERY_*)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("kotae")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_route(name, args, kwargs, options, task=None, **rest):
    """Celery's router (CELERY_TASK_ROUTES): the queue settings.KOTAE_TASK_QUEUES names for
    the task, or None for the default queue. Read at each send, so a test's settings hold."""
    from django.conf import settings

    carries = settings.KOTAE_TASK_QUEUES.get(name)
    return {"queue": settings.KOTAE_QUEUES[carries]} if carries else None
