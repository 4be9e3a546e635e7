"""Rows of both channels, and a receiver for each that can be told to fail."""
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from complaints.models import Notification, WebhookDelivery
from complaints.services import outbox
from complaints.services.webhooks import webhook_endpoint_create
from tests.factories import file_case

LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REFUSING_BACKEND = f"{__name__}.RefusingBackend"
refused_messages = []


class RefusingBackend(EmailBackend):
    """A mail server that answers every message with a temporary error (the message is
    kept in `refused_messages`, to compare with what is sent later)."""

    def send_messages(self, messages):
        refused_messages.extend(messages)
        raise OSError("451 4.3.2 Mail system busy, try again later")


class Receiver:
    """The far end of a channel: `fail()` makes it refuse; `sent` lists what got through
    (the Message-ID of each e-mail, the event id of each webhook delivery)."""

    def __init__(self, channel, settings, monkeypatch):
        self.channel = channel
        self.model = Notification if channel is outbox.EMAIL else WebhookDelivery
        self.failing = False
        self._posted: list[str] = []
        self._settings = settings
        refused_messages.clear()
        monkeypatch.setattr("complaints.services.outbox.webhooks._post", self._post)

    def _post(self, url, body, headers):
        if self.failing:
            return 503
        self._posted.append(headers["Kotae-Delivery"])
        return 200

    @property
    def sent(self) -> list[str]:
        if self.channel is outbox.EMAIL:
            return [m.extra_headers["Message-ID"] for m in mail.outbox]
        return list(self._posted)

    def fail(self, failing: bool = True) -> None:
        self.failing = failing
        self._settings.EMAIL_BACKEND = REFUSING_BACKEND if failing else LOCMEM_BACKEND

    def deliver(self, row) -> bool:
        return outbox.delivery.deliver(self.channel, row.pk)


def an_email(filer) -> Notification:
    """A receipt in the outbox, not yet sent (the hand-over after commit has not run)."""
    case = file_case(filer=filer)
    return Notification.objects.get(case=case, kind="case_receipt")


def a_webhook_delivery(owner, number: int = 1) -> WebhookDelivery:
    endpoint = webhook_endpoint_create(owner=owner, url=f"https://hooks.example.com/{number}")
    [delivery] = outbox.webhook_deliveries_write(
        endpoints=[endpoint], event_id=f"case:1:status:{number}",
        event_type="case.status_changed", payload={"id": number})
    return delivery


@pytest.fixture(params=["email", "webhook"])
def channel(request, settings, monkeypatch, creator):
    """Each test runs once per channel: its receiver, and how to write a row to send."""
    if request.param == "email":
        return Receiver(outbox.EMAIL, settings, monkeypatch), lambda: an_email(creator)
    return (Receiver(outbox.WEBHOOKS, settings, monkeypatch),
            lambda: a_webhook_delivery(creator))


@pytest.fixture
def email_receiver(settings, monkeypatch):
    return Receiver(outbox.EMAIL, settings, monkeypatch)


@pytest.fixture
def webhook_receiver(settings, monkeypatch):
    return Receiver(outbox.WEBHOOKS, settings, monkeypatch)
