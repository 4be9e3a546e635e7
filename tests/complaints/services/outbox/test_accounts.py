"""accounts sends its e-mails (verification, password reset, invitations) as outbox rows,
and imports nothing else of complaints."""
import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.services import organisation_create, organisation_invite
from complaints.models import Notification

pytestmark = pytest.mark.django_db


def test_a_password_reset_is_an_outbox_row_whose_link_works(client, creator, on_commit):
    with on_commit():
        client.post(reverse("accounts:password_reset"), {"email": creator.email})
    row = Notification.objects.get(kind="account_password_reset")
    assert row.key.startswith(f"user:{creator.pk}:password_reset:")
    assert (row.recipient, row.language, row.status) == (creator.email, "en", "sent")
    assert row.context["user_id"] == creator.pk
    link = row.context["link"]  # a plain value: rendered into the e-mail at delivery
    [sent] = mail.outbox
    assert sent.subject == row.subject == "[Kotae] Set a new password"
    assert link in sent.body
    assert sent.extra_headers["Message-ID"] == f"<notification-{row.pk}@kotae.local>"
    page = client.get(link.replace(settings.SITE_URL, ""), follow=True)
    assert page.status_code == 200 and "new_password1" in page.content.decode()


def test_an_invitation_is_an_outbox_row_in_the_inviters_language(creator, on_commit):
    creator.language = "ja"
    creator.save()
    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    with on_commit():
        invitation = organisation_invite(organisation=studio, invited_by=creator,
                                         email="taro@example.com")
    row = Notification.objects.get(kind="organisation_invitation")
    assert (row.recipient, row.language, row.case_id) == ("taro@example.com", "ja", None)
    assert row.context["invitation_id"] == invitation.pk
    assert row.context["link"].endswith(f"/accounts/invitations/{invitation.token}/")
    [sent] = mail.outbox
    assert sent.subject == row.subject and "Studio Hoshizora" in sent.subject
    assert not sent.subject.isascii()


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_accounts_imports_only_the_outbox_of_complaints():
    accounts = Path(settings.BASE_DIR) / "accounts"
    found = {(str(path.relative_to(accounts)), module)
             for path in accounts.rglob("*.py")
             for module in _imported_modules(path)
             if re.match(r"complaints(\.|$)", module)}
    assert found == {("services.py", "complaints.services.outbox")}
