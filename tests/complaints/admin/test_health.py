"""The desk's health page: what /healthz checks and the figures the public does not see
(e-mails waiting, the oldest of them, e-mails that failed for good); staff only."""
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from complaints.models import Notification
from tests.factories import file_case
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(creator, monkeypatch):
    monkeypatch.setattr("complaints.tasks.notification_deliver_task.delay",
                        lambda *a, **k: None)  # the broker took them and lost them
    given_up = file_case(filer=creator)
    Notification.objects.filter(case=given_up).update(
        status="failed", attempts=12, next_attempt_at=None, failed_at=timezone.now())
    waiting = file_case(filer=creator)
    Notification.objects.filter(case=waiting).update(
        created_at=timezone.now() - timedelta(minutes=7))


def test_staff_see_the_figures(client, operator, outbox):
    client.force_login(operator)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:health") in index
    response = client.get(reverse("admin:health"))
    assert response.status_code == 200
    text = " ".join(text_of(response.content.decode()).split())
    assert "Database Answering" in text and "Task broker Answering" in text
    assert "E-mails that failed for good 1" in text
    assert "E-mails waiting to be sent 1" in text
    assert "Oldest e-mail waiting written 7 minutes ago" in text
    assert f'href="{reverse("admin:complaints_notification_changelist")}?failed=final"' \
        in response.content.decode()


def test_in_japanese(client, operator, outbox):
    operator.language = "ja"
    operator.save(update_fields=["language"])
    client.force_login(operator)
    text = " ".join(text_of(client.get(reverse("admin:health")).content.decode()).split())
    assert "再試行の上限に達した送信失敗のメール 1" in text
    assert "7分前に作成" in text


def test_the_failed_for_good_link_lists_them(client, operator, outbox):
    client.force_login(operator)
    listing = client.get(reverse("admin:complaints_notification_changelist"),
                         {"failed": "final"}).content.decode()
    assert listing.count('class="field-status_words"') == 1  # one row: the failed one
    assert "Failed: no more attempts" in listing


def test_no_one_else_sees_them(client, creator, outbox):
    client.force_login(creator)
    response = client.get(reverse("admin:health"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    assert client.get(reverse("admin:health")).status_code == 302


@pytest.fixture
def mail_server_closed(settings):
    """The mail server's address, where nothing listens."""
    import socket

    from config import probes

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    probes.mail_cache_clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_SSL = False
    yield port
    probes.mail_cache_clear()


def test_the_problems_in_plain_words(client, operator, outbox, mail_server_closed):
    client.force_login(operator)
    text = " ".join(text_of(client.get(reverse("admin:health")).content.decode()).split())
    assert "Kotae works, but something needs attention:" in text
    assert (f"The mail server 127.0.0.1:{mail_server_closed} does not answer as it should "
            "(ConnectionRefusedError): e-mails wait and are tried again.") in text
    assert "1 e-mail failed for good: fix the cause" in text
    assert "Mail server Not answering (ConnectionRefusedError)" in text
    assert f"{django_settings.KOTAE_QUEUES['interactive']} 0" in text  # this process's, empty


def test_the_problems_in_japanese(client, operator, outbox, mail_server_closed):
    operator.language = "ja"
    operator.save(update_fields=["language"])
    client.force_login(operator)
    text = " ".join(text_of(client.get(reverse("admin:health")).content.decode()).split())
    assert "Kotaeは稼働していますが、確認が必要な事項があります。" in text
    assert (f"メールサーバー 127.0.0.1:{mail_server_closed} が正常に応答しません"
            "（ConnectionRefusedError）") in text
    assert "再試行の上限に達した送信失敗のメールが1件あります。" in text


def test_nothing_to_attend_to(client, operator):
    client.force_login(operator)
    text = " ".join(text_of(client.get(reverse("admin:health")).content.decode()).split())
    assert "Kotae is working: nothing needs attention." in text
    assert "Mail server Not used" in text


@pytest.fixture
def unconfirmed(creator, outbox):
    """One e-mail the mail server did not confirm, waiting for its later send; one sent
    again after that, and delivered."""
    waiting, resent = (Notification.objects.get(case=file_case(filer=creator))
                       for _filing in range(2))
    now = timezone.now()
    Notification.objects.filter(pk=waiting.pk).update(
        status="uncertain", attempts=1, uncertain_at=now, uncertain_count=1,
        next_attempt_at=now + timedelta(hours=1))
    Notification.objects.filter(pk=resent.pk).update(
        status="sent", attempts=2, uncertain_at=now, uncertain_count=1, uncertain_resends=1,
        next_attempt_at=None, sent_at=now)


def test_staff_see_e_mails_the_mail_server_did_not_confirm(client, operator, unconfirmed):
    client.force_login(operator)
    response = client.get(reverse("admin:health"))
    text = " ".join(text_of(response.content.decode()).split())
    assert ("Of which sent but not confirmed by the mail server 1 1 sent again after no "
            "confirmation (possible duplicate)") in text
    listing = client.get(reverse("admin:complaints_notification_changelist"),
                         {"status__exact": "uncertain"}).content.decode()
    assert f'href="{reverse("admin:complaints_notification_changelist")}' \
        '?status__exact=uncertain"' in response.content.decode()
    assert listing.count('class="field-status_words"') == 1
    assert "Sent, not confirmed (tried again later)" in listing


def test_unconfirmed_e_mails_in_japanese(client, operator, unconfirmed):
    operator.language = "ja"
    operator.save(update_fields=["language"])
    client.force_login(operator)
    text = " ".join(text_of(client.get(reverse("admin:health")).content.decode()).split())
    assert ("うち、送信したもののメールサーバーから受領の確認がないもの 1 受領未確認のため再送信："
            "1件（重複して届いた可能性があります）") in text


def test_the_outbox_figures_cost_one_query_a_table(client, operator, outbox,
                                                  django_assert_num_queries,
                                                  django_assert_max_num_queries):
    """Issue 20: every staff page at 12 queries at most; the health page took 14, nine of
    them the outbox's figures one by one."""
    from complaints.selectors.outbox import outbox_figures

    Notification.objects.filter(status="failed").update(uncertain_at=timezone.now(),
                                                        uncertain_resends=2)
    with django_assert_num_queries(2):
        figures = outbox_figures()
    assert (figures.emails_waiting, figures.emails_failed_for_good,
            figures.emails_resent_after_uncertain, figures.webhooks_given_up) == (1, 1, 2, 0)
    assert 7 * 60 <= figures.oldest_waiting_seconds < 8 * 60
    assert figures.last_failed_at is not None
    client.force_login(operator)
    client.get(reverse("admin:health"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:health")).status_code == 200
