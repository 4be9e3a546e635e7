"""The supervisors' answer-quality dashboard: figures checked against a hand-counted
fixture, the period filter, sorting, who may see it, bad parameters, and its constant
number of queries."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from complaints.domain.status import Status
from complaints.models import Case, Deadline, Decision, Feedback, Question
from complaints.selectors.quality import quality_figures
from complaints.services.cases import case_submit
from complaints.services.decisions import decision_record
from complaints.services.desk import question_answer
from complaints.services.feedback import feedback_record
from complaints.services.messages import message_post
from complaints.services.quality import quality_tallies_rebuild
from tests.factories import UserFactory, complaint_draft, file_case, staff_user

pytestmark = pytest.mark.django_db

URL = "/admin/quality/"
FR, DECISION = Deadline.Clock.FIRST_RESPONSE, Deadline.Clock.DECISION


class _Tables(HTMLParser):
    """The text of each row of each table on a page, by the table's id."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        if self._cell is not None:
            self._cell.append(" ")  # a <br> separates words as a reader sees them
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def row(response, table: str, label: str) -> list[str]:
    return next(r for r in tables(response)[table] if r[0] == label)


def _decide(case, by, outcome="upheld", actions=("output_removed",)):
    return decision_record(case=case, decided_by=by, outcome=outcome, actions=list(actions),
                           facts="Facts relied on.", ground="Policy 4.2.",
                           automated_means=False)


def _late(case, clock):
    Deadline.objects.filter(case=case, clock=clock).update(due_at=F("met_at") - timedelta(hours=1))
    quality_tallies_rebuild()  # written around the services, which keep the roll-ups


def _appeal(case):
    return case_submit(filer=case.filer, draft=complaint_draft(
        kind="appeal", title="Appeal", appeal_of_id=case.pk,
        appeal_grounds="The decision was wrong."))


def _shift_back(case, days):
    """Move the case's decision, clocks and answers `days` into the past."""
    then = timezone.now() - timedelta(days=days)
    Decision.objects.filter(case=case).update(decided_at=then)
    Deadline.objects.filter(case=case).update(met_at=then, due_at=then + timedelta(days=1))
    Question.objects.filter(case=case).update(answered_at=then)
    quality_tallies_rebuild()


@pytest.fixture
def ada(db):
    return staff_user(email="ada@kotae.example", display_name="Ada Operator")


@pytest.fixture
def ben(db):
    return staff_user(email="ben@kotae.example", display_name="Ben Operator")


