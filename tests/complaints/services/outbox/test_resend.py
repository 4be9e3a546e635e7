"""No e-mail forgotten: one out of attempts says so on the desk, and the desk can send it
again; a sent one is never sent twice."""
import pytest
from django.core import mail
from django.urls import reverse

from complaints.models import Notification
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def _out_of_attempts(creator):
    row = Notification.objects.get(case=file_case(filer=creator), kind="case_receipt")
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.FAILED, attempts=12, next_attempt_at=None,
        last_error="451 4.3.2 Mail system busy")
    return row


def test_the_desk_sees_an_e_mail_out_of_attempts_and_sends_it_again(
        client, creator, operator, django_capture_on_commit_callbacks):
    failed = _out_of_attempts(creator)
    sent = Notification.objects.get(case=file_case(filer=creator), kind="case_receipt")
    Notification.objects.filter(pk=sent.pk).update(status=Notification.Status.SENT)
    client.force_login(operator)
    listing = client.get(reverse("admin:complaints_notification_changelist")).content.decode()
    assert "Failed: no more attempts" in listing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:complaints_notification_changelist"),
                               {"action": "send_again",
                                "_selected_action": [failed.pk, sent.pk]}, follow=True)
    assert "1 e-mail will be sent again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Notification.Status.SENT and failed.attempts == 1
    assert [m.to for m in mail.outbox] == [[creator.email]]  # the sent one: not again
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{failed.pk}@kotae.local>"
