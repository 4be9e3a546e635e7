"""Each notification is written once and sent once; a failure waits for the sweep."""
import pytest
from django.core import mail

from complaints.models import Notification
from complaints.services.notifications import (
    filer_notify,
    notification_deliver,
    notifications_due_ids,
)
from complaints.tasks import notifications_sweep
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def queue_receipt_again(case):
    return filer_notify(case=case, event="receipt", template="case_receipt",
                        context={"first_response_due": case.next_due_at})


def test_the_same_key_is_one_notification_sent_once(creator, on_commit):
    with on_commit():
        case = file_case(filer=creator)
    with on_commit():
        again = queue_receipt_again(case)
    assert Notification.objects.filter(case=case).count() == 1
    assert again.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    # A task delivered twice (redelivery after a worker died) sends nothing more.
    assert notification_deliver(notification_id=again.pk) is False
    assert len(mail.outbox) == 1


def test_mail_server_down_then_the_sweep_sends_it(creator, settings, on_commit, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with on_commit():
        case = file_case(filer=creator)
    row = Notification.objects.get(case=case)
    assert row.status == Notification.Status.FAILED
    assert "mail server down" in row.last_error
    assert row.attempts == 1
    assert len(mail.outbox) == 0

    monkeypatch.undo()
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert notifications_due_ids() == [row.pk]
    assert notifications_sweep() == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    assert notifications_sweep() == 0


def test_broker_down_means_the_row_waits_for_the_sweep(creator, monkeypatch, on_commit):
    def broker_down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay", broker_down)
    with on_commit():
        case = file_case(filer=creator)  # no error reaches the filer
    row = Notification.objects.get(case=case)
    assert row.status == Notification.Status.PENDING
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    monkeypatch.undo()
    assert notifications_sweep() == 1
    assert len(mail.outbox) == 1


def test_plain_text_e_mails_are_not_html_escaped(creator, on_commit):
    creator.display_name = "O'Brien & Co"
    creator.save()
    with on_commit():
        file_case(filer=creator, title='Frames "copied" <exactly>')
    text = mail.outbox[0].body
    assert "O'Brien & Co" in text
    assert 'Frames "copied" <exactly>' in text
    html = mail.outbox[0].alternatives[0][0]
    assert "O&#x27;Brien &amp; Co" in html  # the HTML part stays escaped