@pytest.fixture
def counted(ada, ben, supervisor):
    """The hand count (Sato, the supervisor, decides the appeals).

    Output complaints, decided in the last 90 days:
      c1: Ada replies (first response on time), Ada decides on time; helped;
          appealed, the appeal reversed the decision (upheld).
      c2: Ada decides with no reply first: first response and decision both late;
          did not help; appealed, the appeal confirmed the decision.
      c3: Ben replies (on time), Ada decides on time; helped.
      c4: Ben decides on time; no feedback; appealed, the appeal still open.
    Inquiries, decided in the last 90 days:
      i1: Ada answers yes, no, cannot disclose and decides on time; helped.
      i2: Ben answers partly, unknown and decides late (first response on time);
          did not help.
    Older than 90 days: o1, an inquiry Ben answered "yes" and decided 200 days ago;
      helped; its appeal (decided 150 days ago) reversed it.

    Last 90 days:
      Ada: decided 4; first responses on time 2 of 3 (c1, i1; c2 late);
           decisions on time 3 of 4; helped 3 of 4; appealed 2, upheld 1 of 2;
           answers yes 1, no 1, cannot disclose 1.
      Ben: decided 2; first responses 3 of 3 (c3, c4, i2); decisions 1 of 2;
           helped 0 of 1; appealed 1 (c4), upheld 0 of 0; answers partly 1, unknown 1.
      Sato: decided 2 (the appeals of c1, c2); first responses 2 of 2; decisions 2 of 2.
      Output complaints: decided 4; first responses 3 of 4; decisions 3 of 4;
           helped 2 of 3; appealed 3; upheld 1 of 2.
      Inquiries: decided 2; first responses 2 of 2; decisions 1 of 2; helped 1 of 2.
      Appeals: decided 2; first responses 2 of 2; decisions 2 of 2.
    """
    filer = UserFactory(email="mika@example.com", display_name="Mika Filer")
    c1, c2, c3, c4 = (file_case(filer=filer, title=f"Complaint {n}") for n in range(1, 5))
    message_post(case=c1, author=ada, body="We are looking into it.")
    _decide(c1, ada)
    _decide(c2, ada, "not_upheld", ["no_action"])
    _late(c2, FR)
    _late(c2, DECISION)
    message_post(case=c3, author=ben, body="Thank you, we are checking.")
    _decide(c3, ada)
    _decide(c4, ben)

    i1 = file_case(filer=filer, kind="inquiry", questions=["Used?", "When?", "Which data?"])
    for question, category in zip(i1.questions.order_by("position"),
                                  ["yes", "no", "cannot_disclose"], strict=True):
        question_answer(question=question, actor=ada, category=category, text="Because.")
    _decide(i1, ada, "answered", ["no_action"])
    i2 = file_case(filer=filer, kind="inquiry", questions=["Used?", "Which model?"])
    for question, category in zip(i2.questions.order_by("position"), ["partly", "unknown"],
                                  strict=True):
        question_answer(question=question, actor=ben, category=category, text="Because.")
    _decide(i2, ben, "answered", ["no_action"])
    _late(i2, DECISION)

    for case, helped in ((c1, True), (c2, False), (c3, True), (i1, True), (i2, False)):
        feedback_record(case=case, author=filer, helpful=helped)
    _decide(_appeal(c1), supervisor, "reversed", ["no_action"])
    _decide(_appeal(c2), supervisor, "confirmed", ["no_action"])
    _appeal(c4)

    o1 = file_case(filer=filer, kind="inquiry", questions=["Used?"])
    question_answer(question=o1.questions.get(), actor=ben, category="yes", text="Yes.")
    _decide(o1, ben, "answered", ["no_action"])
    feedback_record(case=o1, author=filer, helpful=True)
    old_appeal = _appeal(o1)
    _decide(old_appeal, supervisor, "reversed", ["no_action"])
    _shift_back(o1, 200)
    _shift_back(old_appeal, 150)
    return filer


def _ratio(ratio):
    return (ratio.part, ratio.whole)


def _figures(rows, label):
    row = next(r for r in rows if r.label == label)
    return {
        "decided": row.decided,
        "first_response": _ratio(row.first_response_on_time),
        "decision": _ratio(row.decision_on_time),
        "helpful": _ratio(row.helpful),
        "appealed": row.appeals_filed,
        "upheld": _ratio(row.appeals_upheld),
        "answers": {k: v for k, v in row.answers.items() if v},
    }


def test_figures_match_the_hand_count(counted):
    figures = quality_figures(start=timezone.now() - timedelta(days=90))

    assert [row.label for row in figures.by_operator] == ["Ada Operator", "Ben Operator",
                                                          "Sato"]
    assert _figures(figures.by_operator, "Ada Operator") == {
        "decided": 4, "first_response": (2, 3), "decision": (3, 4), "helpful": (3, 4),
        "appealed": 2, "upheld": (1, 2),
        "answers": {"yes": 1, "no": 1, "cannot_disclose": 1}}
    assert _figures(figures.by_operator, "Ben Operator") == {
        "decided": 2, "first_response": (3, 3), "decision": (1, 2), "helpful": (0, 1),
        "appealed": 1, "upheld": (0, 0), "answers": {"partly": 1, "unknown": 1}}
    assert _figures(figures.by_operator, "Sato") == {
        "decided": 2, "first_response": (2, 2), "decision": (2, 2), "helpful": (0, 0),
        "appealed": 0, "upheld": (0, 0), "answers": {}}

    assert _figures(figures.by_kind, "Output complaint") == {
        "decided": 4, "first_response": (3, 4), "decision": (3, 4), "helpful": (2, 3),
        "appealed": 3, "upheld": (1, 2), "answers": {}}
    assert _figures(figures.by_kind, "Inquiry") == {
        "decided": 2, "first_response": (2, 2), "decision": (1, 2), "helpful": (1, 2),
        "appealed": 0, "upheld": (0, 0),
        "answers": {"yes": 1, "no": 1, "cannot_disclose": 1, "partly": 1, "unknown": 1}}
    assert _figures(figures.by_kind, "Appeal") == {
        "decided": 2, "first_response": (2, 2), "decision": (2, 2), "helpful": (0, 0),
        "appealed": 0, "upheld": (0, 0), "answers": {}}
    assert _figures(figures.by_kind, "Training objection")["decided"] == 0
    assert figures.total.decided == 8
    assert _ratio(figures.total.decision_on_time) == (6, 8)


