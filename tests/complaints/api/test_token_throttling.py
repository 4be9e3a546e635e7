"""Wrong API tokens from one client address: after so many in a window, 429 in the API's
error shape with Retry-After, in the caller's language; tokens in use keep working, and
their quotas are their own (README "Login throttling")."""
import logging

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.services import api_token_create

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
HERE, ELSEWHERE = "198.51.100.7", "203.0.113.20"


def call(token, *, ip=HERE, **headers):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(CASES, REMOTE_ADDR=ip, **headers)


def wrong_tokens(times=None, *, ip=HERE):
    times = settings.KOTAE_API_BAD_TOKEN_LIMIT if times is None else times
    return [call(f"kotae_guess{n}", ip=ip).status_code for n in range(times)]


def test_too_many_wrong_tokens_are_429_with_retry_after():
    assert wrong_tokens() == [401] * settings.KOTAE_API_BAD_TOKEN_LIMIT

    response = call("kotae_one-more")

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and body["fields"] == {}
    assert body["message"].startswith(
        "Too many requests with a token that is not valid came from your address.")
    wait = int(response["Retry-After"])
    assert 0 < wait <= settings.KOTAE_API_BAD_TOKEN_WINDOW
    assert f"Try again in {wait} second" in body["message"]
    # Anything that is not a token in use counts alike.
    assert call("not-even-ours").status_code == 429


def test_in_the_callers_language():
    wrong_tokens()
    response = call("kotae_one-more", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 429
    assert "無効なトークンによるリクエストが多数ありました" in response.json()["message"]


def test_tokens_in_use_and_other_addresses_are_not_held(creator, settings):
    settings.KOTAE_API_RATE = "3/min"
    _row, token = api_token_create(user=creator, name="agent")
    assert call(token).status_code == 200  # a filer's script at the same address
    wrong_tokens()
    assert call("kotae_one-more").status_code == 429

    assert call(token).status_code == 200  # still working, on its own quota
    assert call(token).status_code == 200
    assert call(token).status_code == 429 and call(token).json()["message"].startswith(
        "Request was throttled.")  # its quota of 3, not the wrong tokens' count
    assert call("kotae_guess", ip=ELSEWHERE).status_code == 401


def test_with_the_cache_down_it_fails_open_and_says_so(monkeypatch, caplog):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get", "add", "incr", "set"):
        monkeypatch.setattr(cache, name, down)
    # Read from the module's own logger: a worker started in this process by an earlier
    # test may have reconfigured logging and disabled loggers that existed then.
    counted = logging.getLogger("config.rate_limits")
    counted.disabled = False
    with caplog.at_level(logging.WARNING, logger="config.rate_limits"):
        counted.addHandler(caplog.handler)
        try:
            codes = wrong_tokens(settings.KOTAE_API_BAD_TOKEN_LIMIT + 3)
        finally:
            counted.removeHandler(caplog.handler)
    assert codes == [401] * (settings.KOTAE_API_BAD_TOKEN_LIMIT + 3)
    assert "Rate limit not counted, cache unavailable" in caplog.text
