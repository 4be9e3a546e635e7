"""What a decision says about redress comes from one place per kind of case (the domain's
`redress`): the case page and the decision e-mail say the same thing of the same case —
the same deadline, or for an appeal the same routes beyond the desk."""
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Notification
from complaints.services.outbox import notification_deliver
from complaints.templatetags.kotae import when
from tests.complaints.services.outbox import writers
from tests.support.pages import text_of

pytestmark = pytest.mark.django_db

# What the filer reads, by kind: (page, e-mail) in English; Japanese: both name the routes
# or the deadline.
ENGLISH = {
    "decision_on_a_complaint": ("You may appeal this decision until {until}.",
                                "If you disagree, you may appeal on your case page until "
                                "{until}."),
    "answer_to_an_inquiry": ("If you disagree with our answers, you may appeal until {until}.",
                             "If you disagree with our answers, you may appeal on your case "
                             "page until {until}."),
    "decision_on_an_appeal": ("A decision on an appeal is final here. You may still use an "
                              "out-of-court dispute settlement body or go to court.",
                              "This decision on your appeal is final within our procedure. "
                              "You may still turn to an out-of-court dispute settlement body "
                              "or go to court."),
}
JAPANESE_ROUTES = "裁判外紛争解決"


def _seen(client, write, creator, operator, language):
    row = write(creator, operator)
    Notification.objects.filter(pk=row.pk).update(language=language)
    mail.outbox.clear()
    assert notification_deliver(notification_id=row.pk) is True
    email = mail.outbox[0]
    client.force_login(creator)
    page = client.get(reverse("complaints:case_detail", args=[row.case.reference]),
                      HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language), timezone.override(creator.time_zone):
        until = when(row.case.decision.appeal_deadline)
        label = translation.gettext("Redress")
    redress = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", page.content.decode())
    return row.case, text_of(redress.group(1)).strip(), email.body, until


@pytest.mark.parametrize("name", sorted(ENGLISH))
def test_the_page_and_the_e_mail_say_the_same_redress(client, creator, operator, name):
    creator.language = "en"
    creator.save(update_fields=["language"])
    case, page, email, until = _seen(client, getattr(writers, name), creator, operator, "en")
    on_page, in_email = ENGLISH[name]
    assert page == on_page.format(until=until)
    assert in_email.format(until=until) in " ".join(email.split())


@pytest.mark.parametrize("name", sorted(ENGLISH))
def test_in_japanese_too(client, creator, operator, name):
    creator.language = "ja"
    creator.save(update_fields=["language"])
    case, page, email, until = _seen(client, getattr(writers, name), creator, operator, "ja")
    said = JAPANESE_ROUTES if case.kind == "appeal" else until
    assert said in page and said in email
    assert "不服申立て" in page or case.kind == "appeal"
