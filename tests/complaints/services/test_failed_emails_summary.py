"""No e-mail forgotten: supervisors hear of e-mails that failed for good, at most once an
hour (an outage does not flood them), naming what failed; nothing when nothing new
failed; and a summary that fails itself is never counted in the next one."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from complaints.models import Notification
from complaints.services.outbox import notification_deliver
from complaints.services.outbox.email import MAX_ATTEMPTS
from complaints.services.sweep import failed_emails_summarise
from tests.factories import file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


def _last_attempt_fails(row: Notification) -> None:
    """The row's last attempt, with the mail server down: it is given up."""
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.FAILED, attempts=MAX_ATTEMPTS - 1,
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert notification_deliver(notification_id=row.pk) is False


def _receipt_given_up(filer, mail_server_down, title):
    case = file_case(filer=filer, title=title)
    row = Notification.objects.get(case=case, kind="case_receipt")
    _last_attempt_fails(row)
    return case


def _summaries():
    return list(Notification.objects.filter(kind="failed_emails").order_by("pk"))


def _deliver_summaries():
    mail.outbox.clear()
    for row in Notification.objects.filter(kind="failed_emails", status="pending"):
        assert notification_deliver(notification_id=row.pk)
    return list(mail.outbox)


def test_one_summary_an_hour_to_supervisors_naming_what_failed(
        creator, operator, supervisor, mail_server_down):
    first = _receipt_given_up(creator, mail_server_down, "Scene 1 copied")
    second = _receipt_given_up(creator, mail_server_down, "Scene 2 copied")
    now = timezone.now()
    assert failed_emails_summarise(now=now) == 1
    # A second outage within the hour: no second e-mail.
    third = _receipt_given_up(creator, mail_server_down, "Scene 3 copied")
    assert failed_emails_summarise(now=now + timedelta(minutes=20)) == 0

    mail_server_down.undo()
    [sent] = _deliver_summaries()
    assert sent.to == [supervisor.email]  # supervisors only, not every operator
    assert sent.subject == "[Kotae] 2 e-mails could not be sent"
    assert "2 e-mails could not be sent after every attempt." in sent.body
    assert "Receipt to the filer (2)" in sent.body
    assert f"{first.reference} “Scene 1 copied”" in sent.body
    assert f"{second.reference} “Scene 2 copied”" in sent.body
    assert third.reference not in sent.body
    assert "/admin/complaints/notification/?failed=final" in sent.body

    # The next hour: the failure since then is told, and only it.
    assert failed_emails_summarise(now=now + timedelta(hours=1)) == 1
    [later] = _deliver_summaries()
    assert later.subject == "[Kotae] 1 e-mail could not be sent"
    assert third.reference in later.body and first.reference not in later.body
    # Nothing new failed: nothing more.
    assert failed_emails_summarise(now=now + timedelta(hours=2)) == 0


def test_nothing_when_nothing_failed(creator, supervisor):
    file_case(filer=creator)
    Notification.objects.update(status=Notification.Status.FAILED, attempts=3,
                                next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert failed_emails_summarise() == 0  # failing, but still being retried
    assert _summaries() == []


def test_a_summary_that_fails_is_not_summarised_again(creator, supervisor, mail_server_down):
    _receipt_given_up(creator, mail_server_down, "Scene 1 copied")
    now = timezone.now()
    failed_emails_summarise(now=now)
    [summary] = _summaries()
    _last_attempt_fails(summary)  # the mail server is still down
    summary.refresh_from_db()
    assert summary.failed_at is not None
    assert failed_emails_summarise(now=now + timedelta(hours=1)) == 0
    assert _summaries() == [summary]


def test_an_e_mail_sent_again_from_the_desk_is_no_longer_failed_for_good(
        creator, supervisor, mail_server_down):
    case = _receipt_given_up(creator, mail_server_down, "Scene 1 copied")
    row = Notification.objects.get(case=case, kind="case_receipt")
    assert row.failed_at is not None
    from complaints.services.outbox import notifications_resend

    notifications_resend(ids=[row.pk])
    row.refresh_from_db()
    assert (row.status, row.failed_at) == (Notification.Status.PENDING, None)
    assert failed_emails_summarise() == 0


def test_an_hour_apart_not_a_new_clock_hour_apart(creator, supervisor, mail_server_down):
    """A summary at 10:57 and a failure at 11:01: the next summary waits until 11:57."""
    from datetime import UTC, datetime

    _receipt_given_up(creator, mail_server_down, "Scene 1 copied")
    at_1057 = datetime(2026, 12, 1, 10, 57, tzinfo=UTC)
    Notification.objects.update(failed_at=at_1057 - timedelta(minutes=1))
    assert failed_emails_summarise(now=at_1057) == 1
    later = _receipt_given_up(creator, mail_server_down, "Scene 2 copied")
    Notification.objects.filter(case=later).update(failed_at=at_1057 + timedelta(minutes=4))
    assert failed_emails_summarise(now=at_1057 + timedelta(minutes=5)) == 0
    assert failed_emails_summarise(now=at_1057 + timedelta(minutes=59)) == 0
    assert failed_emails_summarise(now=at_1057 + timedelta(minutes=60)) == 1
