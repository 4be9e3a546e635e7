"""Counter-notices: who may send one, the copy to the complainant, the restore clock on
the US business calendar, and a court action that stops it."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from complaints.domain.event_sentences import event_sentence
from complaints.models import CaseEvent, CounterNotice, Deadline, Notification, OutputOwner
from complaints.services.counter_notices import (
    CounterNoticeData,
    counter_notice_submit,
    court_action_report,
)
from complaints.services.decisions import decision_record
from complaints.services.sweep import deadlines_sweep
from tests.factories import LocationData, UserFactory, file_case

pytestmark = pytest.mark.django_db

A, B = "https://dreamreel.example/v/abc123", "https://dreamreel.example/v/def456"


def removed_complaint(creator, operator, *, law="us_dmca", actions=("output_removed",),
                      outcome="upheld"):
    case = file_case(filer=creator, locations=[LocationData(url=A), LocationData(url=B)])
    case.law = law
    case.save(update_fields=["law"])
    owner, _ = OutputOwner.objects.get_or_create(
        ai_product="DreamReel video", account_id="u-1",
        defaults={"handle": "mika_draws", "email": "mika@example.com"})
    case.locations.filter(url=A).update(owner=owner)
    decision_record(case=case, decided_by=operator, outcome=outcome, actions=list(actions),
                    facts="Frames 12-13 match.", ground="17 U.S.C. § 512(c)",
                    automated_means=False)
    case.refresh_from_db()
    return case, owner


def data_for(case, **overrides):
    values = dict(locations=[case.locations.get(url=A).pk], full_name="Mika Tanaka",
                  postal_address="1 Main St, Springfield, IL 62701", phone="+1 217 555 0100",
                  email="mika@example.com", mistake_statement=True,
                  jurisdiction_consent=True, signature="Mika Tanaka", language="en")
    values.update(overrides)
    return CounterNoticeData(**values)


def at(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def test_the_restore_window_skips_thanksgiving_and_restores_once(creator, operator,
                                                                 monkeypatch, on_commit):
    complaint, owner = removed_complaint(creator, operator)
    # The copy goes out on Friday 20 November 2026, 10:00 in New York.
    sent = at("2026-11-20T10:00:00-05:00")
    monkeypatch.setattr(timezone, "now", lambda: sent)
    with on_commit():
        notice_case = counter_notice_submit(owner=owner, complaint=complaint,
                                            data=data_for(complaint))
    monkeypatch.undo()
    notice = notice_case.counter_notice
    # Ten business days, Thanksgiving (26 Nov) not one of them: Monday 7 December.
    assert notice.restore_after == at("2026-12-07T18:00:00-05:00")
    assert notice.restore_by == at("2026-12-11T18:00:00-05:00")
    copy = Notification.objects.get(kind="counter_notice_copy")
    assert copy.recipient == creator.email and copy.sent_at == sent
    assert "Mika Tanaka" in copy.body_text and "+1 217 555 0100" in copy.body_text
    assert "1 Main St, Springfield" in copy.body_text
    mail.outbox.clear()
    # Friday 4 December would be ten days if Thanksgiving counted: nothing yet.
    with on_commit():
        deadlines_sweep(now=at("2026-12-04T18:30:00-05:00"))
        deadlines_sweep(now=at("2026-12-07T17:59:00-05:00"))
    assert not CaseEvent.objects.filter(event_type="output_restored").exists()
    for _ in range(2):
        with on_commit():
            deadlines_sweep(now=at("2026-12-07T18:01:00-05:00"))
    restored = CaseEvent.objects.get(case=complaint, event_type="output_restored")
    assert restored.new_value == {"locations": [A]}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([creator.email, owner.email])
    notice_case.refresh_from_db()
    assert notice_case.status == "closed"
    ended = CaseEvent.objects.filter(case=notice_case, event_type="status_changed").last()
    with translation.override("ja"):
        assert "訴訟提起の報告がなかったため" in event_sentence(
            ended.event_type, ended.old_value, ended.new_value, when=str)


def test_a_court_action_in_time_stops_the_restore(creator, operator, on_commit):
    complaint, owner = removed_complaint(creator, operator)
    with on_commit():
        notice_case = counter_notice_submit(owner=owner, complaint=complaint,
                                            data=data_for(complaint))
    mail.outbox.clear()
    with on_commit():
        court_action_report(complaint=complaint, actor=creator, court="N.D. Cal.",
                            case_number="3:26-cv-01234", filed_on=date(2026, 11, 20))
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "N.D. Cal." in mail.outbox[0].body
    clock = Deadline.objects.get(case=notice_case, clock="restore")
    assert clock.cancelled_at is not None
    deadlines_sweep(now=timezone.now() + timedelta(days=40))
    assert not CaseEvent.objects.filter(event_type="output_restored").exists()
    assert CounterNotice.objects.get(case=notice_case).state == CounterNotice.State.COURT_ACTION


def test_refusals(creator, operator):
    complaint, owner = removed_complaint(creator, operator, law="eu_dsa")
    with pytest.raises(ValidationError, match="made under US law"):
        counter_notice_submit(owner=owner, complaint=complaint, data=data_for(complaint))
    complaint, owner = removed_complaint(creator, operator, actions=("prompt_blocked",))
    with pytest.raises(ValidationError, match="None of your outputs"):
        counter_notice_submit(owner=owner, complaint=complaint, data=data_for(complaint))
    complaint, owner = removed_complaint(creator, operator)
    other = complaint.locations.get(url=B).pk
    with pytest.raises(ValidationError) as refused:
        counter_notice_submit(owner=owner, complaint=complaint,
                              data=data_for(complaint, locations=[other], phone=""))
    assert set(refused.value.message_dict) == {"locations", "phone"}
    counter_notice_submit(owner=owner, complaint=complaint, data=data_for(complaint))
    with pytest.raises(ValidationError, match="Only the complainant"):
        court_action_report(complaint=complaint, actor=UserFactory(), court="x",
                            case_number="", filed_on=date(2026, 11, 20))


def test_the_copy_speaks_the_complainants_language(creator, operator, on_commit):
    creator.language = "ja"
    creator.save(update_fields=["language"])
    complaint, owner = removed_complaint(creator, operator)
    mail.outbox.clear()
    with on_commit():
        counter_notice_submit(owner=owner, complaint=complaint, data=data_for(complaint))
    copy = next(m for m in mail.outbox if m.to == [creator.email])
    assert copy.subject == f"【Kotae】異議申立ての写しの送付（{complaint.reference}）"
    assert "偽証罪の制裁を受けることを認識したうえで" in copy.body
    assert "Mika Tanaka" in copy.body and "+1 217 555 0100" in copy.body
    receipt = next(m for m in mail.outbox if m.to == [owner.email])
    assert "復元" not in receipt.body and "restored between" in receipt.body


def test_the_desk_may_only_reject_a_counter_notice_and_then_nothing_is_restored(
        creator, operator, supervisor, on_commit):
    complaint, owner = removed_complaint(creator, operator)
    with on_commit():
        notice = counter_notice_submit(owner=owner, complaint=complaint, data=data_for(complaint))
    with pytest.raises(ValidationError) as refused:
        decision_record(case=notice, decided_by=supervisor, outcome="confirmed",
                        actions=["no_action"], facts="-", ground="-", automated_means=False)
    assert "outcome" in refused.value.message_dict
    mail.outbox.clear()
    with on_commit():
        decision_record(case=notice, decided_by=supervisor, outcome="rejected",
                        actions=["no_action"], rejection_reason="manifestly_unfounded",
                        facts="The owner's own upload history shows the key art.",
                        ground="17 U.S.C. § 512(g)(3)", automated_means=False)
    assert [m.to for m in mail.outbox] == [[owner.email]]  # the owner hears the decision
    restore_after = CounterNotice.objects.get(case=notice).restore_after
    with on_commit():
        deadlines_sweep(now=restore_after + timedelta(hours=1))
    assert not CaseEvent.objects.filter(event_type="output_restored").exists()
