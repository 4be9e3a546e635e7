"""The transparency report as a reader of each language reads it: the CSV in words (its
headings, kinds, yes/no and small-group markers in the page's language, with the BOM that
Excel needs to open UTF-8), the JSON unchanged for programs, and the Japanese page
punctuated as Japanese."""
import codecs
import csv
import html as html_lib
import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from complaints.models import Case, CaseKind, Decision, Question
from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record
from complaints.services.transparency import transparency_refresh
from tests.factories import UserFactory, complaint_draft, staff_user

NOW = datetime(2025, 8, 15, 3, 0, tzinfo=UTC)  # Q3 2025 is the current quarter
SNAKE_CASE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
COLUMNS = 43  # 36, and the 7 disputes and policies figures of a quarter


def _small_history():
    """February 2025: six output complaints (five upheld, one not: a "fewer than 5" and,
    so that it cannot be worked out, a "withheld") and two inquiries (a small group)."""
    operator = staff_user(email="olivia@kotae.example")
    filer = UserFactory()
    for i in range(8):
        kind = "output_complaint" if i < 6 else "inquiry"
        case = case_submit(filer=filer, draft=complaint_draft(
            kind=kind, **({"questions": ["Was it trained on?"]} if kind == "inquiry" else {})))
        Case.objects.filter(pk=case.pk).update(submitted_at=datetime(2025, 2, 10 + i, 3,
                                                                     tzinfo=UTC))
        if i < 6:
            outcome, actions = ("upheld", ["output_removed"]) if i < 5 else (
                "not_upheld", ["no_action"])
            decision_record(case=case, decided_by=operator, outcome=outcome, actions=actions,
                            facts="Facts relied on.", ground="Policy 4.2.",
                            automated_means=False)
    transparency_refresh(now=NOW)


@pytest.fixture(scope="module")
def history(shared_rows):
    with shared_rows(_small_history):
        yield


def _get(client, name: str, language: str):
    return client.get(reverse(f"public:{name}"), HTTP_ACCEPT_LANGUAGE=language)


