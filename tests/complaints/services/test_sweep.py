"""The sweep: warnings at 75%, breaches with an honest late notice, filer reminders and
auto-close, each e-mail exactly once however often or however concurrently it runs."""
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.domain.status import Status
from complaints.models import Case, CaseEvent, Deadline, Notification
from complaints.services.desk import case_assign, info_request
from complaints.services.sweep import deadlines_sweep
from tests.factories import due_cases, file_case, staff_user

pytestmark = pytest.mark.django_db


def later(deadline, **delta):
    return deadline.due_at + timedelta(**delta)


def test_warning_at_three_quarters_to_the_assignee_only(creator, operator, supervisor,
                                                        on_commit):
    case = file_case(filer=creator)
    case_assign(case=case, actor=supervisor, assignee=operator)
    first = case.deadlines.get(clock="first_response")
    assert first.started_at < first.warn_at < first.due_at
    assert deadlines_sweep(now=first.warn_at - timedelta(minutes=1)) == 0
    mail.outbox.clear()
    with on_commit():
        deadlines_sweep(now=first.warn_at + timedelta(minutes=1))
    warnings = Notification.objects.filter(kind="deadline_warning")
    assert [n.recipient for n in warnings] == [operator.email]
    # Rendered by the worker at delivery, in the recipient's language.
    assert [m.to for m in mail.outbox] == [[operator.email]]
    assert case.reference in mail.outbox[0].subject
    assert case.reference in warnings.get().subject
    assert "/admin/complaints/case/" in mail.outbox[0].body
    deadlines_sweep(now=first.warn_at + timedelta(minutes=2))
    assert Notification.objects.filter(kind="deadline_warning").count() == 1


def test_unassigned_warning_goes_to_every_operator(creator, operator, supervisor):
    case = file_case(filer=creator)
    first = case.deadlines.get(clock="first_response")
    deadlines_sweep(now=first.warn_at + timedelta(minutes=1))
    recipients = set(Notification.objects.filter(kind="deadline_warning")
                     .values_list("recipient", flat=True))
    assert recipients == {operator.email, supervisor.email}


def test_breach_escalates_and_tells_the_filer_honestly(creator, operator, supervisor,
                                                       on_commit):
    case = file_case(filer=creator)
    case_assign(case=case, actor=supervisor, assignee=operator)
    first = case.deadlines.get(clock="first_response")
    mail.outbox.clear()
    with on_commit():
        deadlines_sweep(now=later(first, minutes=1))
    case.refresh_from_db()
    assert case.escalated
    breach = CaseEvent.objects.get(case=case, event_type="deadline_breached")
    assert breach.new_value["clock"] == "first_response"
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([creator.email, operator.email, supervisor.email])
    late = next(m for m in mail.outbox if m.to == [creator.email])
    assert "late" in late.subject.lower() and "We now expect to answer by" in late.body
    # A sweep that runs again (or twice at once) sends nothing more.
    with on_commit():
        deadlines_sweep(now=later(first, minutes=2))
    assert len(mail.outbox) == 3


def test_no_warning_after_the_answer(creator, operator):
    from complaints.services.messages import message_post

    case = file_case(filer=creator)
    message_post(case=case, author=operator, body="Looking at it.")
    first = case.deadlines.get(clock="first_response")
    assert first.next_check_at is None
    deadlines_sweep(now=later(first, days=3))
    assert not Notification.objects.filter(kind__in=["deadline_warning", "deadline_breach"],
                                           case=case, key__contains="first_response").exists()


def test_filer_reminded_after_7_days_and_closed_after_30(creator, operator, on_commit):
    case = file_case(filer=creator)
    info_request(case=case, actor=operator, body="Which frame?")
    reply = case.deadlines.get(clock="filer_reply")
    decision = case.deadlines.get(clock="decision")
    assert decision.paused_at and decision.next_check_at is None
    mail.outbox.clear()
    with on_commit():
        deadlines_sweep(now=reply.started_at + timedelta(days=7, minutes=1))
    assert [m.to for m in mail.outbox] == [[creator.email]]
    assert "waiting for your reply" in mail.outbox[0].subject
    with on_commit():
        deadlines_sweep(now=reply.started_at + timedelta(days=8))
    assert len(mail.outbox) == 1
    with on_commit():
        deadlines_sweep(now=later(reply, minutes=1))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert "closed" in mail.outbox[-1].subject
    assert not case.deadlines.filter(next_check_at__isnull=False).exists()


