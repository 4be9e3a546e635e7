"""Every error the API answers before a serializer looks at the body speaks the caller's
language: Accept-Language if sent, else their account's. Malformed JSON (never Python's
English decoder text), a body too deep, too large or of a type not taken, no token, not
allowed, no such route, a method or an Accept not served, the quota, a crash. The `code`s
stay as they were. (The fields' own messages: test_field_error_language.py.)"""
import re

import pytest
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    SuspiciousMultipartForm,
    SuspiciousOperation,
)
from django.utils import translation
from rest_framework.test import APIClient

from complaints.api.errors import refused_by_django
from tests.factories import UserFactory, file_case
from tests.support.api_language import (
    CALLER_IDS,
    CALLERS,
    assert_english,
    assert_japanese,
    assert_message,
    caller_from,
)

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


@pytest.fixture(params=CALLERS, ids=CALLER_IDS)
def caller(request):
    return caller_from(request.param)


# (body, what the Japanese says, what the English says); columns count from 1.
MALFORMED = [
    ("{nope", "1行目の2文字目には、二重引用符", "Expecting property name enclosed in double "
                                         "quotes: line 1 column 2"),
    ("[1,]", "1行目の4文字目に値が必要です", "Expecting value: line 1 column 4"),
    ('{\n  "kind": ,\n}', "2行目の11文字目に値が必要です", "Expecting value: line 2 column 11"),
    ('{"a": 1} x', "1行目の10文字目以降に", "Extra data: line 1 column 10"),
    ('{"a" 1}', "1行目の6文字目にコロン", "Expecting ':' delimiter: line 1 column 6"),
    ('["a" "b"]', "1行目の6文字目にカンマ", "Expecting ',' delimiter: line 1 column 6"),
    ('{"a": "abc', "1行目の7文字目から始まる文字列が閉じられていません",
     "Unterminated string starting at: line 1 column 7"),
    ('["a\\q"]', "1行目の4文字目のエスケープ", "Invalid \\escape: line 1 column 4"),
    ('["a\tb"]', "1行目の4文字目に", "Invalid control character at: line 1 column 4"),
    ('{"organisation": NaN}', "NaN", "NaN"),
    ('{"organisation": ' + "1" * 5000 + "}", "4300桁を超える数値", "more than 4300 digits"),
]


@pytest.mark.parametrize(("body", "ja", "en"), MALFORMED,
                         ids=[row[2].split(":")[0] for row in MALFORMED])
