"""The outbox: notifications are rows written in the transaction that caused them,
delivered after commit by a Celery task, and swept later if delivery failed.
"""
import logging
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Case, Notification
from complaints.services.bulk import rows_insert
from complaints.services.enqueue import task_send_on_commit, tasks_send_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
SWEEP_GRACE = timedelta(minutes=1)
MESSAGE_ID_DOMAIN = "kotae.local"


def _render(template: str, context: dict, language: str, time_zone: str) -> tuple[str, str, str]:
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}.subject.txt", ctx)
        text = render_to_string(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    return " ".join(subject.split()), text.strip() + "\n", html


def notification_queue(
    *,
    key: str,
    template: str,
    recipient_email: str,
    language: str,
    time_zone: str = "Asia/Tokyo",
    context: dict,
    case: Case | None = None,
) -> Notification:
    """Write the notification once (its key is unique) and deliver it after commit.

    A second call with the same key returns the first row and sends nothing more.
    """
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    subject, text, html = _render(template, context, language, time_zone)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                case=case,
                kind=template,
                recipient=recipient_email,
                language=language,
                subject=subject,
                body_text=text,
                body_html=html,
                # The task sent after commit normally delivers it at once; the sweep
                # takes it from here only if that did not happen within a minute.
                next_attempt_at=timezone.now() + SWEEP_GRACE,
            )
    except IntegrityError:
        return Notification.objects.get(key=key)

    task_send_on_commit("complaints.tasks.notification_deliver_task", notification.pk,
                        waiting=f"Notification {notification.pk}")
    return notification


def case_link(case: Case) -> str:
    return settings.SITE_URL + reverse("complaints:case_detail", args=[case.reference])


def filer_notify(*, case: Case, event: str, template: str, context: dict) -> Notification:
    """Tell the case's filer, in their language and time zone, with a link to the case.

    `event` names what happened on the case; with the case it makes the unique key.
    """
    filer = case.filer
    return notification_queue(
        key=f"case:{case.pk}:{event}",
        template=template,
        recipient_email=filer.email,
        language=filer.language,
        time_zone=filer.time_zone,
        case=case,
        context={"case": case, "filer": filer, "case_url": case_link(case), **context},
    )


def filer_notify_at_delivery(*, case: Case, event: str, template: str,
                             refs: dict) -> Notification:
    """`filer_notify` for a row that cannot be there yet (the receipt of a case being
    filed): one INSERT, no lookup first, and the text rendered by the worker at delivery
    from `refs` (see `notification_build`), not in the filer's request."""
    row = notification_build(key=f"case:{case.pk}:{event}", template=template,
                             recipient=case.filer, case_id=case.pk, now=timezone.now(),
                             refs=refs)
    notification = Notification.objects.create(**row)
    task_send_on_commit("complaints.tasks.notification_deliver_task", notification.pk,
                        waiting=f"Notification {notification.pk}")
    return notification


def notification_build(*, key: str, template: str, recipient, case_id: int, now,
                       refs: dict) -> dict:
    """A row for `notifications_insert`, rendered by the worker at delivery
    (`notification_render`).

    `refs` names what the template needs by id (deadline, recipient) or as plain values
    (ISO times), so writing a thousand of these costs one bulk insert and no rendering.
    """
    return {"key": key, "case_id": case_id, "kind": template, "recipient": recipient.email,
            "language": recipient.language, "next_attempt_at": now + SWEEP_GRACE,
            "context": {"time_zone": recipient.time_zone, "recipient": recipient.pk, **refs}}


def notifications_insert(rows: list[dict]) -> list[str]:
    """Insert rows built by `notification_build`; a key already there is left as it was.
    Returns the keys, for `notifications_enqueue_keys` after commit."""
    rows_insert(Notification, rows, skip_conflicts_on="key")
    return [row["key"] for row in rows]


DELIVERY_CHUNK = 50


