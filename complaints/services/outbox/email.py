"""The e-mail channel: a Notification row is rendered from its refs at each attempt, in
its recipient's language and time zone, and sent with a Message-ID that is the same on
every attempt (so a resend is recognised as one mail).

After an attempt the row's subject and bodies record what was sent (or tried); they are
never read back to decide anything.
"""
import re
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from complaints.models import Notification
from complaints.services.outbox.context import TIME_ZONE, context_load
from complaints.services.outbox.delivery import Channel, SendFailed, SendUncertain
from complaints.services.outbox.smtp import FinalReplyMissing, send_worst_case_seconds

MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 1  # 2, 4, 8 … seconds, at most an hour apart
BACKOFF_MAX_SECONDS = 3600
RELAY_LIMIT = 500
MESSAGE_ID_DOMAIN = "kotae.local"
DEFAULT_TIME_ZONE = "Asia/Tokyo"
# E-mails are sent outside any transaction, on a lease (complaints.services.outbox.delivery):
# a mail server may take its full final-reply timeout (10 min) to confirm, and a row lock
# held that long would hold every write on SQLite, and a transaction open on PostgreSQL.
# Longer than the slowest possible send, so no second worker sends it meanwhile; a worker
# that dies in the middle leaves the row to the relay when the lease ends.
LEASE_MARGIN_SECONDS = 360  # past the hard limit of a task of many (complaints.tasks)


def render(template: str, context: dict, language: str,
           time_zone: str) -> tuple[str, str, str]:
    """Subject (on one line), plain text and HTML of templates/emails/<template>.*."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}.subject.txt", ctx)
        text = render_to_string(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    return " ".join(subject.split()), _paragraphs(text), html


def _paragraphs(text: str) -> str:
    """The plain text with its paragraphs one blank line apart, whatever blocks a kind
    left empty, and no spaces at line ends."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", lines) + "\n"


def _written_before_refs(notification: Notification) -> bool:
    """A row written rendered, with no refs, before e-mails were rendered at delivery:
    it is sent as it was written (it cannot be rendered again). No row written since
    is one of these: every row has at least its time zone among its refs."""
    return not notification.context and bool(notification.subject)


def notification_render(notification: Notification) -> None:
    """Fill in the row's subject and bodies from its refs, as of now."""
    if _written_before_refs(notification):
        return
    refs = notification.context
    context = context_load(refs, case_id=notification.case_id)
    time_zone = refs.get(TIME_ZONE) or settings.TIME_ZONE
    (notification.subject, notification.body_text,
     notification.body_html) = render(notification.kind, context, notification.language,
                                      time_zone)


def message_id(notification: Notification) -> str:
    return f"<notification-{notification.pk}@{MESSAGE_ID_DOMAIN}>"


def email_message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"X-Kotae-Notification": notification.key,
                 "Message-ID": message_id(notification)},
    )
    message.attach_alternative(notification.body_html, "text/html")
    return message


def email_send(notification: Notification) -> None:
    """Render the row now and send it; raises if it was not sent."""
    notification_render(notification)
    if not notification.subject:
        raise SendFailed(f"The template {notification.kind!r} rendered an empty subject.")
    try:
        email_message(notification).send()
    except FinalReplyMissing as exc:  # the server may have it: not blindly sent again
        raise SendUncertain(str(exc)) from exc


def uncertain_wait() -> timedelta:
    """How long an e-mail the mail server never confirmed waits before it is sent again
    (with the same Message-ID): long enough that a slow server is not sent a copy a
    minute, as on the growing pauses of a failure."""
    return timedelta(seconds=settings.KOTAE_EMAIL_UNCERTAIN_RETRY_SECONDS)


EMAIL = Channel(
    name="Notification",
    model=Notification,
    send=email_send,
    done_status=Notification.Status.SENT,
    done_at="sent_at",
    # An e-mail out of attempts stays "failed" with no next attempt (the model has no
    # "gave up"): the desk sees it among the failed ones.
    gave_up_status=Notification.Status.FAILED,
    gave_up_at="failed_at",
    max_attempts=MAX_ATTEMPTS,
    backoff_base_seconds=BACKOFF_BASE_SECONDS,
    backoff_max_seconds=BACKOFF_MAX_SECONDS,
    relay_limit=RELAY_LIMIT,
    recorded=("subject", "body_text", "body_html"),
    uncertain_status=Notification.Status.UNCERTAIN,
    uncertain_wait=uncertain_wait,
    lease=timedelta(seconds=send_worst_case_seconds() + LEASE_MARGIN_SECONDS),
)
