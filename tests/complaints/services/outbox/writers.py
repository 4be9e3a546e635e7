"""One way to write each kind of e-mail through the service that writes it in real life,
with the data a Japanese filer would enter (so a Japanese e-mail is Japanese throughout,
and what is still English in it is our own text).

`WRITERS` maps each kind to its variants; each writer returns the row it wrote (nothing is
delivered: the hand-over after commit does not run in these tests).
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.services import (
    organisation_create,
    organisation_invite,
    user_password_reset_send,
    user_signup,
)
from complaints.models import Case, Decision, Notification
from complaints.services.cases import LocationData, WorkData, case_submit
from complaints.services.decisions import decision_record
from complaints.services.desk import case_assign, cases_merge, info_request, question_answer
from complaints.services.messages import message_post
from complaints.services.owners import owner_link_renew, owner_link_token, owner_name
from complaints.services.register import (
    register_entries_apply,
    register_entries_confirm,
    register_entries_not_possible,
)
from complaints.services.retractions import retraction_record
from complaints.services.sweep import (
    deadlines_sweep,
    failed_emails_summarise,
    staff_digests_send,
)
from tests.factories import UserFactory, complaint_draft, file_case, staff_user

TITLE = "星空クエストの主人公が再現されている"
WORKS = [WorkData(title="星空クエスト", kind="anime", rights_holder="スタジオ星空")]


def _file(creator, **overrides):
    values = {"title": TITLE, "works": WORKS, "similarity": "キャラクターが同一です。",
              **overrides}
    return file_case(filer=creator, **values)


def _row(case, kind):
    return Notification.objects.filter(case=case, kind=kind).latest("pk")


def _decide(case, operator, outcome=Decision.Outcome.UPHELD, actions=("output_removed",
                                                                      "prompt_blocked")):
    decision_record(case=case, decided_by=operator, outcome=outcome, actions=list(actions),
                    facts="生成物の12〜13コマ目が原作と一致しています。",
                    ground="著作権法第21条及び当社利用規約第8条", automated_means=True,
                    automated_detail="類似画像の検出ツールで候補を抽出しました。")


def receipt(creator, operator):
    return _row(_file(creator), "case_receipt")


def reply(creator, operator):
    case = _file(creator)
    message_post(case=case, author=operator, body="12コマ目と13コマ目を確認しました。")
    return _row(case, "case_reply")


def info_requested(creator, operator):
    case = _file(creator)
    info_request(case=case, actor=operator, body="作品が現れる動画内の時刻をお知らせください。")
    return _row(case, "case_info_requested")


def filer_replied(creator, operator):
    row = info_requested(creator, operator)
    message_post(case=row.case, author=creator, body="動画の12秒目から15秒目です。")
    return Notification.objects.get(case=row.case, kind="filer_replied")


def reminder(creator, operator):
    row = info_requested(creator, operator)
    clock = row.case.deadlines.get(clock="filer_reply")
    deadlines_sweep(now=clock.due_at - timedelta(hours=1))
    return _row(row.case, "case_reply_reminder")


def closed(creator, operator):
    row = info_requested(creator, operator)
    deadlines_sweep(now=row.case.deadlines.get(clock="filer_reply").due_at + timedelta(
        minutes=1))
    return _row(row.case, "case_closed_no_reply")


def decision_on_a_complaint(creator, operator):
    case = _file(creator)
    _decide(case, operator)
    return _row(case, "case_decision")


def refusal_of_a_complaint(creator, operator):
    case = _file(creator)
    _decide(case, operator, outcome=Decision.Outcome.NOT_UPHELD, actions=["no_action"])
    return _row(case, "case_decision")


def rejection_of_a_notice(creator, operator):
    case = _file(creator)
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.REJECTED,
                    actions=["no_action"], rejection_reason="not_rights_holder",
                    facts="申立人が権利者又はその代理人であることを確認できませんでした。",
                    ground="当社利用規約第8条", automated_means=False)
    return _row(case, "case_decision")


def decision_on_an_objection(creator, operator):
    case = _objection(creator)
    _decide(case, operator, actions=["excluded_from_training"])
    return _row(case, "case_decision")


def info_requested_on_an_inquiry(creator, operator):
    case = _inquiry(creator)
    info_request(case=case, actor=operator, body="どの作品についてのご質問かお知らせください。")
    return _row(case, "case_info_requested")


def _inquiry(creator):
    return _file(creator, kind="inquiry", remedies=[], locations=[], similarity="",
                 questions=["私の作品は学習に使われましたか。", "いつから使われていますか。"])


def answer_to_an_inquiry(creator, operator):
    case = _inquiry(creator)
    first, second = case.questions.all()
    question_answer(question=first, actor=operator, category="yes",
                    text="2025年版のデータセットに含まれていました。")
    question_answer(question=second, actor=operator, category="cannot_disclose",
                    text="取得の時期は契約上開示できません。")
    _decide(case, operator, outcome=Decision.Outcome.ANSWERED, actions=["no_action"])
    return _row(case, "case_decision")


def decision_on_an_appeal(creator, operator):
    original = _file(creator)
    colleague = staff_user(email="colleague@kotae.test", display_name="佐々木 次郎")
    _decide(original, colleague, outcome=Decision.Outcome.NOT_UPHELD, actions=["no_action"])
    appeal = case_submit(filer=creator, draft=complaint_draft(
        kind="appeal", title="判断の見直しのお願い", appeal_of_id=original.pk,
        appeal_grounds="原作との一致を示す証拠ファイルを追加しました。"))
    _decide(appeal, operator, outcome=Decision.Outcome.REVERSED, actions=["output_removed"])
    return _row(appeal, "case_decision")


def late(creator, operator):
    case = _file(creator)
    case_assign(case=case, actor=operator, assignee=operator)
    deadlines_sweep(now=case.deadlines.get(clock="first_response").due_at
                    + timedelta(minutes=1))
    return _row(case, "case_late")


def _promise_missed(creator, operator):
    """A late case whose promised date passed too (the second miss)."""
    case = late(creator, operator).case
    clock = case.deadlines.get(clock="first_response")
    deadlines_sweep(now=clock.promised_at + timedelta(minutes=1))
    clock.refresh_from_db()
    return case, clock


def late_again(creator, operator):
    return _row(_promise_missed(creator, operator)[0], "case_late_again")


def promise_missed(creator, operator):
    return _row(_promise_missed(creator, operator)[0], "deadline_escalation")


def daily_escalation(creator, operator):
    case, clock = _promise_missed(creator, operator)
    deadlines_sweep(now=clock.escalated_at + timedelta(days=1, minutes=1))
    return _row(case, "deadline_escalation")


def breach(creator, operator):
    return _row(late(creator, operator).case, "deadline_breach")


def warning(creator, operator):
    case = _file(creator)
    case_assign(case=case, actor=operator, assignee=operator)
    clock = case.deadlines.get(clock="first_response")
    deadlines_sweep(now=clock.due_at - timedelta(minutes=1))
    return _row(case, "deadline_warning")


def merged(creator, operator):
    primary, duplicate = _file(creator), _file(creator)
    cases_merge(primary=primary, duplicates=[duplicate], actor=operator)
    return _row(duplicate, "case_merged")


def merged_with_another_filers(creator, operator):
    other = UserFactory(display_name="佐藤 花子", email="sato@studio.example")
    primary, duplicate = _file(other), _file(creator)
    cases_merge(primary=primary, duplicates=[duplicate], actor=operator)
    return _row(duplicate, "case_merged")


def digest(creator, operator):
    case = _file(creator)
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() - timedelta(days=1))
    staff_digests_send(now=datetime.now(ZoneInfo("Asia/Tokyo")).replace(hour=9, minute=5))
    return Notification.objects.get(kind="staff_digest", recipient=operator.email)


def verify(creator, operator):
    user = user_signup(email="aki@studio.example", password="a-long-enough-passphrase",
                       display_name="星野 亜希")
    return Notification.objects.get(kind="account_verify", recipient=user.email)


def password_reset(creator, operator):
    user_password_reset_send(user=creator, uid="MQ", token="set-token")
    return Notification.objects.get(kind="account_password_reset")


def invitation(creator, operator):
    studio = organisation_create(name="スタジオ星空", admin=creator)
    organisation_invite(organisation=studio, invited_by=creator, email="taro@example.com")
    return Notification.objects.get(kind="organisation_invitation")


RETRACTION = "権利者との間で利用許諾の合意が成立したためです。"


def _two_locations(creator):
    return _file(creator, locations=[LocationData(url="https://dreamreel.example/v/abc123"),
                                     LocationData(url="https://dreamreel.example/v/def456")])


def retracted_some_locations(creator, operator):
    case = _two_locations(creator)
    retraction_record(case=case, actor=creator, whole=False,
                      urls=["https://dreamreel.example/v/def456"], statement=RETRACTION)
    return _row(case, "case_retracted")


def retracted_before_the_decision(creator, operator):
    case = _two_locations(creator)
    retraction_record(case=case, actor=creator, whole=True, statement=RETRACTION)
    return _row(case, "case_retracted")


def retracted_after_the_decision(creator, operator):
    case = _two_locations(creator)
    _decide(case, operator)
    retraction_record(case=case, actor=creator, whole=True, statement=RETRACTION)
    return _row(case, "case_retracted")


def retracted_objection_after_the_decision(creator, operator):
    case = _objection(creator)
    _decide(case, operator, outcome=Decision.Outcome.NOT_UPHELD, actions=["no_action"])
    retraction_record(case=case, actor=creator, whole=True, statement=RETRACTION)
    return _row(case, "case_retracted")


def _objection(creator):
    return _file(creator, kind="training_objection", remedies=[], locations=[], similarity="",
                 training_uses=["training", "style_imitation"])


def register_confirmed(creator, operator):
    case = _objection(creator)
    register_entries_confirm(entry_ids=case.register_entries.values_list("pk", flat=True),
                             actor=operator)
    return _row(case, "register_confirmed")


def register_applied(creator, operator):
    case = _objection(creator)
    register_entries_apply(entry_ids=case.register_entries.values_list("pk", flat=True),
                           actor=operator, snapshot="ds-2026-11-30")
    return _row(case, "register_applied")


def register_not_possible(creator, operator):
    case = _objection(creator)
    register_entries_not_possible(entry_ids=case.register_entries.values_list("pk", flat=True),
                                  actor=operator, reason="対象のデータセットは既に廃棄済みです。")
    return _row(case, "register_not_possible")


def failed_emails(creator, operator):
    """Two receipts out of attempts, told to the desk (no supervisor: every operator)."""
    for _title in range(2):
        Notification.objects.filter(pk=receipt(creator, operator).pk).update(
            status=Notification.Status.FAILED, attempts=12, next_attempt_at=None,
            failed_at=timezone.now())
    failed_emails_summarise()
    return Notification.objects.get(kind="failed_emails", recipient=operator.email)


def _unfounded(creator, operator, count):
    for _n in range(count):
        decision_record(case=_file(creator), decided_by=operator,
                        outcome=Decision.Outcome.REJECTED, actions=["no_action"],
                        rejection_reason="manifestly_unfounded",
                        facts="生成物は風景であり、申立ての作品とは関係がありません。",
                        ground="デジタルサービス法第23条及び当社の申立てに関する方針",
                        automated_means=False)


def filer_warned(creator, operator):
    _unfounded(creator, operator, 2)
    return Notification.objects.get(kind="filer_warned", recipient=creator.email)


def filer_suspended(creator, operator):
    _unfounded(creator, operator, 3)
    return Notification.objects.get(kind="filer_suspended", recipient=creator.email)
OWNER_EMAIL = "aki-fan@generations.example"


def _owned_and_decided(creator, operator):
    """A complaint whose output's owner the product named, decided with the output
    removed: the owner is sent their statement of reasons."""
    case = _file(creator, ai_product="ドリームリール動画", signature="山田 花子", law="japan")
    owner_name(location=case.locations.get(), ai_product=case.ai_product, account_id="u-4412",
               email=OWNER_EMAIL, actor=operator)
    _decide(case, operator)
    return case


def statement_to_an_owner(creator, operator):
    return _row(_owned_and_decided(creator, operator), "owner_statement")


def fresh_link_for_an_owner(creator, operator):
    case = _owned_and_decided(creator, operator)
    owner = case.locations.get().owner
    owner_link_renew(token=owner_link_token(owner=owner, case=case), email=OWNER_EMAIL)
    return _row(case, "owner_link")


WRITERS = {
    "owner_statement": [statement_to_an_owner],
    "owner_link": [fresh_link_for_an_owner],
    "case_receipt": [receipt],
    "case_reply": [reply],
    "case_info_requested": [info_requested, info_requested_on_an_inquiry],
    "case_reply_reminder": [reminder],
    "filer_replied": [filer_replied],
    "case_closed_no_reply": [closed],
    "case_decision": [decision_on_a_complaint, refusal_of_a_complaint,
                      rejection_of_a_notice, decision_on_an_objection, answer_to_an_inquiry,
                      decision_on_an_appeal],
    "case_late": [late],
    "case_late_again": [late_again],
    "case_merged": [merged, merged_with_another_filers],
    "deadline_warning": [warning],
    "deadline_breach": [breach],
    "deadline_escalation": [promise_missed, daily_escalation],
    "staff_digest": [digest],
    "failed_emails": [failed_emails],
    "account_verify": [verify],
    "account_password_reset": [password_reset],
    "organisation_invitation": [invitation],
    "register_confirmed": [register_confirmed],
    "register_applied": [register_applied],
    "register_not_possible": [register_not_possible],
    "case_retracted": [retracted_some_locations, retracted_before_the_decision,
                       retracted_after_the_decision, retracted_objection_after_the_decision],
    "filer_warned": [filer_warned],
    "filer_suspended": [filer_suspended],
}

# A counter-notice's e-mails (and its receipt, which names the restore window instead of
# a first answer).
from tests.complaints.services.outbox import counter_notice_writers as _cn  # noqa: E402

WRITERS["case_receipt"].append(_cn.counter_notice_receipt)
WRITERS.update(_cn.COUNTER_NOTICE_WRITERS)