def _table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _visible(page: str) -> str:
    """The words a visitor sees: tags (and so their attributes) removed."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "\n", page))


@pytest.mark.django_db
class TestTheCsvIsReadable:

    def test_japanese_csv_is_in_japanese_words(self, history, client):
        response = _get(client, "transparency_csv", "ja")
        assert response.content.startswith(codecs.BOM_UTF8)  # or Excel shows mojibake
        header, *rows = _table(response)
        assert len(header) == COLUMNS
        assert header[:5] == ["四半期", "初日", "末日", "四半期の集計完了", "ケースの種類"]
        for heading in header:
            assert JAPANESE.search(heading) and not SNAKE_CASE.search(heading), heading
        with translation.override("ja"):  # the page's labels, whatever their wording
            for words, label in [("判断の結果", Decision.Outcome.NOT_UPHELD.label),
                                 ("措置", Decision.Action.OUTPUT_REMOVED.label),
                                 ("回答", Question.Category.CANNOT_DISCLOSE.label)]:
                assert any(h.startswith(words) and str(label) in h for h in header), label
            kinds = {str(label) for label in CaseKind.labels}
            kinds.add("異議・不服申立てとポリシーの運用（全種類）")  # a quarter's own row
        assert "初回回答までの時間：中央値（営業時間ベース・分）" in header

        assert {row[4] for row in rows} == kinds
        assert {row[3] for row in rows} == {"はい", "いいえ"}
        assert rows[0][0].startswith("2025年") and rows[0][0].endswith("第1四半期")
        assert rows[0][1:3] == ["2025-01-01", "2025-03-31"]  # dates stay ISO dates
        values = {value for row in rows for value in row}
        assert {"5件未満", "非公表"} <= values
        assert not {"fewer than 5", "withheld", "true", "false"} & values
        assert not any(SNAKE_CASE.search(value) for value in values)

    def test_english_csv_is_in_english_words(self, history, client):
        response = _get(client, "transparency_csv", "en")
        assert response.content.startswith(codecs.BOM_UTF8)
        header, *rows = _table(response)
        assert header[:5] == ["Quarter", "First day", "Last day", "Quarter complete",
                              "Kind of case"]
        assert "Time to decision: median (business minutes)" in header
        assert "Decided on time (share, 0 to 1)" in header
        assert "Outcome (Not upheld: no action)" in header
        assert "Action (Output removed)" in header
        assert "Answer (Cannot disclose)" in header
        assert not any(SNAKE_CASE.search(heading) for heading in header)
        assert {row[4] for row in rows} == {"Output complaint", "Training objection",
                                           "Inquiry", "Appeal", "Counter-notice",
                                           "Disputes and policies (all kinds)"}
        assert {row[3] for row in rows} == {"Yes", "No"}
        complaints = next(r for r in rows if r[0] == "2025 Q1" and r[4] == "Output complaint")
        figures = dict(zip(header, complaints, strict=True))
        assert figures["Action (Output removed)"] == "5"
        assert figures["Outcome (Not upheld: no action)"] == "fewer than 5"
        assert figures["Outcome (Upheld: action taken)"] == "withheld"

    def test_both_languages_have_the_same_columns_and_figures(self, history, client):
        japanese = _table(_get(client, "transparency_csv", "ja"))
        english = _table(_get(client, "transparency_csv", "en"))
        assert len(japanese) == len(english) and len(japanese[0]) == COLUMNS
        for ja_row, en_row in zip(japanese[1:], english[1:], strict=True):
            assert len(ja_row) == COLUMNS
            for ja_value, en_value in zip(ja_row, en_row, strict=True):
                if re.fullmatch(r"[\d.-]*", en_value):  # figures, dates, blanks
                    assert ja_value == en_value

    def test_csv_speaks_the_language_the_page_was_switched_to(self, history, client):
        client.post(reverse("accounts:language_set"),
                    {"language": "ja", "next": reverse("public:transparency")})
        assert '<html lang="ja">' in _get(client, "transparency", "en").content.decode()
        assert _table(_get(client, "transparency_csv", "en"))[0][0] == "四半期"

    def test_csv_speaks_the_language_a_user_prefers(self, history, client):
        client.force_login(UserFactory(language="ja"))  # beats the browser's English
        assert '<html lang="ja">' in _get(client, "transparency", "en").content.decode()
        assert _table(_get(client, "transparency_csv", "en"))[0][0] == "四半期"

    def test_json_keeps_its_keys_and_codes_in_every_language(self, history, client):
        japanese = json.loads(_get(client, "transparency_json", "ja").content)
        english = json.loads(_get(client, "transparency_json", "en").content)
        assert japanese == english
        assert set(japanese) == {
            "format", "computed_at", "time_zone", "business_day_minutes",
            "small_group_minimum", "suppressed_marker", "withheld_marker", "quarters",
            "months", "notes"}
        quarter = japanese["quarters"][0]
        assert set(quarter) == {"quarter", "first_day", "last_day", "complete", "kinds",
                                "disputes"}
        assert quarter["quarter"] == "2025-Q1" and quarter["complete"] is True
        group = quarter["kinds"][0]
        assert group["kind"] == "output_complaint"
        assert set(group) == {
            "kind", "received", "withdrawn", "retracted", "decided",
            "first_response_median_business_minutes", "first_response_p90_business_minutes",
            "decision_median_business_minutes", "decision_p90_business_minutes",
            "decided_on_time_share", "outcomes", "actions", "appeals", "reversals",
            "answers", "rejections"}
        assert group["outcomes"]["not_upheld"] == "fewer than 5"
        assert set(group["actions"]) == set(Decision.Action.values)


@pytest.mark.django_db
class TestTheJapanesePage:

    def test_japanese_page_is_punctuated_as_japanese(self, history, client):
        page = _get(client, "transparency", "ja").content.decode()
        text = _visible(page)
        assert "2024年9月から2025年8月までに提出された" in text
        assert " から " not in text and " まで" not in text
        assert ", " not in text
        assert not SNAKE_CASE.search(text), SNAKE_CASE.findall(text)
        assert "7月〜9月（現時点まで）" in text  # the current quarter, counted so far
        assert " · " not in text.replace("透明性レポート · Kotae", "")
        assert ">2025年<" in page  # the year under January on the charts' axis
        computed = next(line for line in text.splitlines() if "時点" in line or "集計した" in line)
        assert computed.count("JST") == 1, computed

    def test_english_page_keeps_its_words(self, history, client):
        text = _visible(_get(client, "transparency", "en").content.decode())
        assert "from Sep 2024 to Aug 2025" in text or "from September 2024 to August 2025" in text
        assert "Jul to Sep · so far" in text
        computed = next(line for line in text.splitlines() if "Figures computed" in line)
        assert computed.count("JST") == 1, computed
