"""The desk's canned responses, rendered for a case in the response's own language."""
import pytest
from django.utils import translation

from complaints.models import CannedResponse
from complaints.services.cases import WorkData
from complaints.services.desk import canned_render
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.django_db

WORKS = [WorkData(title="星空クエスト", kind="anime"),
         WorkData(title="星野アキ", kind="character")]


def test_a_japanese_response_lists_the_titles_in_brackets_with_the_japanese_comma():
    """「星空クエスト」、「星野アキ」 whatever language the operator reads the desk in."""
    case = file_case(filer=UserFactory(language="ja"), works=WORKS)
    canned = CannedResponse(name="確認", language="ja",
                            body="{work_titles}に類似した生成物を確認しました。")
    for operator_language in ("en", "ja"):
        with translation.override(operator_language):
            text = canned_render(canned=canned, case=case)
        assert text == "「星空クエスト」、「星野アキ」に類似した生成物を確認しました。"
        assert ", " not in text and "“" not in text


def test_an_english_response_quotes_and_lists_as_english_does():
    case = file_case(filer=UserFactory(language="en"), works=WORKS)
    canned = CannedResponse(name="Checked", language="en",
                            body="We checked outputs similar to {work_titles}.")
    with translation.override("ja"):
        text = canned_render(canned=canned, case=case)
    assert text == "We checked outputs similar to “星空クエスト”, “星野アキ”."


def test_unknown_placeholders_and_stray_braces_stay_as_written():
    case = file_case(works=WORKS[:1])
    assert canned_render(canned=CannedResponse(language="en", body="{reference} {nope}"),
                         case=case) == f"{case.reference} {{nope}}"
    assert canned_render(canned=CannedResponse(language="en", body="a {b"),
                         case=case) == "a {b"


@pytest.mark.parametrize(("language", "body"), [
    ("en", "Dear {filer_name},\n\nWe have removed the output."),
    ("en", "Hello {filer_name}\nWe have removed the output."),
    ("ja", "{filer_name} 様\n\n生成物を削除いたしました。"),
    ("ja", "{filer_name}様、\n生成物を削除いたしました。"),
])
def test_a_response_written_with_its_own_greeting_does_not_greet_twice(language, body):
    """The e-mail that carries a reply greets the filer; an operator's canned response
    that begins with a greeting of its own loses that line."""
    case = file_case(filer=UserFactory(language=language, display_name="山田 花子"))
    text = canned_render(canned=CannedResponse(name="x", language=language, body=body),
                         case=case)
    assert "山田 花子" not in text and text.startswith(("We have", "生成物を"))


def test_a_greeting_inside_the_text_is_kept():
    case = file_case(filer=UserFactory(language="en", display_name="Hanako"))
    body = "We wrote to you, {filer_name}, last week.\nDear {filer_name}, again."
    assert canned_render(canned=CannedResponse(name="x", language="en", body=body),
                         case=case) == "We wrote to you, Hanako, last week.\nDear Hanako, again."


def test_canned_responses_follow_the_case_not_the_account(operator):
    """Filed in Japanese: the desk's canned responses are the Japanese ones, even after
    the filer switched their account to English."""
    from complaints.services.desk import canned_for_case

    filer = UserFactory(language="ja")
    case = file_case(filer=filer, language="ja")
    filer.language = "en"
    filer.save()
    CannedResponse.objects.create(name="Thanks", language="en", body="Thank you.")
    CannedResponse.objects.create(name="御礼", language="ja", body="ありがとうございます。")
    case.refresh_from_db()
    assert [text for _canned, text in canned_for_case(case=case)] == ["ありがとうございます。"]
