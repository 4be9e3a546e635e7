"""The desk's words: a status named from the desk's side ("Awaiting the filer's reply",
not the filer's "Awaiting your reply"), and in Japanese lists joined with 「、」, the
signature quoted with 「」 and full-width colons between a label and its value."""
import html as html_lib
import re

import pytest
from django.urls import reverse

from complaints.models import CannedResponse, Decision
from complaints.services.decisions import decision_record
from complaints.services.desk import info_request
from tests.factories import file_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db



def desk_page(client, case) -> str:
    response = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def queue(client, **params) -> str:
    response = client.get(reverse("admin:complaints_case_changelist"), params)
    assert response.status_code == 200
    return response.content.decode()


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


@pytest.mark.parametrize(("language", "desk", "filers"), [
    ("en", "Awaiting the filer's reply", "Awaiting your reply"),
    ("ja", "申立人の返信待ち", "「返信待ち」"),
])
def test_the_desk_names_a_waiting_case_from_its_own_side(client, operator, creator,
                                                          language, desk, filers):
    """The badge, the audit trail, the queue's column and its status filter; the filer's
    own page keeps the filer's words."""
    case = file_case(filer=creator)
    info_request(case=case, actor=operator, body="Which frame shows the character?")
    speaks(operator, language)
    client.force_login(operator)
    html = desk_page(client, case)
    badge = re.search(r'<span class="badge badge-status">([^<]*)</span>', html).group(1)
    assert html_lib.unescape(badge) == desk
    trail = text_of(re.search(r'<ol class="plain audit">(.*?)</ol>', html, re.S).group(1))
    assert desk in trail and filers not in text_of(html)
    listed = text_of(queue(client, status="all"))
    assert desk in listed and filers not in listed
    assert listed.count(desk) >= 2  # the filter's choice and the case's row

    speaks(creator, "en")
    client.force_login(creator)
    filer_page = client.get(reverse("complaints:case_detail", args=[case.reference]))
    assert "Awaiting your reply" in filer_page.content.decode()
    assert "Awaiting the filer's reply" not in filer_page.content.decode()


def test_the_desk_case_page_in_japanese(client, operator, creator):
    """Lists with 「、」 and never ", ", the signature in 「」, full-width colons and
    parentheses next to Japanese."""
    creator.language = "ja"
    creator.save(update_fields=["language"])
    CannedResponse.objects.create(name="受付", language="ja", body="{reference}を受け付けました。")
    open_case = file_case(filer=creator, language="ja",
                          remedies=["remove_output", "block_prompts"],
                          signature="山田 花子")
    objection = file_case(filer=creator, kind="training_objection", remedies=[],
                          training_uses=["training", "fine_tuning"])
    decided = file_case(filer=creator)
    decision_record(case=decided, decided_by=operator, outcome=Decision.Outcome.UPHELD,
                    actions=["output_removed", "prompt_blocked"], facts="類似しています。",
                    ground="利用規約第3条", automated_means=False)
    speaks(operator, "ja")
    client.force_login(operator)

    page = text_of(desk_page(client, open_case))
    assert "生成物の削除、プロンプトまたはキャラクターのブロック" in page
    assert "署名：「山田 花子」" in page and "“" not in page
    assert "言語：日本語" in page and "言語:" not in page
    assert "定型文（日本語）" in page and "定型文 (" not in page
    facts = re.search(r'<dl class="desk-facts">(.*?)</dl>', desk_page(client, objection), re.S)
    assert "停止を求める利用" in text_of(facts.group(1)) and "、" in text_of(facts.group(1))
    page = text_of(desk_page(client, decided))
    assert "生成物を削除、" in page
    for case in (open_case, objection, decided):
        facts = re.search(r'<dl class="desk-facts">(.*?)</dl>', desk_page(client, case), re.S)
        assert ", " not in text_of(facts.group(1))
    assert ", " not in text_of(re.search(r'<section class="desk-panel">\s*<h2>判断</h2>.*?'
                                         r'</section>', desk_page(client, decided),
                                         re.S).group(0))

    register = text_of(client.get(reverse("admin:complaints_registerentry_changelist"),
                                  {"all": ""}).content.decode())
    assert "、" in register and ", " not in register


def test_a_refused_decision_names_each_field_with_the_full_width_colon(client, operator,
                                                                      creator):
    case = file_case(filer=creator)
    speaks(operator, "ja")
    client.force_login(operator)
    response = client.post(reverse("admin:complaints_case_decide", args=[case.pk]),
                           {"outcome": "upheld", "actions": ["output_removed"], "facts": "",
                            "ground": "", "automated_means": "on"})
    errors = re.findall(r'<li class="error">(.*?)</li>', response.content.decode(), re.S)
    assert errors
    assert any(e.startswith("判断の基礎とした事実：") for e in errors), errors
    assert not any(": " in e for e in errors), errors


@pytest.mark.parametrize(("language", "on_the_queue", "on_the_case"), [
    ("ja", [r"該当3件（\s*全件表示\s*）", "ケース3件", "期限で絞り込む", "ステータスで絞り込む",
            "操作：", "3個中0個選択"], ["担当者：", "優先度："]),
    ("en", [r"3 results \(\s*Show all\s*\)", "3 cases", "By deadline", "By status", "Action:",
            "0 of 3 selected"], ["Assignee:", "Priority:"]),
])
def test_djangos_own_words_on_the_desk(client, operator, creator, language, on_the_queue,
                                       on_the_case):
    """Django's admin says 「担当者:」「操作:」「結果 3 (全件表示)」「期限 で絞り込む」
    「3 ケース」 in Japanese: our catalogue (config/admin.py) and two of its templates
    (templates/admin/) say them with full-width punctuation and no stray spaces."""
    cases = [file_case(filer=creator) for _ in range(3)]
    speaks(operator, language)
    client.force_login(operator)
    listed = " ".join(text_of(queue(client, status="all")).split())
    for words in on_the_queue:
        assert re.search(words, listed), (words, listed)
    page = " ".join(text_of(desk_page(client, cases[0])).split())
    for words in on_the_case:
        assert words in page, (words, page)
