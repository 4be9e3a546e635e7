"""The language a request is answered in. Pages: the signed-in account's, whatever the
browser sends. The API (a token or a signed-in browser): the language Accept-Language asks
for if the site has it, else the account's (tests/complaints/api/test_error_language.py).
A header naming none of ours (`*`, `fr`, `de-DE`, an empty one) asks for nothing."""
import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.language import language_asked_for
from tests.factories import UserFactory

HEADERS = [
    ("ja", "ja"), ("ja-JP", "ja"), ("en-US,en;q=0.9", "en"), ("fr, ja;q=0.5", "ja"),
    ("de-DE, en;q=0.3", "en"), ("*", None), ("fr", None), ("de-DE", None), ("", None),
    ("*, ja;q=0.5", None), ("!!", None), ("x" * 600, None), (None, None),
]


@pytest.mark.parametrize(("header", "language"), HEADERS)
def test_the_language_a_header_asks_for(header, language):
    extra = {} if header is None else {"HTTP_ACCEPT_LANGUAGE": header}
    assert language_asked_for(RequestFactory().get("/", **extra)) == language


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["*", "fr", "de-DE", "", "en", "en-US"])
@pytest.mark.parametrize("name", ["accounts:preferences", "accounts:api_tokens"])
def test_a_page_speaks_the_accounts_language_whatever_the_browser_sends(client, name,
                                                                           header):
    client.force_login(UserFactory(language="ja"))
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "language"), [("fr, ja;q=0.5", "ja"), ("fr", "en"),
                                                  ("ja-JP", "ja")])
def test_a_page_for_nobody_signed_in_follows_the_browser(client, header, language):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=header)
    assert f'<html lang="{language}">' in response.content.decode()
