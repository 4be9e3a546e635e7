"""Staff sessions end after 30 minutes idle and after 12 hours; creators' do not."""
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

DESK = "/admin/"


class _Clock:
    def __init__(self):
        self.now = timezone.now()

    def shift(self, delta):
        self.now += delta


@contextmanager
def clock():
    c = _Clock()
    with mock.patch("django.utils.timezone.now", lambda: c.now):
        yield c


def _lands_on_login(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


def test_a_desk_session_ends_after_30_idle_minutes(client, operator):
    with clock() as clock_:
        client.force_login(operator)
        assert client.get(DESK).status_code == 200
        clock_.shift(timedelta(minutes=29))
        assert client.get(DESK).status_code == 200  # busy: the idle time starts again
        clock_.shift(timedelta(minutes=29))
        assert client.get(DESK).status_code == 200
        clock_.shift(timedelta(minutes=31))
        assert _lands_on_login(client.get(DESK))
        assert _lands_on_login(client.get(DESK))  # logged out, not just turned away once


def test_a_desk_session_ends_after_12_hours_however_busy(client, operator):
    with clock() as clock_:
        client.force_login(operator)
        for _ in range(12 * 3):
            assert client.get(DESK).status_code == 200
            clock_.shift(timedelta(minutes=20))
        clock_.shift(timedelta(minutes=1))  # 12 hours and a minute after the login
        assert _lands_on_login(client.get(DESK))


def test_a_creator_stays_logged_in_after_an_idle_hour(client, creator):
    with clock() as clock_:
        client.force_login(creator)
        page = reverse("complaints:case_list")
        assert client.get(page).status_code == 200
        clock_.shift(timedelta(hours=13))
        assert client.get(page).status_code == 200