def notifications_enqueue_keys(keys: list[str]) -> None:
    """After commit: hand unsent rows to the workers, DELIVERY_CHUNK per task."""
    ids = []
    for start in range(0, len(keys), 500):
        ids += Notification.objects.filter(
            key__in=keys[start:start + 500], status=Notification.Status.PENDING
        ).values_list("pk", flat=True)
    chunks = [(ids[start:start + DELIVERY_CHUNK],) for start in range(0, len(ids), DELIVERY_CHUNK)]
    # Already after commit: sent at once.
    tasks_send_on_commit("complaints.tasks.notifications_deliver_many_task", chunks,
                         waiting=f"{len(ids)} notifications")


def _context_load(notification: Notification) -> dict:
    """Turn the ids stored by `notification_build` back into the template's context."""
    from django.contrib.auth import get_user_model
    from django.utils.dateparse import parse_datetime

    from complaints.models import Deadline

    refs = notification.context
    case = Case.objects.select_related("filer", "assignee").get(pk=notification.case_id)
    context = {
        "case": case, "filer": case.filer, "case_url": case_link(case),
        "desk_url": settings.SITE_URL + reverse("admin:complaints_case_change", args=[case.pk]),
        "recipient": get_user_model().objects.filter(pk=refs.get("recipient")).first(),
    }
    if refs.get("deadline"):
        context["deadline"] = Deadline.objects.get(pk=refs["deadline"])
    for name, value in refs.items():
        if name.endswith("_at"):
            context[name] = parse_datetime(value)
    return context


def notification_render(notification: Notification) -> None:
    """Fill in subject and bodies of a row written without them (once, at delivery)."""
    context = _context_load(notification)
    time_zone = notification.context.get("time_zone") or settings.TIME_ZONE
    (notification.subject, notification.body_text,
     notification.body_html) = _render(notification.kind, context, notification.language,
                                       time_zone)
    notification.save(update_fields=["subject", "body_text", "body_html"])


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if it is still unsent. Returns True when it was sent now.

    The row is locked while it is sent, so two workers never send it twice.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id)
            .exclude(status=Notification.Status.SENT)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        try:
            if not notification.subject:
                notification_render(notification)
            message = _message(notification)
            message.send()
        except Exception as exc:  # the mail server's failure is data, not a crash
            logger.warning("Notification %s not sent: %s", notification.pk, exc)
            notification.status = Notification.Status.FAILED
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            backoff = min(2 ** notification.attempts, 3600)
            notification.next_attempt_at = (
                timezone.now() + timedelta(seconds=backoff)
                if notification.attempts < MAX_ATTEMPTS
                else None
            )
            notification.save(
                update_fields=["status", "last_error", "attempts", "next_attempt_at"]
            )
            return False
        # If the process dies here, after the mail server accepted the message and
        # before this commit, the row stays unsent and is sent again: the one window
        # where a notification can arrive twice (with the same Message-ID).
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.last_error = ""
        notification.save(
            update_fields=["status", "sent_at", "attempts", "next_attempt_at", "last_error"]
        )
        return True


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        # The same Message-ID on every attempt, so a resend is recognised as one mail.
        headers={"X-Kotae-Notification": notification.key,
                 "Message-ID": f"<notification-{notification.pk}@{MESSAGE_ID_DOMAIN}>"},
    )
    message.attach_alternative(notification.body_html, "text/html")
    return message


def notifications_due_ids(*, limit: int = 500) -> list[int]:
    """Ids of notifications that should have gone out and have not (for the sweep)."""
    return list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_oldest_pending_age() -> float | None:
    """Seconds since the oldest unsent notification was written (None when all are sent)."""
    oldest = (Notification.objects.filter(status__in=[Notification.Status.PENDING,
                                                      Notification.Status.FAILED])
              .order_by("created_at").values_list("created_at", flat=True).first())
    return None if oldest is None else (timezone.now() - oldest).total_seconds()
