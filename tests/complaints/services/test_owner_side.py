"""Naming an output's owner, their statement of reasons (DSA Art. 17(3)) and their
appeal (DSA Art. 20)."""
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from complaints.domain.events import EventType
from complaints.models import Case, Notification, OutputOwner
from complaints.services.cases import ERROR_NOT_APPELLANT, CaseDraft, case_submit
from complaints.services.decisions import decision_record
from complaints.services.outbox import notification_deliver
from complaints.services.owners import (
    ERROR_OWNER_UNNAMED,
    OwnerAccess,
    OwnerAppeal,
    owner_appeal_submit,
    owner_name,
    owner_statements_send,
)
from tests.factories import LocationData, file_case

pytestmark = pytest.mark.django_db

OWNER_EMAIL = "aki-fan@generations.example"


def _name(case, operator, *, position=0, **values):
    location = case.locations.all()[position]
    values = {"account_id": "u-4412", "email": OWNER_EMAIL, **values}
    return owner_name(location=location, ai_product=case.ai_product, actor=operator, **values)


def _remove(case, operator, actions=("output_removed",), outcome="upheld"):
    return decision_record(case=case, decided_by=operator, outcome=outcome,
                           actions=list(actions), facts="Frames 12-13 match the key visual.",
                           ground="Terms of use §8; Copyright Act art. 21.",
                           automated_means=True, automated_detail="A similarity scanner "
                           "flagged the output; a person decided.")


def _statement_rows():
    return Notification.objects.filter(kind="owner_statement")


def test_an_owner_is_one_per_product_account_and_the_naming_is_in_the_desk_trail(
        creator, operator):
    case = file_case(filer=creator, locations=[
        LocationData(url="https://dreamreel.example/v/abc123"),
        LocationData(url="https://dreamreel.example/v/def456")])
    first = _name(case, operator, position=0, handle="aki_fan")
    second = _name(case, operator, position=1, handle="aki_fan_2", language="ja")

    assert first.pk == second.pk and OutputOwner.objects.count() == 1
    second.refresh_from_db()
    assert (second.handle, second.language, second.email) == ("aki_fan_2", "ja", OWNER_EMAIL)
    events = case.events.filter(event_type=EventType.OWNER_NAMED)
    assert events.count() == 2 and not events.filter(public=True).exists()


def test_an_owner_needs_an_account_id_handle_or_address(creator, operator):
    case = file_case(filer=creator)
    with pytest.raises(ValidationError) as refused:
        _name(case, operator, account_id="", email="")
    assert refused.value.message_dict == {"account_id": [str(ERROR_OWNER_UNNAMED)]}
    assert case.locations.get().owner is None


def test_the_owner_gets_one_statement_of_reasons_in_japanese_with_every_element(
        creator, operator, on_commit):
    case = file_case(filer=creator, law="us_dmca", signature="Hanako Yamada",
                     similarity="星野アキの顔と衣装が同一です。")
    _name(case, operator, language="ja")
    with on_commit():
        decision = _remove(case, operator, actions=["output_removed", "prompt_blocked"])
    owner_statements_send(case=case, decision=decision)  # again: nothing more

    [row] = _statement_rows()
    assert row.recipient == OWNER_EMAIL and row.language == "ja"
    assert row.status == Notification.Status.SENT
    [sent] = [m for m in mail.outbox if m.to == [OWNER_EMAIL]]
    text = sent.body
    assert sent.subject.startswith("【Kotae】") and case.reference in sent.subject
    for part in ("生成物を削除", "https://dreamreel.example/v/abc123",  # what, where
                 case.reference, "Hanako Yamada", "「Hoshizora Quest」",  # the notice
                 "星野アキの顔と衣装が同一です。",
                 "Frames 12-13 match the key visual.",  # facts
                 "使用あり（A similarity scanner flagged",  # automated means
                 "著作権", "米国", "Terms of use §8",  # the ground, the law
                 "不服申立てを行うことができます",  # the owner's internal complaint
                 "異議申立て",  # a counter-notice: US law
                 "裁判外紛争解決機関", "裁判所",  # out of court, the courts
                 "/owner/"):  # a fresh signed link to their page
        assert part in text, (part, text)
    assert creator.email not in text and f"/cases/{case.reference}/" not in text
    assert case.events.filter(event_type=EventType.STATEMENT_TO_OWNER_SENT).count() == 1


def test_no_counter_notice_is_offered_outside_us_law(creator, operator):
    case = file_case(filer=creator, law="eu_dsa")
    _name(case, operator, language="en")
    decision = _remove(case, operator)
    [row] = _statement_rows()
    notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert "counter-notice" not in row.body_text
    assert "Article 21 of the Digital Services Act" in row.body_text
    assert decision.pk == row.context["decision_id"]


def test_the_owner_is_not_written_to_when_nothing_restricts_their_output(creator, operator):
    case = file_case(filer=creator)
    _name(case, operator)
    _remove(case, operator, actions=["no_action"], outcome="not_upheld")
    assert not _statement_rows().exists()


def test_an_owner_named_after_the_decision_gets_the_statement_then(creator, operator):
    case = file_case(filer=creator)
    _remove(case, operator)
    assert not _statement_rows().exists()
    case = Case.objects.get(pk=case.pk)
    _name(case, operator)
    assert _statement_rows().count() == 1
    _name(case, operator, handle="aki")  # named again: still one statement
    assert _statement_rows().count() == 1


def _owner_appeal(case, owner):
    return owner_appeal_submit(
        access=OwnerAccess(owner=owner, case=case),
        appeal=OwnerAppeal(grounds="The pose is generic; no frame of the anime is used.",
                           good_faith_statement=True, accuracy_statement=True,
                           signature="Aki Fan"))


def test_the_owner_appeals_under_their_own_account_and_another_decides(
        creator, operator, supervisor):
    case = file_case(filer=creator)
    owner = _name(case, operator)
    _remove(case, operator)

    appeal = _owner_appeal(case, owner)

    assert appeal.kind == "appeal" and appeal.appeal_of_id == case.pk
    assert appeal.output_owner_id == owner.pk and appeal.filer.email == OWNER_EMAIL
    assert appeal.filer_id != creator.pk
    with pytest.raises(ValidationError):  # the first decider may not decide it
        decision_record(case=appeal, decided_by=operator, outcome="reversed",
                        actions=["no_action"], facts="f", ground="g", automated_means=False)
    decision_record(case=appeal, decided_by=supervisor, outcome="confirmed",
                    actions=["output_removed"], facts="f", ground="g", automated_means=False,
                    override_reason="")


def test_a_stranger_cannot_appeal_someone_else_s_decision(creator, other_creator, operator):
    case = file_case(filer=creator)
    _name(case, operator)
    _remove(case, operator)
    with pytest.raises(ValidationError) as refused:
        case_submit(filer=other_creator, draft=CaseDraft(
            kind="appeal", title="Appeal", appeal_of_id=case.pk, appeal_grounds="No.",
            good_faith_statement=True, accuracy_statement=True, signature="Taro"))
    assert refused.value.message_dict == {"appeal_of_id": [str(ERROR_NOT_APPELLANT)]}
    stranger = OutputOwner.objects.create(ai_product="DreamReel video", account_id="u-9",
                                          email="someone@else.example")
    with pytest.raises(ValidationError):
        _owner_appeal(case, stranger)
    assert not Case.objects.filter(kind="appeal").exists()
