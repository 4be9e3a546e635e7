"""A Japanese reader never meets a raw code, an ASCII list separator, an English date or
ASCII punctuation glued to Japanese: on the creators' pages, the desk, the public report
and the API's errors (the e-mails: tests/complaints/services/outbox/test_email_shape.py).

The cases are filed with Japanese content, so what is left in Latin letters or ASCII
punctuation is our own text.
"""
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import Role
from complaints.models import Case, CaseEvent, Notification, RegisterEntry
from tests.complaints.services.outbox import writers
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db

JAPANESE = r"\u3040-\u30ff\u4e00-\u9fff\uff01-\uff5e"
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ENGLISH_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d|\b[ap]\.m\.")
# Words that are the same in Japanese: the brand, and the language switch's own name.
UNTRANSLATED = {"Kotae", "English", "JST", "UTC", "URL"}
GLUED = re.compile(rf"[{JAPANESE}][.,;:!?]|[{JAPANESE}] \(|\) [{JAPANESE}]")


class _VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles or markup. The time-zone list is left
    out: it names places (Tokyo, Almaty), grouped under regions in the reader's language."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template") or ("name", "time_zone") in attrs:
            self._hidden += 1
            self._closes = getattr(self, "_closes", []) + [tag]

    def handle_endtag(self, tag):
        if getattr(self, "_closes", None) and tag == self._closes[-1]:
            self._closes.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


