"""Each notification is written once and sent once; a failure waits for the sweep."""
import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from complaints.models import Notification
from complaints.services.outbox import (
    filer_notify,
    notification_deliver,
)
from complaints.services.sweep import deadlines_sweep
from complaints.tasks import notifications_sweep
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def queue_receipt_again(case):
    return filer_notify(case=case, event="receipt", template="case_receipt",
                        refs={"first_response_due_at": case.next_due_at})


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


class MailServer:
    """A real SMTP server on 127.0.0.1 that refuses every recipient with a temporary
    error until told to accept."""

    def __init__(self):
        self.refusing = True
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refusing:
            return "451 4.3.2 Mail system busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def mail_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield handler
    finally:
        controller.stop()


def test_mail_server_refusing_keeps_rows_pending_then_sends_them(creator, operator,
                                                                 mail_server, on_commit):
    with on_commit():
        case = file_case(filer=creator)
    receipt = Notification.objects.get(case=case)
    assert receipt.status == Notification.Status.FAILED
    assert "451" in receipt.last_error and "try again later" in receipt.last_error
    assert receipt.attempts == 1 and receipt.next_attempt_at > receipt.created_at
    # The sweep writes its notifications unrendered; they wait the same way.
    clock = case.deadlines.get(clock="first_response")
    with on_commit():
        deadlines_sweep(now=clock.due_at + timedelta(minutes=1))
    late = Notification.objects.get(case=case, kind="case_late")
    assert late.status == Notification.Status.FAILED and "451" in late.last_error
    assert notifications_sweep() == 0  # not yet due again: backoff
    assert mail_server.received == []

    mail_server.refusing = False
    Notification.objects.update(next_attempt_at=timezone.now())
    sent = notifications_sweep()
    assert sent == Notification.objects.count() >= 3  # receipt, late notice, operators
    assert Notification.objects.exclude(status=Notification.Status.SENT).count() == 0
    to_filer = [m for m in mail_server.received if m["To"] == creator.email]
    assert len(to_filer) == 2
    assert any(case.reference in m["Subject"] and "late" in m["Subject"].lower()
               for m in to_filer)
    assert notifications_sweep() == 0 and len(mail_server.received) == sent


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


@pytest.mark.parametrize(("language", "time_zone", "zone"), [("en", "Europe/London", "GMT"),
                                                             ("ja", "Asia/Tokyo", "JST")])
def test_receipt_promises_a_time_with_its_zone(creator, on_commit, language, time_zone,
                                               zone):
    creator.language, creator.time_zone = language, time_zone
    creator.save()
    with on_commit():
        file_case(filer=creator)
    [receipt] = mail.outbox
    promise = next(line for line in receipt.body.splitlines()
                   if "A person at our desk will answer by" in line
                   or "担当者よりご回答いたします" in line)
    assert f" {zone}" in promise, promise


def test_every_e_mail_template_is_a_named_kind():
    from pathlib import Path

    from django.conf import settings

    templates = {p.name.removesuffix(".subject.txt")
                 for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*.subject.txt")}
    assert templates == set(Notification.Kind.values)
