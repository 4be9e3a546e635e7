"""A real `celery worker` process, on the broker this run is configured with (the
embedded SQLite broker by default, Redis when REDIS_URL is set), delivers an
e-mail from the outbox to the end."""
import pytest

from complaints.models import Notification
from tests.factories import file_case
from tests.support.worker import mails_written, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_sends_the_receipt(start_worker, creator):
    worker = start_worker()
    case = file_case(filer=creator)  # committed; the task goes to the broker after commit
    notification = Notification.objects.get(case=case)

    def sent():
        notification.refresh_from_db()
        return notification.status == Notification.Status.SENT

    wait_for(sent, what="the receipt to be sent", worker=worker)
    assert notification.attempts == 1
    output = worker.output()
    assert "notification_deliver_task" in output and "succeeded" in output
    [mail] = mails_written(worker.email_dir)
    assert case.reference in mail["Subject"]
    assert mail["To"] == creator.email
