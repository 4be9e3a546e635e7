"""Rows inserted in bulk outside any transaction are kept (on PostgreSQL the rows copied
to the staging table were dropped at its commit, before the INSERT read them: nothing was
written; found by the queues test in CI's PostgreSQL pass)."""
import pytest

from complaints.models import Notification
from complaints.services.outbox import notification_build, notifications_insert

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as a worker's task


def test_a_bulk_insert_outside_a_transaction_writes_its_rows(operator):
    refs = {"count": 0, "overdue_ids": [], "today_ids": [], "queue_url": "http://x/"}
    keys = notifications_insert([
        notification_build(key=f"digest:{n}", template="staff_digest", recipient=operator,
                           refs=refs) for n in range(3)])
    assert Notification.objects.filter(key__in=keys).count() == 3
    notifications_insert([notification_build(key="digest:0", template="staff_digest",
                                             recipient=operator, refs=refs)])
    assert Notification.objects.filter(key__in=keys).count() == 3  # a key once