def problems(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        for name, pattern in (("raw code", RAW_CODE), ("English date", ENGLISH_DATE),
                              ("ASCII punctuation after Japanese", GLUED)):
            if pattern.search(line):
                found.append(f"{name}: {line!r}")
        if ", " in line and re.search(f"[{JAPANESE}]", line):
            found.append(f"ASCII list separator: {line!r}")
        label = line.split(": ", 1)[-1].rstrip(":")  # a heading or a label on its own
        if re.fullmatch(r"[A-Za-z]+", label) and label not in UNTRANSLATED:
            found.append(f"an English label: {line!r}")
    return found


@pytest.fixture
def cases(db):
    """One case of each kind, decided where a decision shows, filed by a Japanese
    creator and handled by a Japanese operator."""
    creator = UserFactory(display_name="山田 花子", email="hanako@studio.example",
                          language="ja")
    operator = staff_user(Role.SUPERVISOR, display_name="佐藤 一郎",
                          email="ichiro@kotae.example", language="ja")
    rows = [writers.decision_on_a_complaint(creator, operator),
            writers.answer_to_an_inquiry(creator, operator),
            writers.decision_on_an_appeal(creator, operator),
            writers.register_applied(creator, operator),
            writers.info_requested(creator, operator)]
    return creator, operator, [row.case for row in rows]


def _pages_of_the_creator(cases):
    yield reverse("home")
    yield reverse("complaints:case_list")
    yield reverse("complaints:case_new_choose")
    for kind in ("output-complaint", "training-objection", "inquiry"):
        yield reverse("complaints:case_new", args=[kind])
    for case in Case.objects.all():
        yield reverse("complaints:case_detail", args=[case.reference])
    first = cases[0]
    yield reverse("complaints:case_filed", args=[first.reference])
    yield reverse("complaints:case_appeal", args=[first.reference])
    yield reverse("complaints:case_withdraw", args=[cases[-1].reference])
    for name in ("preferences", "api_tokens", "organisation_list", "organisation_new",
                 "password_change", "password_reset"):
        yield reverse(f"accounts:{name}")
    yield reverse("public:transparency")


def _pages_of_the_desk(cases):
    yield reverse("admin:index")
    yield reverse("admin:complaints_case_changelist")
    yield reverse("admin:complaints_case_changelist") + "?status=all"
    for case in cases:
        yield reverse("admin:complaints_case_change", args=[case.pk])
    yield reverse("admin:complaints_registerentry_changelist")
    yield reverse("admin:complaints_registerentry_change",
                  args=[RegisterEntry.objects.first().pk])
    yield reverse("admin:complaints_caseevent_changelist")
    yield reverse("admin:complaints_caseevent_change", args=[CaseEvent.objects.first().pk])
    yield reverse("admin:complaints_notification_changelist")
    yield reverse("admin:complaints_notification_change",
                  args=[Notification.objects.filter(case=cases[0]).latest("pk").pk])
    yield reverse("admin:answer_quality")
    yield reverse("admin:health")
    yield reverse("admin:complaints_notification_changelist") + "?failed=final"


def _read(client, url) -> list[str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="ja"' in html, url
    return [f"{url}: {line}" for line in visible(html)]


def test_the_checks_find_what_they_look_for():
    for bad in ("理由: 未回答", "Nov. 30, 2026, 2:21 p.m.", "状態 output_complaint",
                "削除, ブロック", "申立て.", "受付番号 (KT-2026-000001)", "/admin/: Case:",
                "担当者:", "操作:", "優先度:高"):
        assert problems([bad]), bad
    assert problems(["受付番号：KT-2026-000001", "2026年12月3日 18:00 JST", "削除、ブロック"]) == []


def test_creators_pages_in_japanese(client, cases):
    creator, _operator, filed = cases
    client.force_login(creator)
    lines = [line for url in _pages_of_the_creator(filed) for line in _read(client, url)]
    assert not problems(lines), "\n".join(problems(lines))


def test_the_desk_in_japanese(client, cases):
    _creator, operator, filed = cases
    client.force_login(operator)
    lines = [line for url in _pages_of_the_desk(filed) for line in _read(client, url)]
    assert not problems(lines), "\n".join(problems(lines))


def test_api_errors_in_japanese(client, cases):
    creator, _operator, filed = cases
    client.force_login(creator)
    answers = [
        client.get("/api/v1/cases/KT-1999-000000/", HTTP_ACCEPT_LANGUAGE="ja"),
        client.post("/api/v1/cases/", "{", content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="ja"),
        client.post("/api/v1/cases/", {"kind": "output_complaint"},
                    content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"),
        client.post("/api/v1/cases/", {"kind": "nonsense"},
                    content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500
        body = answer.json()
        messages = [body["message"]] + [m for ms in body["fields"].values() for m in ms]
        assert all(re.search(f"[{JAPANESE}]", m) for m in messages), messages
        assert not problems(messages), problems(messages)


@pytest.mark.parametrize(("language", "date"), [
    ("en", r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} JST"),
    ("ja", r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} JST")])
def test_the_desk_writes_dates_as_the_pages_and_e_mails_do(client, cases, language, date):
    _creator, operator, filed = cases
    operator.language = language
    operator.save()
    client.force_login(operator)
    for url in (reverse("admin:complaints_caseevent_changelist"),
                reverse("admin:complaints_case_change", args=[filed[0].pk])):
        text = " ".join(visible(client.get(url).content.decode()))
        assert re.search(date, text), url
        assert "p.m." not in text and "a.m." not in text
        if language == "ja":  # not Django's own 「2026年11月30日13:15」, which has no zone
            assert not ENGLISH_DATE.search(text) and not re.search(r"\d日\d", text), url


def test_pages_without_an_account_in_japanese(client, cases):
    lines = [line for url in (reverse("home"), reverse("accounts:login"),
                              reverse("accounts:signup"), reverse("accounts:password_reset"),
                              reverse("public:transparency"))
             for line in _read(client, url)]
    assert not problems(lines), "\n".join(problems(lines))


def test_refusals_on_the_creators_pages_in_japanese(client, cases):
    """Bad input gets its messages in Japanese too."""
    creator, _operator, filed = cases
    client.force_login(creator)
    lines = []
    rows = {f"{prefix}-{count}": n for prefix in ("works", "locations", "questions")
            for count, n in (("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0))}
    for kind in ("output-complaint", "training-objection", "inquiry"):
        url = reverse("complaints:case_new", args=[kind])
        for hidden_counts in (rows, {}):  # as our page sends it, and cut short
            response = client.post(url, {"title": " ", "locations-0-url": "javascript:x",
                                         "works-0-title": "星空", "questions-0-text": "",
                                         **hidden_counts}, HTTP_ACCEPT_LANGUAGE="ja")
            assert response.status_code in (200, 400), url
            lines += [f"{url}: {line}" for line in visible(response.content.decode())]
    assert any("もう一度入力して" in line for line in lines)
    assert sum("入力してください" in line for line in lines) > 3
    assert not problems(lines), "\n".join(problems(lines))
