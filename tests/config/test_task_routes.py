"""Queues by urgency: every task has a route in the one table, beat's tasks go to "sweep",
and each e-mail lands on the queue of whoever waits for it (a receipt on "interactive",
the sweep's batches, digests and summaries on "bulk"), whether it is sent after commit,
by the relay or again from the desk."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from celery import Task
from django.conf import settings
from django.utils import timezone

from complaints import tasks
from complaints.models import Case, Notification
from complaints.services.outbox import notifications_relay, notifications_resend, writes
from complaints.services.sweep import deadlines_sweep, staff_digests_send
from config.celery import app as celery_app
from config.celery import task_route
from tests.factories import due_cases, file_case

TASK_NAMES = sorted(value.name for value in vars(tasks).values() if isinstance(value, Task))


def test_every_task_has_a_route_and_every_route_a_task():
    assert len(TASK_NAMES) >= 10
    unrouted = [name for name in TASK_NAMES if name not in settings.KOTAE_TASK_QUEUES]
    assert unrouted == [], "these would go to the default queue unnoticed"
    assert sorted(settings.KOTAE_TASK_QUEUES) == TASK_NAMES  # no route to a task gone
    assert set(settings.KOTAE_TASK_QUEUES.values()) == set(settings.KOTAE_QUEUES)
    for name in TASK_NAMES:
        carries = settings.KOTAE_TASK_QUEUES[name]
        assert task_route(name, (), {}, {}) == {"queue": settings.KOTAE_QUEUES[carries]}


def test_beat_schedules_nothing_but_sweep_work():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(TASK_NAMES)
    assert {name: settings.KOTAE_TASK_QUEUES[name] for name in scheduled} == {
        name: "sweep" for name in scheduled}


def test_every_kind_of_e_mail_is_either_interactive_or_bulk():
    kinds = set(Notification.Kind.values)
    assert writes.INTERACTIVE_KINDS | writes.BULK_KINDS == kinds
    assert not writes.INTERACTIVE_KINDS & writes.BULK_KINDS
    assert Notification.Kind.CASE_RECEIPT in writes.INTERACTIVE_KINDS
    assert {Notification.Kind.CASE_LATE, Notification.Kind.STAFF_DIGEST} <= writes.BULK_KINDS


@pytest.fixture
def sent(monkeypatch):
    """What is sent to the broker (nothing really is), as (task, arguments, queue)."""
    record = []
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False

    def send_task(name, args=None, **options):
        record.append((name, args, task_route(name, args, {}, options)["queue"]))

    monkeypatch.setattr(celery_app, "send_task", send_task)
    yield record
    celery_app.conf.task_always_eager = previous


def queue(carries: str) -> str:
    return settings.KOTAE_QUEUES[carries]


@pytest.mark.django_db
def test_a_receipt_goes_alone_on_interactive_the_sweep_s_e_mails_on_bulk(
        sent, creator, operator, on_commit):
    with on_commit():
        case = file_case(filer=creator)
    receipt = Notification.objects.get(case=case)
    assert sent == [("complaints.tasks.notification_deliver_task", [receipt.pk],
                     queue("interactive"))]
    sent.clear()
    due_cases(3, filer=creator, assignee=operator)
    with on_commit():
        deadlines_sweep()
    swept = set(Notification.objects.exclude(pk=receipt.pk).values_list("pk", flat=True))
    assert len(swept) == 6  # a late notice and the assignee's breach, per clock
    assert [(name, queue_) for name, _args, queue_ in sent] == [
        ("complaints.tasks.notifications_deliver_many_task", queue("bulk"))]
    assert set(sent[0][1][0]) == swept


@pytest.mark.django_db
def test_a_digest_is_one_e_mail_but_goes_on_bulk(sent, operator, on_commit):
    case = file_case()
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() - timedelta(hours=1))
    sent.clear()
    nine = timezone.localtime(timezone.now(), ZoneInfo(operator.time_zone)).replace(
        hour=9, minute=5)
    with on_commit():
        assert staff_digests_send(now=nine) == 1
    digest = Notification.objects.get(kind=Notification.Kind.STAFF_DIGEST)
    assert sent == [("complaints.tasks.notifications_deliver_many_task", [[digest.pk]],
                     queue("bulk"))]


@pytest.mark.django_db
def test_the_relay_and_the_desk_hand_each_e_mail_to_its_queue(sent, creator, operator,
                                                                on_commit):
    case = file_case(filer=creator)
    due_cases(2, filer=creator, assignee=operator)
    deadlines_sweep()
    receipt = Notification.objects.get(case=case)
    bulk = set(Notification.objects.exclude(pk=receipt.pk).values_list("pk", flat=True))
    sent.clear()
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert notifications_relay() == 5  # the relay only hands over; nothing is sent here
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 5
    assert sorted((name, queue_) for name, _args, queue_ in sent) == [
        ("complaints.tasks.notification_deliver_task", queue("interactive")),
        ("complaints.tasks.notifications_deliver_many_task", queue("bulk"))]
    assert ("complaints.tasks.notification_deliver_task", [receipt.pk],
            queue("interactive")) in sent
    [batch] = [args[0] for name, args, _queue in sent if name.endswith("many_task")]
    assert set(batch) == bulk
    # Handed over once: the next relay a minute later leaves them to the workers.
    sent.clear()
    assert notifications_relay() == 0 and sent == []

    # The desk sends failed ones again, each on its queue too.
    Notification.objects.update(status=Notification.Status.FAILED, next_attempt_at=None)
    with on_commit():
        assert notifications_resend(ids=[receipt.pk, *bulk]) == 5
    assert sorted((name, queue_) for name, _args, queue_ in sent) == [
        ("complaints.tasks.notification_deliver_task", queue("interactive")),
        ("complaints.tasks.notifications_deliver_many_task", queue("bulk"))]
