import re

import pytest
from django.core import mail

from complaints.domain.status import Status
from complaints.models import CaseEvent, Deadline, Notification
from tests.factories import file_case, png_upload

pytestmark = pytest.mark.django_db


def test_submit_gives_a_reference_clocks_events_and_one_receipt(creator, on_commit):
    with on_commit():
        case = file_case(filer=creator, uploads=[png_upload()])
    assert re.fullmatch(r"KT-20\d\d-\d{6}", case.reference)
    assert case.status == Status.SUBMITTED
    clocks = {d.clock: d for d in case.deadlines.all()}
    assert set(clocks) == {Deadline.Clock.FIRST_RESPONSE, Deadline.Clock.DECISION}
    assert clocks["first_response"].due_at < clocks["decision"].due_at
    assert case.next_due_at == clocks["first_response"].due_at
    types = list(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True))
    assert types[0] == "case_submitted" and "evidence_added" in types
    evidence = case.evidence.get()
    assert len(evidence.sha256) == 64 and evidence.content_type == "image/png"
    assert evidence.file.name.startswith("evidence/") and "frame" not in evidence.file.name
    assert [m.subject for m in mail.outbox] == [
        f"[Kotae] We have received your case ({case.reference})"]
    assert Notification.objects.get(case=case).status == Notification.Status.SENT


def test_references_are_unique_and_ordered(creator):
    first, second = file_case(filer=creator), file_case(filer=creator)
    assert first.reference != second.reference
    assert first.reference < second.reference


def test_receipt_is_in_the_filers_language(creator, on_commit):
    creator.language = "ja"
    creator.save()
    with on_commit():
        case = file_case(filer=creator)
    message = mail.outbox[0]
    assert case.reference in message.subject
    assert message.subject == f"【Kotae】受付完了のお知らせ（{case.reference}）"
