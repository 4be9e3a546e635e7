"""Every kind of e-mail, in both languages, is shaped as a company's desk writes one
(GLOSSARY.md): subject 【Kotae】<what>（<reference>）, the name with 様, an opening line,
the matter, what happens next, how to reply, a closing line, the desk's signature block
and a send-only line — in plain text and in HTML alike."""
import html as html_lib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail

from complaints.models import Notification
from complaints.services.outbox import notification_deliver
from tests.complaints.services.outbox.writers import WRITERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
COMPANY = {"en": "Example AI Inc.", "ja": "株式会社エグザンプルAI"}
DESK = {"en": "Creator Desk", "ja": "クリエイター窓口"}
SEND_ONLY = {"en": "This address is send-only", "ja": "送信専用"}
REFERENCE = r"KT-\d{4}-\d{6}"
SUBJECT = {"en": re.compile(rf"^\[Kotae\] \S.*\S(?: \({REFERENCE}\))?$"),
           "ja": re.compile(rf"^【Kotae】\S.*\S(?:（{REFERENCE}）)?$")}
DATE = {"en": re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} [A-Z]{3}"),
        "ja": re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} [A-Z]{3}")}
JAPANESE = r"\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef"
# What may stay in Latin letters in a Japanese e-mail: the brand, time zones, "AI".
LATIN_ALLOWED = {"Kotae", "JST", "UTC", "AI", "KT", "DMCA", "SHA"}

GREETING = {"ja": lambda name: f"{name} 様" if name else "ご担当者様",
            "en": lambda name: f"Dear {name}," if name else "Hello,"}
# E-mails to the desk: they link to the desk's case page, not the filer's.
STAFF_KINDS = {"deadline_warning", "deadline_breach", "deadline_escalation", "staff_digest",
               "filer_replied"}
# E-mails to an output's owner: they link to the owner's own page, never the filer's.
OWNER_KINDS = {"owner_statement", "owner_link"}
VARIANTS = [(kind, write) for kind, writers in WRITERS.items() for write in writers]


@pytest.fixture(autouse=True)
def _names(settings):
    settings.KOTAE_COMPANY_NAME = COMPANY
    settings.KOTAE_DESK_NAME = DESK


@pytest.fixture
def ja_creator():
    return UserFactory(display_name="山田 花子", email="hanako@studio.example", language="ja")


def test_every_kind_of_e_mail_is_covered():
    kinds = {path.name.removesuffix(".subject.txt") for path in EMAILS.glob("*.subject.txt")}
    assert kinds == set(WRITERS)


def _send(write, creator, operator, language) -> tuple[Notification, mail.EmailMessage]:
    row = write(creator, operator)
    Notification.objects.filter(pk=row.pk).update(language=language)
    mail.outbox.clear()
    assert notification_deliver(notification_id=row.pk) is True
    row.refresh_from_db()
    [sent] = mail.outbox
    return row, sent


def _user_values(row: Notification) -> list[str]:
    """What people entered, which an e-mail repeats as it was written: links, addresses,
    names, titles, messages, reasons."""
    values = re.findall(r"https?://\S+|\S+@\S+|" + REFERENCE + r"|ds-[\d-]+", row.body_text)
    for user in get_user_model().objects.all():
        values += [user.display_name, user.get_full_name()]
    if row.case is not None and row.case.content_as_sent:  # the receipt's copy of the notice
        values += _strings(json.loads(row.case.content_as_sent)) + [row.case.content_sha256]
    return [value for value in values if value]


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) and not re.fullmatch(r"[a-z_]+", value) else []


