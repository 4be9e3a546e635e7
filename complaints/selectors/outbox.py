"""How the outbox stands: the rows still to deliver, and the figures the staff see (the
desk's health page, and /healthz for staff or a caller with the health token; never the
public). The delivery mechanism (complaints.services.outbox.delivery) asks the same
question of which rows wait."""
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from complaints.models import Notification, WebhookDelivery


def rows_waiting(model: type[models.Model]) -> models.QuerySet:
    """Rows of an outbox table still to be delivered: new ones, failed ones with an
    attempt to come (an e-mail given up stays "failed" with none: it waits for nobody but
    the desk), and e-mails sent but not confirmed, waiting to be sent once more."""
    return model.objects.filter(_waiting(model))


def _waiting(model: type[models.Model]) -> Q:
    status = model.Status
    again = [status.FAILED, *([status.UNCERTAIN] if hasattr(status, "UNCERTAIN") else [])]
    return Q(status=status.PENDING) | Q(status__in=again, next_attempt_at__isnull=False)


def oldest_waiting_age(model: type[models.Model]) -> float | None:
    """Seconds since the oldest row not yet delivered was written (None when none waits)."""
    oldest = (rows_waiting(model).order_by("created_at")
              .values_list("created_at", flat=True).first())
    return None if oldest is None else (timezone.now() - oldest).total_seconds()


@dataclass(frozen=True)
class OutboxFigures:
    """How the outbox stands, for the staff (never the public)."""

    emails_waiting: int  # new, or failed with an attempt to come
    emails_retrying: int  # of those, failed at least once
    emails_failed_for_good: int  # out of attempts: only the desk sends them again
    # Sent, but the mail server never confirmed them (its final reply did not come): they
    # wait an hour to be sent once more with the same Message-ID. Of those waiting.
    emails_uncertain: int
    # Sends made again after an unconfirmed one, ever: each a possible duplicate.
    emails_resent_after_uncertain: int
    oldest_waiting_seconds: float | None
    last_failed_at: datetime | None
    webhooks_waiting: int
    webhooks_given_up: int

    @property
    def oldest_waiting_minutes(self) -> int | None:
        seconds = self.oldest_waiting_seconds
        return None if seconds is None else int(seconds // 60)

    def as_json(self) -> dict:
        """The figures as plain JSON values (times in ISO 8601)."""
        figures = asdict(self)
        if self.last_failed_at is not None:
            figures["last_failed_at"] = self.last_failed_at.isoformat()
        return figures


def outbox_figures() -> OutboxFigures:
    """The outbox's figures: one query per table, over the rows not yet delivered or ever
    unconfirmed (indexed: few among millions), each figure a filtered aggregate."""
    status = Notification.Status
    waiting = _waiting(Notification)  # the one definition of "waiting"
    failed_for_good = Q(status=status.FAILED, next_attempt_at__isnull=True)
    emails = Notification.objects.filter(
        Q(status__in=[status.PENDING, status.FAILED, status.UNCERTAIN])
        | Q(uncertain_at__isnull=False)).aggregate(
        waiting=Count("pk", filter=waiting),
        retrying=Count("pk", filter=Q(status=status.FAILED, next_attempt_at__isnull=False)),
        failed_for_good=Count("pk", filter=failed_for_good),
        uncertain=Count("pk", filter=Q(status=status.UNCERTAIN)),
        resent=Sum("uncertain_resends", filter=Q(uncertain_at__isnull=False)),
        oldest_waiting=Min("created_at", filter=waiting),
        last_failed_at=Max("failed_at", filter=failed_for_good))
    hooks = WebhookDelivery.objects.filter(
        Q(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED,
                      WebhookDelivery.Status.GAVE_UP])).aggregate(
        waiting=Count("pk", filter=_waiting(WebhookDelivery)),
        given_up=Count("pk", filter=Q(status=WebhookDelivery.Status.GAVE_UP)))
    oldest = emails["oldest_waiting"]
    return OutboxFigures(
        emails_waiting=emails["waiting"],
        emails_retrying=emails["retrying"],
        emails_failed_for_good=emails["failed_for_good"],
        emails_uncertain=emails["uncertain"],
        emails_resent_after_uncertain=emails["resent"] or 0,
        oldest_waiting_seconds=(None if oldest is None
                                else (timezone.now() - oldest).total_seconds()),
        last_failed_at=emails["last_failed_at"],
        webhooks_waiting=hooks["waiting"],
        webhooks_given_up=hooks["given_up"])
