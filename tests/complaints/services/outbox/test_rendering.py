"""One way to write an e-mail: whatever writes it, the row holds refs (ids and plain
values) and no text; the worker renders it at each attempt, and it is never sent with an
empty subject."""
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints.models import Notification
from complaints.services.desk import case_assign
from complaints.services.messages import message_post
from complaints.services.outbox import filer_notify, notification_deliver
from complaints.services.sweep import deadlines_sweep
from tests.complaints.services.outbox import writers
from tests.factories import file_case

pytestmark = pytest.mark.django_db


# Each writes one e-mail by its own path (nothing is delivered: the hand-over after commit
# does not run in these tests) and returns its row.
def by_a_reply(creator, operator):
    case = file_case(filer=creator)
    message_post(case=case, author=operator, body="Frame 12 & 13 <match>.")
    return Notification.objects.get(case=case, kind="case_reply")


def by_the_deadline_sweep(creator, operator):
    case = file_case(filer=creator)
    case_assign(case=case, actor=operator, assignee=operator)
    first = case.deadlines.get(clock="first_response")
    deadlines_sweep(now=first.due_at + timedelta(minutes=1))
    return Notification.objects.get(case=case, kind="case_late")


# Every path that writes an e-mail: one writer per kind and variant (writers.py).
WRITERS = [write for variants in writers.WRITERS.values() for write in variants]


@pytest.mark.parametrize("write", WRITERS, ids=[w.__name__ for w in WRITERS])
def test_every_path_writes_refs_and_the_worker_renders_them(write, creator, operator):
    row = write(creator, operator)
    assert (row.subject, row.body_text, row.body_html) == ("", "", "")
    assert row.context and json.loads(json.dumps(row.context)) == row.context
    assert row.context["time_zone"]
    mail.outbox.clear()

    assert notification_deliver(notification_id=row.pk) is True
    row.refresh_from_db()
    [sent] = mail.outbox
    assert sent.subject and row.subject == sent.subject
    assert row.body_text == sent.body and row.body_html == sent.alternatives[0][0]
    assert sent.to == [row.recipient]


def test_what_changed_before_delivery_is_what_is_sent(creator, operator):
    """Rendered at delivery: a stored subject or body is never what decides the e-mail."""
    row = by_a_reply(creator, operator)
    Notification.objects.filter(pk=row.pk).update(subject="A stale subject",
                                                  body_text="A stale body")
    creator.display_name = "Hanako Sato"
    creator.save()
    assert notification_deliver(notification_id=row.pk) is True
    [sent] = mail.outbox
    assert sent.subject == f"[Kotae] A message from our desk ({row.case.reference})"
    assert "Dear Hanako Sato," in sent.body and "Frame 12 & 13 <match>." in sent.body
    assert "stale" not in sent.body


def test_an_empty_subject_is_never_sent(creator, operator, monkeypatch):
    row = by_a_reply(creator, operator)
    monkeypatch.setattr("complaints.services.outbox.email.render",
                        lambda *args: ("", "Body\n", "<p>Body</p>"))
    assert notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == "failed" and "empty subject" in row.last_error
    assert mail.outbox == []


def test_refs_are_ids_and_plain_values_only(creator, operator):
    case = file_case(filer=creator)
    with pytest.raises(TypeError, match="decision"):
        filer_notify(case=case, event="x", template="case_decision", refs={"decision": case})
    with pytest.raises(ValueError, match="no model"):
        filer_notify(case=case, event="x", template="case_decision", refs={"verdict_id": 1})
    with pytest.raises(ValueError, match="_at"):
        filer_notify(case=case, event="x", template="case_receipt",
                     refs={"first_response_due": timezone.now()})
    assert not Notification.objects.filter(key=f"case:{case.pk}:x").exists()


def test_a_row_the_sweep_wrote_before_refs_had_model_names_still_renders(creator, operator):
    row = by_the_deadline_sweep(creator, operator)
    refs = dict(row.context)
    refs["deadline"] = refs.pop("deadline_id")
    refs["recipient"] = refs.pop("recipient_id")
    Notification.objects.filter(pk=row.pk).update(context=refs)
    assert notification_deliver(notification_id=row.pk) is True
    assert "We now expect to answer by" in mail.outbox[0].body


def test_a_row_written_rendered_before_refs_is_sent_as_it_was_written(creator):
    Notification.objects.create(key="old", kind="case_reply", recipient=creator.email,
                                language="en", subject="[KT-2026-000001] New reply",
                                body_text="Written at the time.\n", body_html="<p>Then</p>")
    assert notification_deliver(notification_id=Notification.objects.get(key="old").pk)
    [sent] = mail.outbox
    assert (sent.subject, sent.body) == ("[KT-2026-000001] New reply", "Written at the time.\n")