def _without_user_values(text: str, row: Notification) -> str:
    for value in sorted(_user_values(row), key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def _latin_words(text: str, row: Notification) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", _without_user_values(text, row))) - LATIN_ALLOWED


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize(("kind", "write"), VARIANTS,
                         ids=[f"{kind}-{write.__name__}" for kind, write in VARIANTS])
def test_each_e_mail_has_every_part(kind, write, language, ja_creator, operator):
    row, sent = _send(write, ja_creator, operator, language)
    text, html = sent.body, sent.alternatives[0][0]

    assert SUBJECT[language].match(sent.subject), sent.subject
    if row.case_id is not None and kind != "staff_digest":
        assert row.case.reference in sent.subject

    paragraphs = text.split("\n\n")
    greeting, opening = paragraphs[0], paragraphs[1]
    person = get_user_model().objects.filter(email=row.recipient).first()
    assert greeting == GREETING[language](person.display_name if person else ""), greeting
    assert opening.endswith(("。", "."))
    assert len(paragraphs) >= 5, text  # greeting, opening, matter, closing, signature

    for part in (greeting, opening, COMPANY[language], DESK[language], settings.SITE_URL,
                 SEND_ONLY[language]):
        assert part in text, (part, text)
        assert part in html, (part, html)
    assert text.index(COMPANY[language]) > text.index(opening)
    assert text.rstrip().splitlines()[-1].find(SEND_ONLY[language]) >= 0
    for link in re.findall(r"https?://\S+", text):
        assert link in html  # the same links in both

    if kind in OWNER_KINDS:
        assert "/owner/" in text and f"/cases/{row.case.reference}/" not in text
    elif row.case_id is not None and kind not in STAFF_KINDS:
        assert f"/cases/{row.case.reference}/" in text, "how to reply: the case page"
    elif row.case_id is not None and kind != "staff_digest":
        assert f"/admin/complaints/case/{row.case_id}/change/" in text, "the desk's page"

    dates = DATE[language].findall(text)
    if any(word in kind for word in ("receipt", "decision", "late", "deadline", "reminder",
                                     "info_requested", "register_confirmed",
                                     "register_applied", "digest")):
        assert dates, f"{kind} says by when, with the zone: {text}"


@pytest.mark.parametrize(("kind", "write"), VARIANTS,
                         ids=[f"{kind}-{write.__name__}" for kind, write in VARIANTS])
def test_japanese_e_mails_are_japanese_throughout(kind, write, ja_creator, operator):
    row, sent = _send(write, ja_creator, operator, "ja")
    for text in (sent.subject, _without_user_values(sent.body, row)):
        assert not _latin_words(text, row), (_latin_words(text, row), text)
        assert ", " not in text and "、 " not in text
        assert not re.search(rf"[{JAPANESE}][.:,;!?()]", text), text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a raw code"
    html = sent.alternatives[0][0]
    assert '<html lang="ja">' in html
    # The copy of the notice repeats what was sent as it was sent (the statements in the
    # words confirmed, here in English): like the text part, without what people entered.
    assert ", " not in _without_user_values(html_lib.unescape(re.sub(r"<[^>]+>", "", html)),
                                            row).replace("-apple-system,'Hiragino Sans'", "")


# What a Japanese reader of each variant must (and must not) read.
WORDING = {
    "decision_on_a_complaint": (["判断理由とあわせて", "実施した措置：生成物を削除、",
                                 "判断日時：", "不服申立てを行うことができます"], []),
    "refusal_of_a_complaint": (["申立てを認めず（措置なし）"], ["実施した措置"]),
    "rejection_of_a_notice": (["結果：却下",
                               "却下の理由：権利者またはその代理人からの申立てではない",
                               "本判断にご不服がある場合"], ["実施した措置"]),
    "decision_on_an_objection": (["学習利用停止の申出（受付番号"], []),
    "answer_to_an_inquiry": (["ご質問1：", "回答：はい", "補足：", "本回答にご不服がある場合"],
                             ["実施した措置", "本判断"]),
    "decision_on_an_appeal": (["当社における手続きは終了", "ケースのページは、引き続き"],
                              ["ご返信や証拠ファイルの追加", "不服申立てを行うことができます"]),
    "info_requested_on_an_inquiry": (["ご回答にあたり", "回答期限の進行は停止"], ["判断"]),
    "merged": (["ケースがほかにもあります"], ["ほかの方"]),
    "merged_with_another_filers": (["ケースがほかにもあります"], ["佐藤"]),
    "late": (["回答遅延のお詫び", "誠に申し訳ございません", "責任者"], []),
    "late_again": (["回答遅延のお詫び（再度のご連絡）", "この日時にも回答を差し上げることが",
                    "深くお詫び申し上げます", "責任者が毎日確認"], []),
    "promise_missed": (["申立人への回答見込み日時の超過：初回回答", "回答見込み日時（",
                        "新たな回答見込み日時", "毎日お送りします"], ["未回答のまま"]),
    "daily_escalation": (["エスカレーション：初回回答が未対応です", "未回答のまま",
                          "毎日お送りします"], ["新たな回答見込み日時"]),
    "receipt": (["以下のとおり、侵害申立てを受け付けました。", "受付番号：KT-"], []),
    "retracted_some_locations": (["申立ての撤回", "https://dreamreel.example/v/def456",
                                  "撤回の理由：権利者との間で"],
                                 ["https://dreamreel.example/v/abc123", "取下げ"]),
    "retracted_before_the_decision": (["申立ての撤回", "取下げ"], ["取り消す措置"]),
    "retracted_after_the_decision": (
        ["判断済みのまま", "生成物を削除、プロンプトまたはキャラクターをブロック"], ["取下げ"]),
    "retracted_objection_after_the_decision": (["学習利用停止の申出", "取り消す措置はありません"],
                                               []),
    "counter_notice_receipt": (["以下のとおり、異議申立てを受け付けました。",
                                "までの間に復元されます"], []),
    "counter_notice_copy": (["【Kotae】異議申立ての写しの送付", "氏名：田中 美香",
                             "住所：東京都渋谷区神南1-2-3", "電話番号：03-1234-5678",
                             "偽証罪の制裁を受けることを認識したうえで", "サービス提供者が所在する",
                             "訴訟提起のご報告"], ["住所地を管轄する"]),
    "court_action_to_the_owner": (["訴訟を提起したとの報告", "事件番号：26-1234",
                                   "裁判所：カリフォルニア州北部地区連邦地方裁判所"], []),
    "restored_to_the_complainant": (["法令の定めに従い、当該生成物を復元しました",
                                     "https://dreamreel.example/v/abc123"], []),
    "failed_emails": (["【Kotae】送信できなかったメール（2件）",
                       "再試行の上限に達しても送信できなかったメールが2件あります。",
                       "メールの種類：申立人への受付完了のお知らせ（2件）",
                       "申立人への受付完了のお知らせ・KT-",
                       "「星空クエストの主人公が再現されている」・hanako@studio.example",
                       "担当者画面のメール一覧から再送信してください",
                       "/admin/complaints/notification/?failed=final"], []),
}


@pytest.mark.parametrize("name", sorted(WORDING))
def test_what_each_japanese_e_mail_says(name, ja_creator, operator):
    write = next(w for _kind, w in VARIANTS if w.__name__ == name)
    _row, sent = _send(write, ja_creator, operator, "ja")
    must, must_not = WORDING[name]
    text = sent.subject + "\n" + sent.body
    for words in must:
        assert words in text, (words, text)
    for words in must_not:
        assert words not in text, (words, text)
