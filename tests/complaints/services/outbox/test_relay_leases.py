"""The relay hands rows back to the workers and postpones only rows never attempted: a
row whose worker died mid-send is still due when its task arrives, and a row a worker
has claimed keeps its lease (a review found the first never sent and the second cut
from about 27 minutes to 5)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Notification
from complaints.services.outbox import notification_deliver, notifications_relay
from complaints.services.outbox.writes import notifications_hand_over
from tests.factories import file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(monkeypatch):
    """The tasks the relay sends, kept, to run after the relay is done (as a worker
    does: a moment after the relay's hand-over, not inside it)."""
    sent = []
    monkeypatch.setattr("complaints.services.outbox.writes.task_send",
                        lambda name, *args: sent.append((name, args)))
    return sent


def test_a_row_whose_worker_died_is_sent_by_the_task_the_relay_hands_over(
        creator, handed, mailoutbox):
    receipt = Notification.objects.get(case=file_case(filer=creator))
    mailoutbox.clear()
    # Its worker claimed it (attempt 1, a lease) and died; the lease is over.
    Notification.objects.filter(pk=receipt.pk).update(
        attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert notifications_relay() == 1 and handed
    assert notification_deliver(notification_id=receipt.pk)  # the task, just after
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts, len(mailoutbox)) == ("sent", 2, 1)


def test_a_claimed_row_keeps_its_lease(creator, handed):
    receipt = Notification.objects.get(case=file_case(filer=creator))
    lease_ends = timezone.now() + timedelta(minutes=27)
    # Listed by the relay as due, then claimed by a worker before the relay's update.
    Notification.objects.filter(pk=receipt.pk).update(attempts=1, next_attempt_at=lease_ends)
    notifications_hand_over(ids=[receipt.pk])
    receipt.refresh_from_db()
    assert receipt.next_attempt_at == lease_ends


def test_a_new_row_is_not_handed_over_again_for_a_while(creator, handed):
    receipt = Notification.objects.get(case=file_case(filer=creator))
    Notification.objects.filter(pk=receipt.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert notifications_relay() == 1
    assert notifications_relay() == 0  # postponed: a bulk backlog is not queued again