def test_the_page_shows_shares_with_their_counts(client, supervisor, counted):
    client.force_login(supervisor)
    response = client.get(URL)  # the last 90 days by default
    assert response.status_code == 200
    assert row(response, "quality-operators", "Ada Operator") == [
        "Ada Operator", "4", "67% 2 of 3", "75% 3 of 4", "75% 3 of 4", "2", "50% 1 of 2"]
    assert row(response, "quality-operators", "Ben Operator") == [
        "Ben Operator", "2", "100% 3 of 3", "50% 1 of 2", "0% 0 of 1", "1", "none"]
    assert row(response, "quality-kinds", "Output complaint") == [
        "Output complaint", "4", "75% 3 of 4", "75% 3 of 4", "67% 2 of 3", "3", "50% 1 of 2"]
    assert row(response, "quality-kinds", "All kinds") == [
        "All kinds", "8", "88% 7 of 8", "75% 6 of 8", "60% 3 of 5", "3", "50% 1 of 2"]
    assert row(response, "quality-answers", "Ada Operator") == [
        "Ada Operator", "1", "1", "0", "0", "1", "3"]
    assert row(response, "quality-answers", "Ben Operator") == [
        "Ben Operator", "0", "0", "1", "1", "0", "2"]
    html = response.content.decode()
    assert "Kotae has no “reopened” status" in html
    assert "Mika Filer" not in html and "mika@example.com" not in html


def test_the_period_leaves_out_older_decisions(client, supervisor, counted):
    client.force_login(supervisor)
    recent = client.get(URL, {"period": "last_90"})
    everything = client.get(URL, {"period": "all"})

    assert row(recent, "quality-operators", "Ben Operator")[1] == "2"
    assert row(everything, "quality-operators", "Ben Operator") == [
        "Ben Operator", "3", "100% 4 of 4", "67% 2 of 3", "50% 1 of 2", "2", "100% 1 of 1"]
    assert row(everything, "quality-answers", "Ben Operator")[-1] == "3"
    assert row(everything, "quality-operators", "Sato")[1] == "3"
    assert "Figures of all time" in everything.content.decode()

    # Dates typed in: only the day, 200 days ago, when the old inquiry was decided.
    day = (timezone.localtime() - timedelta(days=200)).date().isoformat()
    that_day = client.get(URL, {"period": "last_30", "date_from": day, "date_to": day})
    assert that_day.status_code == 200
    assert '<option value="dates" selected>' in that_day.content.decode()  # what was counted
    assert [r[0] for r in tables(that_day)["quality-operators"][1:-1]] == ["Ben Operator"]
    assert row(that_day, "quality-operators", "Ben Operator")[:3] == [
        "Ben Operator", "1", "100% 1 of 1"]


def test_a_quarter_ago_is_not_this_quarter(client, supervisor, counted):
    client.force_login(supervisor)
    Decision.objects.update(decided_at=timezone.now() - timedelta(days=400))
    quality_tallies_rebuild()
    response = client.get(URL, {"period": "this_quarter"})
    assert response.status_code == 200
    assert row(response, "quality-operators", "All operators")[1] == "0"


def test_columns_sort_both_ways(client, supervisor, counted):
    client.force_login(supervisor)

    def names(order):
        response = client.get(URL, {"o": order})
        return [r[0] for r in tables(response)["quality-operators"][1:-1]]

    assert names("-decided") == ["Ada Operator", "Ben Operator", "Sato"]
    assert names("decision") == ["Ben Operator", "Ada Operator", "Sato"]
    assert names("-name") == ["Sato", "Ben Operator", "Ada Operator"]
    # No appeal decided yet: Ben and Sato have no share and come last either way.
    assert names("upheld")[0] == "Ada Operator"
    assert names("-upheld")[0] == "Ada Operator"


