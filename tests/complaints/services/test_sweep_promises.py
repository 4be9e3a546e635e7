"""The date promised in a late notice is a clock too: when it passes unanswered the
filer hears the truth and a further date once, supervisors are told once, and from then
on the desk is escalated to once a day until the clock is met (issue 15)."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Q

from complaints.models import Notification
from complaints.services.desk import case_assign
from complaints.services.messages import message_post
from complaints.services.sweep import deadlines_sweep
from tests.factories import file_case

pytestmark = pytest.mark.django_db


def sent(kind, recipient=None):
    """The e-mails of this kind about the first-response clock (the decision clock runs
    on and is breached later in these tests), and the daily escalations, which are one
    for the case whichever clocks are late."""
    rows = Notification.objects.filter(kind=kind).filter(
        Q(key__contains=":first_response:") | Q(key__contains=":escalate-"))
    return rows.filter(recipient=recipient) if recipient else rows


def sweeps(moment, times=3):
    for minutes in range(times):  # a sweep that runs again sends nothing twice
        deadlines_sweep(now=moment + timedelta(minutes=minutes))


def first_response(case):
    return case.deadlines.get(clock="first_response")


def test_a_missed_promise_is_told_once_then_escalated_daily_until_answered(
        creator, operator, supervisor, on_commit):
    case = file_case(filer=creator)
    case_assign(case=case, actor=supervisor, assignee=operator)
    sweeps(first_response(case).due_at + timedelta(minutes=1))
    clock = first_response(case)
    promised = clock.promised_at
    assert promised > clock.due_at and sent("case_late").count() == 1
    sweeps(promised - timedelta(hours=1))
    assert not sent("case_late_again").exists() and not sent("deadline_escalation").exists()

    mail.outbox.clear()
    with on_commit():
        sweeps(promised + timedelta(minutes=1), times=5)
    assert sent("case_late_again", creator.email).count() == 1
    assert sent("case_late").count() == 1  # no third notice, and the first not again
    assert {n.recipient for n in sent("deadline_escalation")} == {supervisor.email,
                                                                   operator.email}
    assert sent("deadline_escalation").count() == 2
    clock.refresh_from_db()
    further = clock.promised_at
    assert further > promised
    to_filer = next(m for m in mail.outbox if m.to == [creator.email])
    assert "We have not kept that date either" in to_filer.body
    assert "still late" in to_filer.subject
    to_supervisor = next(m for m in mail.outbox if m.to == [supervisor.email])
    assert "has passed too" in to_supervisor.body
    assert "Date promised to the filer missed" in to_supervisor.subject

    escalated = clock.escalated_at
    sweeps(escalated + timedelta(hours=23))  # not a day yet
    assert sent("deadline_escalation", supervisor.email).count() == 1
    sweeps(escalated + timedelta(days=1, minutes=1))  # the next day: one escalation
    assert sent("deadline_escalation", supervisor.email).count() == 2
    sweeps(escalated + timedelta(days=2, minutes=2))  # the day after: another
    assert sent("deadline_escalation", supervisor.email).count() == 3

    # The further date passes too: still no new date for the filer; the desk hears daily.
    sweeps(further + timedelta(minutes=1))
    assert sent("case_late_again").count() == 1 and sent("case_late").count() == 1
    assert sent("deadline_escalation", supervisor.email).count() == 4

    message_post(case=case, author=operator, body="Here is our answer.")  # the clock is met
    before = sent("deadline_escalation").count()
    sweeps(further + timedelta(days=3))
    sweeps(further + timedelta(days=4))
    assert sent("deadline_escalation").count() == before


def test_no_escalation_once_the_case_is_no_longer_open(creator, operator, supervisor):
    from complaints.services.cases import case_withdraw

    case = file_case(filer=creator)
    sweeps(first_response(case).due_at + timedelta(minutes=1), times=1)
    promised = first_response(case).promised_at
    sweeps(promised + timedelta(minutes=1), times=1)
    assert sent("deadline_escalation", supervisor.email).count() == 1
    case_withdraw(case=case, actor=creator)
    sweeps(promised + timedelta(days=1, minutes=2))
    sweeps(promised + timedelta(days=2, minutes=2))
    assert sent("deadline_escalation", supervisor.email).count() == 1


def test_one_daily_escalation_for_the_case_however_many_clocks_are_late(
        creator, operator, supervisor):
    case = file_case(filer=creator)
    decision = case.deadlines.get(clock="decision")
    sweeps(decision.due_at + timedelta(minutes=1), times=1)  # both clocks breached
    latest = max(d.promised_at for d in case.deadlines.all() if d.promised_at)
    sweeps(latest + timedelta(minutes=1), times=1)  # both promises missed
    escalated = max(d.escalated_at for d in case.deadlines.all() if d.escalated_at)
    sweeps(escalated + timedelta(days=1, minutes=1))
    daily = Notification.objects.filter(kind="deadline_escalation",
                                        recipient=supervisor.email, key__contains="escalate-")
    assert daily.count() == 1, list(daily.values_list("key", flat=True))
