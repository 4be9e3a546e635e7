"""Password-reset requests are limited per address asked for and per client address
(README "Login throttling"): over the limit the form says so, sends nothing, and says the
same whether or not the address has an account."""
import itertools
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

TOO_MANY = ("We have had too many requests to reset a password for this address or from "
            "your network.")
HERE, ELSEWHERE = "198.51.100.7", "203.0.113.20"


def ask(client, on_commit, email, *, ip=HERE, **headers):
    with on_commit():
        return client.post(reverse("accounts:password_reset"), {"email": email},
                           REMOTE_ADDR=ip, **headers)


_minutes = itertools.count(1)


def new_token(user):
    """A reset link is new once the account changed (so the outbox would send it again)."""
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - timedelta(minutes=next(_minutes)))


def test_a_client_is_sent_so_many_links_for_an_address_an_hour(client, on_commit, creator):
    for _n in range(settings.KOTAE_PASSWORD_RESET_PER_EMAIL):
        new_token(creator)
        assert ask(client, on_commit, creator.email).status_code == 302
    sent = len(mail.outbox)
    assert sent == settings.KOTAE_PASSWORD_RESET_PER_EMAIL
    new_token(creator)

    response = ask(client, on_commit, creator.email.upper())

    assert response.status_code == 200
    text = " ".join(text_of(response.content.decode()).split())
    assert TOO_MANY in text and "Please try again in" in text
    assert len(mail.outbox) == sent


def test_nobody_can_use_up_someone_elses_resets(client, on_commit, creator):
    """Requests from one client, even past its own limit, leave the owner of the address
    free to ask from theirs (a review found 4 requests an hour blocked anyone's reset)."""
    for _n in range(settings.KOTAE_PASSWORD_RESET_PER_IP + 5):
        ask(client, on_commit, creator.email, ip=ELSEWHERE)
    new_token(creator)
    sent = len(mail.outbox)
    assert ask(client, on_commit, creator.email, ip=HERE).status_code == 302
    assert len(mail.outbox) == sent + 1


def test_an_ipv6_client_is_counted_per_64(client, on_commit):
    for n in range(settings.KOTAE_PASSWORD_RESET_PER_IP):
        assert ask(client, on_commit, f"someone{n}@example.com",
                   ip=f"2001:db8:1:2::{n + 1:x}").status_code == 302
    response = ask(client, on_commit, "one-more@example.com", ip="2001:db8:1:2:ffff::1")
    assert response.status_code == 200 and TOO_MANY in " ".join(
        text_of(response.content.decode()).split())


def test_a_client_may_ask_so_many_times_an_hour(client, on_commit, creator):
    for n in range(settings.KOTAE_PASSWORD_RESET_PER_IP):
        assert ask(client, on_commit, f"someone{n}@example.com").status_code == 302

    response = ask(client, on_commit, creator.email)

    assert TOO_MANY in " ".join(text_of(response.content.decode()).split())
    assert mail.outbox == []
    # The same address asked for from elsewhere is sent its link.
    assert ask(client, on_commit, creator.email, ip=ELSEWHERE).status_code == 302
    assert [m.to for m in mail.outbox] == [[creator.email]]


def test_the_answer_does_not_tell_whether_an_account_exists(client, on_commit, creator):
    answers = {}
    for email in (creator.email, "nobody@example.com"):
        for _ in range(settings.KOTAE_PASSWORD_RESET_PER_EMAIL):
            ask(client, on_commit, email)
        answers[email] = text_of(ask(client, on_commit, email).content.decode())
    assert TOO_MANY in " ".join(answers[creator.email].split())
    assert answers[creator.email] == answers["nobody@example.com"]


def test_the_limit_in_japanese(client, on_commit):
    for _ in range(settings.KOTAE_PASSWORD_RESET_PER_EMAIL):
        ask(client, on_commit, "nobody@example.com")
    response = ask(client, on_commit, "nobody@example.com", HTTP_ACCEPT_LANGUAGE="ja")
    assert "パスワード再設定のお申し込みが多数ありました" in response.content.decode()


def test_with_the_cache_down_requests_go_through_and_it_is_logged(client, on_commit, creator,
                                                                   monkeypatch, caplog):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "incr", down)
    with caplog.at_level(logging.WARNING, logger="config.rate_limits"):
        for _ in range(settings.KOTAE_PASSWORD_RESET_PER_EMAIL + 1):
            new_token(creator)
            assert ask(client, on_commit, creator.email).status_code == 302
    assert len(mail.outbox) == settings.KOTAE_PASSWORD_RESET_PER_EMAIL + 1
    assert "Rate limit not counted, cache unavailable" in caplog.text
