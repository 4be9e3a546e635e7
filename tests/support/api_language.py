"""API callers who read Japanese or English, and checks that an error speaks their language
(tests/complaints/api/test_error_language.py and test_field_error_language.py)."""
import re

from rest_framework.test import APIClient

from accounts.services import api_token_create
from tests.factories import UserFactory

# (id, account language, Accept-Language sent or None): the header wins over the account.
CALLERS = [("ja-by-header", "en", "ja"), ("ja-by-account", "ja", None),
           ("en-by-header", "ja", "en")]
CALLER_IDS = [caller[0] for caller in CALLERS]
KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


class Caller:
    """A filer with an API token, who reads `lang`."""

    def __init__(self, account_language: str, accept_language: str | None, **user):
        self.user = UserFactory(language=account_language, **user)
        self.accept_language = accept_language
        self.lang = accept_language or account_language
        _row, self.token = api_token_create(user=self.user, name="tests")
        self.client = APIClient()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if accept_language:
            headers["HTTP_ACCEPT_LANGUAGE"] = accept_language
        self.client.credentials(**headers)


def caller_from(param, **user) -> Caller:
    _id, account_language, accept_language = param
    return Caller(account_language, accept_language, **user)


def assert_japanese(text: str, *allowed: str) -> None:
    """Japanese, as a person reads it: a sentence ending in 「。」, lists joined with 「、」,
    and no English (ASCII letters) but the tokens allowed (field names, JSON, a value sent
    back, a header's name...)."""
    assert KANA_OR_KANJI.search(text), text
    assert text.endswith("。"), text
    assert ", " not in text, text
    rest = text
    for token in sorted(allowed, key=len, reverse=True):
        rest = rest.replace(token, "")
    assert not re.search(r"[A-Za-z]", rest), text


def assert_english(text: str) -> None:
    assert not KANA_OR_KANJI.search(text), text
    assert re.search(r"[A-Za-z]", text), text


def assert_message(caller_lang: str, body: dict, *, ja: str, en: str,
                   allowed: tuple = ()) -> None:
    """The answer's `message` holds `ja` (and is Japanese) or `en` (and is English)."""
    message = body["message"]
    if caller_lang == "ja":
        assert ja in message, message
        assert_japanese(message, *allowed)
    else:
        assert en in message, message
        assert_english(message)