@pytest.mark.parametrize("query, message", [
    ({"period": "forever"}, "Select a valid choice"),
    ({"date_from": "2026-13-01"}, "Enter a valid date"),
    ({"date_from": "0001-01-01"}, "Enter a date between the years 2000 and 2999."),
    ({"date_from": "2026-03-01", "date_to": "2026-02-01"},
     "The start date is after the end date."),
    ({"period": "dates"}, "Enter a start date, an end date or both."),
    ({"o": "title; drop table"}, "The table can only be sorted by one of its columns."),
])
def test_bad_parameters_get_a_clear_message(client, supervisor, query, message):
    client.force_login(supervisor)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="quality-operators"' not in response.content.decode()


def test_only_supervisors_and_superusers_see_the_figures(client, operator, supervisor,
                                                         creator):
    assert client.get(URL).status_code == 302  # anonymous: to the admin's login

    client.force_login(creator)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    client.force_login(operator)
    assert client.get(URL).status_code == 403
    assert "Answer quality" not in client.get(reverse("admin:index")).content.decode()

    client.force_login(supervisor)
    assert client.get(URL).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' in index and "Answer quality" in index

    root = User.objects.create_superuser(email="root@kotae.example", password="pw-1-root")
    client.force_login(root)
    assert client.get(URL).status_code == 200


def _decided_cases(count, operators, filer):
    """`count` decided output complaints spread over `operators`, each with both clocks,
    feedback, an answered question and an appeal on some of them, written in bulk."""
    now = timezone.now()
    start = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    pks = list(range(start, start + count))
    Case.objects.bulk_create(
        Case(pk=pk, reference=f"KT-2026-{pk:06d}", kind="output_complaint" if pk % 2 else
             "inquiry", status=Status.DECIDED, title=f"Case {pk}", filer=filer,
             submitted_at=now - timedelta(days=5))
        for pk in pks)
    Decision.objects.bulk_create(
        Decision(case_id=pk, outcome="upheld", actions=["output_removed"], facts="F.",
                 ground="G.", decided_by=operators[i % len(operators)],
                 appeal_deadline=now + timedelta(days=180))
        for i, pk in enumerate(pks))
    Deadline.objects.bulk_create(
        Deadline(case_id=pk, clock=clock, started_at=now - timedelta(days=5),
                 due_at=now - timedelta(days=i % 3), met_at=now - timedelta(days=1))
        for i, pk in enumerate(pks) for clock in (FR, DECISION))
    Feedback.objects.bulk_create(Feedback(case_id=pk, author=filer, helpful=bool(pk % 3))
                                 for pk in pks)
    Question.objects.bulk_create(
        Question(case_id=pk, text="Used?", answer_category="no", answer_text="No.",
                 answered_by=operators[i % len(operators)], answered_at=now)
        for i, pk in enumerate(pks) if pk % 2 == 0)
    appeal_start = start + count
    Case.objects.bulk_create(
        Case(pk=appeal_start + i, reference=f"KT-2026-{appeal_start + i:06d}", kind="appeal",
             status=Status.SUBMITTED, title="Appeal", filer=filer, appeal_of_id=pk)
        for i, pk in enumerate(pks[::4]))
    quality_tallies_rebuild()


@pytest.mark.parametrize("cases", [5, 50])
def test_queries_do_not_grow_with_cases_or_operators(client, supervisor, cases,
                                                     django_assert_num_queries):
    operators = [staff_user(email=f"op{n}@kotae.example") for n in range(cases // 5 + 1)]
    _decided_cases(cases, operators, UserFactory())
    client.force_login(supervisor)
    # Session and user (one query: accounts/sessions.py), role, the roll-ups, the names
    # (the admin's menu of apps, and its permission query, is built only by a page that
    # shows it: config/admin.py).
    with django_assert_num_queries(4):
        response = client.get(URL, {"period": "all"})
    assert response.status_code == 200
    assert row(response, "quality-kinds", "All kinds")[1] == str(cases)
    # A period starting mid-hour: its first part-hour is counted from the cases (one more).
    with django_assert_num_queries(5):
        response = client.get(URL, {"period": "last_30"})
    assert row(response, "quality-kinds", "All kinds")[1] == str(cases)
