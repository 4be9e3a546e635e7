"""The filer's pages as a Japanese rights department reads them: the glossary's words for
the one who asks (ご本人 on an inquiry, never 申立人), for the decision's date (判断日時) and
for automated means (使用あり), lists joined with 「、」 and no ASCII punctuation glued to
Japanese."""
import re

import pytest
from django.urls import reverse

from complaints.domain.events import EventType
from complaints.models import Case, Decision
from complaints.services.audit import event_record
from complaints.services.decisions import decision_record
from complaints.services.desk import info_request, question_answer
from tests.complaints.portal import data as portal_data
from tests.complaints.portal.data import send
from tests.factories import file_case
from tests.support.events import DUE
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ja_creator(creator):
    creator.language = "ja"
    creator.save(update_fields=["language"])
    return creator



def case_page(client, case) -> str:
    response = client.get(reverse("complaints:case_detail", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str, heading_id: str) -> str:
    """The text of one section of the case page, by its heading's id."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return text_of(match.group(0))


def test_an_inquiry_in_japanese_calls_the_asker_go_honnin(client, ja_creator, operator):
    """The inquiry's form and page, with the steps that name the one who asks (a request
    for information, the reminder, the reply deadline, a closing for want of a reply):
    ご本人 and ご返信, never 申立人, which is the complaints' word."""
    client.force_login(ja_creator)
    form = text_of(client.get(reverse("complaints:case_new", args=["inquiry"])).content.decode())
    assert "ご本人について" in form and "ご本人の立場" in form
    assert "申立人" not in form

    assert send(client, reverse("complaints:case_new", args=["inquiry"]),
                portal_data.inquiry()).status_code == 302
    case = Case.objects.get(kind="inquiry")
    info_request(case=case, actor=operator, body="どの作品についてのご質問かお知らせください。")
    event_record(case=case, actor=None, event_type=EventType.FILER_REMINDED,
                 new={"reply_by": DUE})
    event_record(case=case, actor=None, event_type=EventType.STATUS_CHANGED,
                 old={"status": "awaiting_filer"},
                 new={"status": "closed",
                      "reason": "no reply from the filer within the time given"})
    page = text_of(case_page(client, case))
    assert "ご本人" in page
    assert "ご返信のお願い" in page and "ご返信の期限を" in page
    assert "2026年12月8日 16:34 JSTまでにご返信いただくよう" in page
    assert "期限内にご返信がありませんでした" in page
    assert "申立人" not in page


def test_a_complaint_in_japanese_still_names_its_filer(client, ja_creator):
    client.force_login(ja_creator)
    form = text_of(client.get(reverse("complaints:case_new",
                                      args=["output-complaint"])).content.decode())
    assert "申立人について" in form and "ご本人" not in form
    page = text_of(case_page(client, file_case(filer=ja_creator)))
    assert "申立人" in page and "ご本人" not in page


def test_a_decided_case_in_japanese(client, ja_creator, operator):
    """The decision's date is 判断日時 (not the status 判断済み), automated means read
    「使用あり（…）」, and every list is joined with 「、」, never ", "."""
    case = file_case(filer=ja_creator, remedies=["remove_output", "block_prompts"])
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.UPHELD,
                    actions=["output_removed", "prompt_blocked"], facts="類似しています。",
                    ground="利用規約第3条", automated_means=True,
                    automated_detail="類似画像の自動検出")
    client.force_login(ja_creator)
    html = case_page(client, case)
    decision, filed = panel(html, "decision-h"), panel(html, "filed-h")
    assert "判断日時" in decision and "判断済み" not in decision
    assert "使用あり（類似画像の自動検出）" in decision
    assert "はい:" not in decision and "はい：" not in decision
    assert "生成物を削除、" in decision
    assert "生成物の削除、プロンプトまたはキャラクターのブロック" in filed
    for text in (decision, filed):
        assert ", " not in text, text
    feedback = panel(html, "feedback-h")
    assert "はい" in feedback and "いいえ" in feedback


def test_an_appeal_in_japanese_names_the_decision_in_one_sentence(client, ja_creator, operator):
    """「このケースは、KT-…の判断に対する不服申立てです。」, not a sentence cut around the
    link and ending in an ASCII "."; the first case names its appeal with full-width
    parentheses."""
    case = file_case(filer=ja_creator)
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.NOT_UPHELD,
                    actions=["no_action"], facts="類似していません。", ground="利用規約第3条",
                    automated_means=False)
    client.force_login(ja_creator)
    assert send(client, reverse("complaints:case_appeal", args=[case.reference]),
                portal_data.appeal()).status_code == 302
    appeal = Case.objects.get(kind="appeal")
    page = text_of(case_page(client, appeal))
    assert f"このケースは、{case.reference}の判断に対する不服申立てです。" in page
    assert f"{case.reference} ." not in page and "：" + case.reference not in page
    page = text_of(case_page(client, case))
    assert f"この判断には不服申立てが行われています（{appeal.reference}、提出済み）。" in page


def test_the_receipt_page_and_prompts_use_the_full_width_colon(client, ja_creator):
    case = file_case(filer=ja_creator)
    case.locations.update(prompt="星野アキが踊る動画")
    client.force_login(ja_creator)
    filed = text_of(client.get(reverse("complaints:case_filed",
                                       args=[case.reference])).content.decode())
    assert f"受付番号：{case.reference}" in re.sub(r"：\s+", "：", filed)
    assert "受付番号:" not in filed
    page = text_of(case_page(client, case))
    assert "プロンプト：星野アキが踊る動画" in page


def test_an_answered_inquiry_speaks_of_answers_not_actions(client, ja_creator, operator):
    """The answers are the decision: no 「実施した措置：措置なし」, and the way to contest
    them names the answers."""
    client.force_login(ja_creator)
    assert send(client, reverse("complaints:case_new", args=["inquiry"]),
                portal_data.inquiry()).status_code == 302
    case = Case.objects.get(kind="inquiry")
    for question in case.questions.all():
        question_answer(question=question, actor=operator, category="no", text="いいえ。")
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.ANSWERED,
                    actions=["no_action"], facts="ご質問にお答えしました。", ground="開示方針",
                    automated_means=False)
    decision = panel(case_page(client, case), "decision-h")
    assert "実施した措置" not in decision and "措置なし" not in decision
    assert "本回答にご不服がある場合は" in decision