def test_malformed_json_says_what_and_where_without_pythons_words(caller, body, ja, en):
    response = caller.client.post(CASES, body, content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "parse_error" and data["fields"] == {}
    assert_message(caller.lang, data, ja=ja, en=en, allowed=("JSON", "NaN", "Infinity"))
    if caller.lang == "ja":
        assert "リクエスト本文のJSONが正しくありません。" in data["message"]


def test_a_body_not_in_its_charset(caller):
    response = caller.client.post(CASES, b'{"title": "\xff"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert_message(caller.lang, response.json(), ja="UTF-8のテキストとして読み取れません",
                   en="not valid UTF-8", allowed=("UTF-8",))
    unknown = caller.client.generic("POST", CASES, b"{}",
                                    content_type="application/json; charset=bz2_codec")
    assert unknown.status_code == 400 and unknown.json()["code"] == "parse_error"
    assert_message(caller.lang, unknown.json(), ja="文字コード「bz2_codec」には対応していません",
                   en='Unsupported charset "bz2_codec"',
                   allowed=("Content-Type", "bz2_codec", "UTF-8"))


@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,  # deeper than Python's recursion limit: was a 500
    '{"kind": "inquiry", "note": ' + "[" * 200 + "]" * 200 + "}",  # reached the view
], ids=["past-the-recursion-limit", "deep-but-decodable"])
def test_json_nested_too_deep_is_a_400(caller, body):
    response = caller.client.post(CASES, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert_message(caller.lang, response.json(), ja="入れ子が深すぎます",
                   en="nested too deeply", allowed=("JSON",))


def test_a_multipart_body_that_is_not_one(caller):
    case = file_case(filer=caller.user)
    response = caller.client.post(f"/api/v1/cases/{case.reference}/evidence/", b"--x\r\n",
                                  content_type="multipart/form-data")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert_message(caller.lang, response.json(), ja="multipart/form-dataとして解析できません",
                   en="not valid multipart/form-data", allowed=("multipart/form-data",))


def test_a_body_of_a_type_not_taken_is_415(caller):
    response = caller.client.post(CASES, "kind=inquiry", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert_message(caller.lang, response.json(), ja="「text/plain」には対応していません",
                   en='Unsupported media type "text/plain" in request. Use one of: '
                      "application/json.",
                   allowed=("text/plain", "application/json"))
    case = file_case(filer=caller.user)  # a view taking two types names both
    upload = caller.client.post(f"/api/v1/cases/{case.reference}/evidence/", {},
                                format="json")
    assert upload.status_code == 415
    assert_message(caller.lang, upload.json(),
                   ja="multipart/form-data、application/x-www-form-urlencoded",
                   en="multipart/form-data, application/x-www-form-urlencoded",
                   allowed=("application/json", "multipart/form-data",
                            "application/x-www-form-urlencoded"))


def test_a_body_too_large_is_413(caller, settings):
    settings.KOTAE_API_CREATE_MAX_BYTES = 1024 * 1024  # a create's own limit
    response = caller.client.post(CASES, {"kind": "inquiry", "title": "x" * 1024 * 1024},
                                  format="json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"
    assert_message(caller.lang, response.json(), ja="上限は1MBです", en="at most 1 MB",
                   allowed=("MB",))


def test_too_many_query_fields_is_a_json_400(caller, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = caller.client.get(CASES + "?" + "&".join(f"x{i}=1" for i in range(11)))
    assert response.status_code == 400 and response.json()["code"] == "too_many_fields"
    assert_message(caller.lang, response.json(), ja="最大10個", en="at most 10")


def test_a_request_django_refuses_before_any_view_is_a_json_400(caller):
    # Not `parse_error` "Malformed request.": nothing was parsed, the host was refused.
    response = caller.client.get(CASES, HTTP_HOST="elsewhere.example")  # not ALLOWED_HOSTS
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_request"
    assert_message(caller.lang, response.json(), ja="Hostヘッダーに指定されたホスト名",
                   en="The request's Host header names a host", allowed=("Host",))


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("refusal", "code", "ja", "en"), [
    (DisallowedHost("elsewhere.example"), "bad_request", "Hostヘッダー", "Host header"),
    (BadRequest("Django's words"), "bad_request", "リクエストをお受けできませんでした",
     "This request was refused."),
    (SuspiciousOperation("Django's words"), "bad_request",
     "リクエストをお受けできませんでした", "This request was refused."),
    (SuspiciousMultipartForm("Django's words"), "parse_error",
     "リクエストの形式が正しくありません", "Malformed request."),
], ids=["host", "bad-request", "suspicious", "multipart-body"])
def test_what_django_refuses_has_a_code_for_what_it_is(refusal, code, ja, en, lang):
    # `parse_error` only for a body that does not parse; nothing says JSON or parsing else.
    with translation.override(lang):
        refused = refused_by_django(refusal)
        message = str(refused.detail)
    assert refused.get_codes() == code and refused.status_code == 400
    assert "Django's words" not in message
    assert_message(lang, {"message": message}, ja=ja, en=en, allowed=("Host",))
    if code == "bad_request":
        assert not re.search(r"JSON|parse|解析|形式", message), message


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_token_and_a_bad_token_are_401_in_the_header_language(lang):
    # No account is known: only Accept-Language can say which language.
    response = APIClient().get(CASES, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    assert_message(lang, response.json(), ja="Authorizationヘッダー",
                   en="Authentication credentials were not provided.",
                   allowed=("Authorization", "Bearer", "API"))
    bad = APIClient().get(CASES, HTTP_ACCEPT_LANGUAGE=lang,
                          HTTP_AUTHORIZATION="Bearer kotae_nonsense")
    assert bad.status_code == 401 and bad.json()["code"] == "authentication_failed"
    assert_message(lang, bad.json(), ja="トークンは無効", en="not valid", allowed=("API",))


def test_not_allowed_is_403_in_the_callers_language(caller):
    # The permission is checked before the view runs: the account's language must be
    # active by then.
    response = caller.client.get("/api/v1/register/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert_message(caller.lang, response.json(), ja="学習利用レジストリ",
                   en="Only the company's staff")


@pytest.mark.parametrize(("language", "accept"), [("ja", None), ("en", "ja"), ("ja", "en")])
def test_a_browser_without_its_csrf_token_is_403_in_its_language(language, accept):
    user = UserFactory(language=language)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    extra = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.post(CASES, {"kind": "inquiry"}, format="json", **extra)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert_message(accept or language, response.json(), ja="CSRFの確認に失敗しました",
                   en="CSRF", allowed=("CSRF", "X-CSRFToken", "csrftoken", "API"))


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/cases/KT-1/nope/",
                                  "/api/nope", "/api/v2/cases/"])
def test_no_such_route_under_api_is_a_json_404(caller, path):
    response = caller.client.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert_message(caller.lang, response.json(), ja="このエンドポイントは存在しません",
                   en="There is no such endpoint", allowed=("API", "/api/v1/docs/"))


def test_a_page_not_found_outside_the_api_is_still_a_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_no_such_case_is_404(caller):
    response = caller.client.get(f"{CASES}KT-2026-999999/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert_message(caller.lang, response.json(), ja="ケース", en="no such case")


def test_a_method_not_served_is_405(caller):
    response = caller.client.put(CASES, {}, format="json")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert_message(caller.lang, response.json(),
                   ja="このエンドポイントではPUTメソッドを使用できません",
                   en='Method "PUT" not allowed.', allowed=("PUT",))


def test_an_accept_not_served_is_406(caller):
    response = caller.client.get(CASES, HTTP_ACCEPT="text/html")
    assert response.status_code == 406 and response.json()["code"] == "not_acceptable"
    assert_message(caller.lang, response.json(),
                   ja="このエンドポイントの応答形式はapplication/jsonです",
                   en="Could not satisfy the request Accept header.",
                   allowed=("Accept", "application/json"))


def test_the_quota_says_when_to_try_again(caller, settings):
    settings.KOTAE_API_RATE = "1/min"
    assert caller.client.get(CASES).status_code == 200
    response = caller.client.get(CASES)
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    message = response.json()["message"]
    if caller.lang == "ja":
        assert f"{wait}秒後にもう一度お試しください。" in message, message
        assert not re.search(r"\d\s+秒", message)
        assert_japanese(message)
    else:
        assert f"Expected available in {wait} second" in message
        assert_english(message)


def test_a_crash_is_a_json_500_in_the_callers_language(caller, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("an internal detail no caller should read")

    monkeypatch.setattr("complaints.selectors.cases.cases_visible_to", crash)
    client = caller.client
    client.raise_request_exception = False
    response = client.get(CASES)
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "server_error" and "internal detail" not in body["message"]
    assert_message(caller.lang, body, ja="サーバーでエラーが発生しました",
                   en="A server error occurred.")


NAMES_NONE_OF_OURS = ["*", "fr", "de-DE", "", "fr, de;q=0.8", "*, fr;q=0.5", "!!"]
NAMES_ONE_OF_OURS = [("en", "fr, ja;q=0.5", "ja"), ("en", "ja-JP", "ja"),
                     ("ja", "en-US,en;q=0.9", "en"), ("ja", "fr, en;q=0.5, *;q=0.1", "en")]


def _token_client(language: str, header: str) -> APIClient:
    caller = caller_from(("", language, None))
    caller.client.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.token}",
                              HTTP_ACCEPT_LANGUAGE=header)
    return caller.client


def _browser_client(language: str, header: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=header)
    client.force_login(UserFactory(language=language))
    return client


@pytest.mark.parametrize("signed_in", [_token_client, _browser_client],
                         ids=["token", "browser"])
@pytest.mark.parametrize("header", NAMES_NONE_OF_OURS)
def test_a_header_naming_none_of_our_languages_leaves_the_accounts(signed_in, header):
    # Only whether the header was there used to count: a Japanese account got English.
    client = signed_in("ja", header)
    for response, words in [(client.get(f"{CASES}KT-2026-999999/"), "ケース"),
                            (client.get("/api/v1/no-such-thing/"), "エンドポイント"),
                            (client.put(CASES, {}, format="json"), "PUT")]:
        assert response.status_code in (404, 405), response.content
        assert_message("ja", response.json(), ja=words, en="",
                       allowed=("API", "/api/v1/docs/", "PUT"))


@pytest.mark.parametrize("signed_in", [_token_client, _browser_client],
                         ids=["token", "browser"])
@pytest.mark.parametrize(("account", "header", "lang"), NAMES_ONE_OF_OURS)
def test_a_header_naming_one_of_our_languages_wins(signed_in, account, header, lang):
    client = signed_in(account, header)
    response = client.get(f"{CASES}KT-2026-999999/")
    assert response.status_code == 404
    assert_message(lang, response.json(), ja="ケース", en="no such case")
    missing = client.get("/api/v1/no-such-thing/")
    assert_message(lang, missing.json(), ja="エンドポイント", en="There is no such endpoint",
                   allowed=("API", "/api/v1/docs/"))
