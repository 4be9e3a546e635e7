"""The fields' own messages (DRF's, django-filter's, Django forms') speak the caller's
language in our words: DRF's Japanese is missing for some ("Not a valid string.", "Ensure
this field has at least 1 elements.") and stiff for others; a value's type is named as JSON
names it (配列, 文字列), not as Python does (list, str). The English stays DRF's. (A part a
kind of case requires, left out, is said in the domain's words, as the portal says it:
tests/complaints/test_invalid_filings.py.)"""
import json

import pytest

from tests.factories import file_case
from tests.support.api_language import (
    CALLER_IDS,
    CALLERS,
    Caller,
    assert_english,
    assert_japanese,
    caller_from,
)

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"
EXAMPLE = "2026-11-20T10:30:00+09:00"


@pytest.fixture(params=CALLERS, ids=CALLER_IDS)
def caller(request):
    return caller_from(request.param)


def fields_of(response, caller: Caller, expected: dict[str, tuple[str, str]],
              allowed=()) -> dict:
    """Each field named in `expected` has a message holding its (Japanese, English) part;
    every message of the answer is in the caller's language."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    fields = body["fields"]
    for name, (ja, en) in expected.items():
        assert name in fields, (name, fields)
        part = ja if caller.lang == "ja" else en
        assert any(part in message for message in fields[name]), (name, fields[name])
    for message in [body["message"], *(m for ms in fields.values() for m in ms)]:
        if caller.lang == "ja":
            assert_japanese(message, *allowed)
        else:
            assert_english(message)
    return fields


def post_raw(caller: Caller, body: dict | list, url=CASES):
    # Sent as text: a lone surrogate ("\ud800") cannot be encoded by the test client.
    return caller.client.post(url, json.dumps(body), content_type="application/json")


def test_wrong_types_missing_values_and_choices(caller):
    response = post_raw(caller, {
        "kind": "inquiry", "title": 5, "questions": [], "organisation": "x", "signature": None,
        "works": "x", "language": "xx", "accuracy_statement": None, "ai_product": "a" * 201,
        "ai_model": None})
    fields_of(response, caller, {
        "title": ("文字列で指定してください", "Not a valid string."),
        "questions": ("質問を1つ以上入力してください", "Ask at least one question."),
        "organisation": ("整数で指定してください", "A valid integer is required."),
        "ai_model": ("nullは指定できません", "This field may not be null."),
        "signature": ("署名として氏名を入力してください", "Sign with your full name."),
        "works": ("配列で指定してください（送信された値は文字列です）",
                  'Expected a list of items but got type "string".'),
        "language": ("「xx」は選択肢にありません", '"xx" is not a valid choice.'),
        "accuracy_statement": ("この表明は必須です", "This statement is required."),
        "ai_product": ("200文字以内で指定してください", "no more than 200 characters"),
    }, allowed=("null", "xx", "true"))


def test_limits_blanks_rows_and_strange_characters(caller):
    response = post_raw(caller, {
        "kind": "inquiry", "title": "\ud800", "questions": ["q"] * 51, "organisation": 0,
        "signature": "", "works": [{"title": "", "kind": "zz"}, 3]})
    fields_of(response, caller, {
        "title": ("サロゲート文字（U+D800）は使用できません", "U+D800"),
        "questions": ("1件のお問い合わせで入力できる質問は50件までです",
                      "One inquiry asks at most 50 questions"),
        "organisation": ("1以上の値を指定してください", "greater than or equal to 1"),
        "signature": ("署名として氏名を入力してください", "Sign with your full name."),
        "works.0.title": ("空欄にはできません", "This field may not be blank."),
        "works.0.kind": ("「zz」は選択肢にありません", '"zz" is not a valid choice.'),
        "works.1.non_field_errors": ("JSONオブジェクトで指定してください（送信された値は数値です）",
                                     "Expected a dictionary, but got number."),
        "accuracy_statement": ("この表明は必須です", "This statement is required."),
    }, allowed=("U+D800", "zz", "JSON", "true"))


def test_objects_times_and_required_fields(caller):
    url = "https://dreamreel.example/v/abc123"
    response = post_raw(caller, {
        "kind": "output_complaint", "agent": "x", "remedies": ["remove_output"] * 11,
        "locations": [{"url": url, "seen_at": "0001-01-01T00:00:00+09:00"},
                      {"url": url, "seen_at": "yesterday"}]})
    fields_of(response, caller, {
        "agent.non_field_errors": ("JSONオブジェクトで指定してください（送信された値は文字列です）",
                                   "but got string"),
        "remedies": ("10件以内で指定してください", "no more than 10 elements"),
        "locations.0.seen_at": ("日時が範囲外です", "Datetime value out of range."),
        "locations.1.seen_at": ("タイムゾーン付きで日時を指定してください",
                                "Give a date and time with its zone"),
        "title": ("件名を入力してください", "Give the case a short title."),
    }, allowed=("JSON", EXAMPLE, "true", "AI"))


def test_a_body_that_is_not_an_object(caller):
    response = post_raw(caller, [1])
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    message = response.json()["message"]
    if caller.lang == "ja":
        assert "JSONオブジェクトで指定してください（送信された値は配列です）" in message
        assert_japanese(message, "JSON")
    else:
        assert message == "Invalid data. Expected a dictionary, but got array."


def test_bulk_items_that_are_not_objects(caller):
    fields_of(post_raw(caller, {"cases": [1, "x"]}, CASES + "bulk/"), caller, {
        "cases.0": ("JSONオブジェクトで指定してください（送信された値は数値です）",
                    'Expected a dictionary of items but got type "number".'),
    }, allowed=("JSON",))
    fields_of(post_raw(caller, {"cases": []}, CASES + "bulk/"), caller, {
        "cases": ("1件以上指定してください", "at least 1 elements"),
    })
    fields_of(post_raw(caller, {"cases": {}}, CASES + "bulk/"), caller, {
        "cases": ("配列で指定してください（送信された値はJSONオブジェクトです）",
                  'but got type "object"'),
    }, allowed=("JSON",))


def test_list_filters_refuse_a_choice_in_our_words(caller):
    response = caller.client.get(CASES, {"status": "nope", "kind": "x"})
    fields_of(response, caller, {
        "status": ("「nope」は選択肢にありません", "nope is not one of the available choices."),
        "kind": ("「x」は選択肢にありません", "x is not one of the available choices."),
    }, allowed=("nope", "x"))


@pytest.mark.parametrize("param", CALLERS, ids=CALLER_IDS)
def test_the_register_export_refuses_a_format_in_our_words(param):
    staff = caller_from(param, is_staff=True)
    response = staff.client.get("/api/v1/register/", {"format": "xml"})
    fields_of(response, staff, {
        "format": ("「xml」は選択肢にありません", "xml is not one of the available choices."),
    }, allowed=("xml",))


def test_evidence_without_a_file_or_with_text_for_one(caller):
    case = file_case(filer=caller.user)
    url = f"{CASES}{case.reference}/evidence/"
    fields_of(caller.client.post(url, {}, format="multipart"), caller, {
        "file": ("ファイルが送信されていません", "No file was submitted."),
    })
    fields_of(caller.client.post(url, {"file": "not a file"}, format="multipart"), caller, {
        "file": ("ファイルとして送信されていません",
                 "The submitted data was not a file."),
    }, allowed=("multipart/form-data",))


def test_webhook_fields(caller):
    response = post_raw(caller, {"url": "", "description": 5}, "/api/v1/webhooks/")
    fields_of(response, caller, {
        "url": ("空欄にはできません", "This field may not be blank."),
        "description": ("文字列で指定してください", "Not a valid string."),
    })


def test_webhook_url_is_text_of_ours(caller):
    # The URL was DRF's own field: DRF's English for a surrogate, and a number taken as text.
    webhooks = "/api/v1/webhooks/"
    url_words = ("Webhook", "URL", "https://example.com/kotae/webhooks")
    fields_of(post_raw(caller, {"url": "https://x/\ud800"}, webhooks), caller, {
        "url": ("サロゲート文字（U+D800）は使用できません", "U+D800"),
    }, allowed=("U+D800", *url_words))
    fields_of(post_raw(caller, {"url": 5}, webhooks), caller, {
        "url": ("文字列で指定してください", "Not a valid string."),
    })


def test_nul_characters_are_refused_once_in_our_words(caller):
    # Django's own check said it a second time, in Django's Japanese (「何か文字を入力
    # してください。」), after the text check had said "not only spaces".
    response = post_raw(caller, {"kind": "inquiry", "title": "abc\x00", "ai_model": "a\x00",
                                 "questions": ["q\x00"]})
    fields = fields_of(response, caller, {
        "title": ("NUL文字を含めることはできません", "may not contain NUL characters"),
        "ai_model": ("NUL文字を含めることはできません", "may not contain NUL characters"),
        "questions.0": ("NUL文字を含めることはできません", "may not contain NUL characters"),
    }, allowed=("NUL", "true"))
    assert [len(fields[name]) for name in ("title", "ai_model", "questions.0")] == [1, 1, 1]