def test_sweep_reads_only_due_clocks_in_a_fixed_number_of_queries(creator):
    for _ in range(30):
        file_case(filer=creator)
    far = timezone.now() - timedelta(days=1)  # nothing due yet
    with CaptureQueriesContext(connection) as idle:
        assert deadlines_sweep(now=far) == 0
    assert len(idle.captured_queries) <= 3


@pytest.mark.parametrize("due", [10, 60])
def test_a_sweep_writes_in_bulk_whatever_the_number_of_due_clocks(creator, due):
    """The same queries for 10 clocks as for 60: rows are inserted in bulk and the
    e-mails rendered later by the worker, never one by one while the clocks are locked."""
    operator = staff_user(email="olivia@kotae.example")
    staff_user(role="supervisor", email="sato@kotae.example")
    due_cases(due, filer=creator, assignee=operator)
    with CaptureQueriesContext(connection) as queries:
        assert deadlines_sweep() == due
    assert Notification.objects.count() == 3 * due
    assert len(queries.captured_queries) <= 14, [q["sql"][:120] for q in queries]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notification_exactly_once(creator, operator):
    cases = [file_case(filer=creator) for _ in range(40)]
    for case in cases:
        case_assign(case=case, actor=operator, assignee=operator)
    moment = max(d.due_at for d in Deadline.objects.all()) + timedelta(minutes=1)
    errors = []

    def sweep():
        try:
            while deadlines_sweep(now=moment, limit=15):
                pass
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    breaches = Notification.objects.filter(kind="deadline_breach")
    late = Notification.objects.filter(kind="case_late")
    # Two clocks a case (first response and decision), one assignee each.
    assert breaches.count() == 2 * len(cases)
    assert late.count() == 2 * len(cases)
    assert breaches.values("key").distinct().count() == breaches.count()
    assert Case.objects.filter(escalated=True).count() == len(cases)


def test_daily_digest_at_nine_in_each_operators_time_zone(creator, operator, supervisor,
                                                          on_commit):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from complaints.services.sweep import staff_digests_send

    supervisor.time_zone = "Europe/London"
    supervisor.save()
    overdue = file_case(filer=creator, title="Old one")
    Case.objects.filter(pk=overdue.pk).update(next_due_at=timezone.now() - timedelta(days=1))
    today_9 = datetime.now(ZoneInfo("Asia/Tokyo")).replace(hour=9, minute=5)
    with on_commit():  # delivered (and so rendered) after commit
        assert staff_digests_send(now=today_9) == 1  # 09:05 in Tokyo, 00:05 in London
    digest = Notification.objects.get(kind="staff_digest")
    assert digest.recipient == operator.email
    assert "Old one" in digest.body_text and overdue.reference in digest.body_text
    assert "1 case overdue or due today" in digest.subject
    assert staff_digests_send(now=today_9 + timedelta(minutes=10)) == 1
    assert Notification.objects.filter(kind="staff_digest").count() == 1  # once a day
    london_9 = datetime.now(ZoneInfo("Europe/London")).replace(hour=9, minute=1)
    staff_digests_send(now=london_9)
    assert Notification.objects.filter(kind="staff_digest",
                                       recipient=supervisor.email).count() == 1


def test_bench_sweep_measures_and_changes_nothing(capsys, creator):
    import json

    from django.core.management import call_command

    for _ in range(3):
        file_case(filer=creator)
    call_command("bench_sweep", due=3)
    result = json.loads(capsys.readouterr().out)
    assert result["handled"] == 3 and result["sweep_ms"] > 0 and result["queries"] > 0
    assert not Notification.objects.filter(kind="deadline_breach").exists()
    assert not Case.objects.filter(escalated=True).exists()
