"""Statements of reasons to the EU DSA Transparency Database: written with each decision
that restricts an output, checked against the database's own rules (the fixture), sent to
a stand-in of the database that checks them with the same rules and answers as the real
API does (201 with an id; 422 with errors), retried when it fails, recorded and left
alone when it refuses, and exported as JSON lines."""
import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from complaints.domain.dsa_statements import statement_errors
from complaints.models import Case, DsaStatementSubmission
from complaints.services.cases import LocationData
from complaints.services.decisions import decision_record
from complaints.services.dsa_statements import MAX_ATTEMPTS, dsa_statement_deliver
from complaints.services.retractions import retraction_record
from complaints.tasks import webhooks_relay as dsa_statements_relay
from tests.factories import file_case, staff_user

pytestmark = pytest.mark.django_db
RULES = json.loads((Path(__file__).parents[2] / "fixtures"
                    / "dsa_transparency_database_rules.json").read_text())
TOKEN = "X|test-token"  # noqa: S105
Status = DsaStatementSubmission.Status
TWO_LOCATIONS = dict(locations=[
    LocationData(url="https://dreamreel.example/v/abc123"),
    LocationData(url="https://dreamreel.example/v/def456"),
])


class StandInDatabase:
    """The database's statement endpoint on 127.0.0.1: bearer token, the fixture's rules,
    unique puids; 201 with the statement and its id and uuid, 422 with its errors, 401
    without the token. `failures` are answered first (e.g. a 503 while it is down)."""

    def __init__(self):
        self.received: list[dict] = []
        self.failures: list[int] = []
        self.puids: set[str] = set()
        database = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if database.failures:
                    return self.answer(database.failures.pop(0), {"message": "down"})
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.answer(401, {"message": "Unauthenticated."})
                statement = json.loads(body)
                database.received.append(statement)
                errors = statement_errors(statement, RULES)
                if errors:
                    return self.answer(422, {
                        "message": f"The {next(iter(errors))} field is invalid.",
                        "errors": {name: [f"The {name} {text}."]
                                   for name, text in errors.items()}})
                if statement["puid"] in database.puids:
                    message = RULES["endpoint"]["duplicate_puid_message"]
                    return self.answer(422, {"message": message,
                                             "errors": {"puid": [message]},
                                             "existing": {"puid": statement["puid"]}})
                database.puids.add(statement["puid"])
                return self.answer(201, {**statement, "id": 34509873504987 + len(database.puids),
                                         "uuid": str(uuid.uuid4())})

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/api/v1/statement"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def database(settings):
    stand_in = StandInDatabase()
    settings.KOTAE_DSA_DB_URL = stand_in.url
    settings.KOTAE_DSA_DB_TOKEN = TOKEN
    yield stand_in
    stand_in.close()


def _complaint(creator, law="eu_dsa", **overrides):
    case = file_case(filer=creator, **{**TWO_LOCATIONS, **overrides})
    Case.objects.filter(pk=case.pk).update(law=law)
    case.refresh_from_db()
    return case


def _decide(case, decided_by, outcome, actions, **extra):
    return decision_record(case=case, decided_by=decided_by, outcome=outcome, actions=actions,
                           facts="Frames 12-40 reproduce the character's design.",
                           ground="Copyright: Directive 2001/29/EC, Art. 2; UrhG § 16.",
                           automated_means=False, **extra)


@pytest.mark.parametrize(("outcome", "actions", "visibility"), [
    ("upheld", ["output_removed"], ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
    ("upheld", ["prompt_blocked"], ["DECISION_VISIBILITY_CONTENT_DISABLED"]),
    ("partly_upheld", ["output_removed", "excluded_from_training"],
     ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
])
def test_an_upheld_complaint_makes_a_valid_statement_per_location(creator, operator, outcome,
                                                                 actions, visibility):
    case = _complaint(creator)
    decision = _decide(case, operator, outcome, actions)
    rows = list(decision.dsa_statements.order_by("pk"))
    locations = list(case.locations.order_by("pk").values_list("pk", flat=True))
    assert [row.puid for row in rows] == [f"{case.reference}-L{pk}" for pk in locations]
    for row in rows:
        assert row.status == Status.PENDING
        assert statement_errors(row.statement, RULES) == {}
        assert row.statement["decision_visibility"] == visibility
        assert row.statement["source_type"] == "SOURCE_ARTICLE_16"


def test_a_retracted_location_makes_no_statement(creator, operator):
    case = _complaint(creator)
    first = case.locations.order_by("pk").first()
    retraction_record(case=case, actor=creator, whole=False, urls=[first.url],
                      statement="We licensed this one.")
    decision = _decide(case, operator, "upheld", ["output_removed"])
    assert [row.puid for row in decision.dsa_statements.all()] == [
        f"{case.reference}-L{case.locations.order_by('pk').last().pk}"]


@pytest.mark.parametrize(("outcome", "actions", "extra"), [
    ("not_upheld", ["no_action"], {}),
    ("rejected", ["no_action"], {"rejection_reason": "manifestly_unfounded"}),
    ("upheld", ["excluded_from_training"], {}),
])
def test_a_decision_that_restricts_no_output_makes_no_statement(creator, operator, outcome,
                                                                actions, extra):
    decision = _decide(_complaint(creator), operator, outcome, actions, **extra)
    assert not decision.dsa_statements.exists()


def test_an_appeal_that_reverses_into_a_removal_makes_its_own_statements(creator, operator):
    first = _complaint(creator, law="us_dmca")
    _decide(first, operator, "not_upheld", ["no_action"])
    appeal = file_case(filer=creator, kind="appeal", appeal_of_id=first.pk,
                       appeal_grounds="The frames are identical.")
    decision = _decide(appeal, staff_user(), "reversed", ["output_removed"])
    rows = list(decision.dsa_statements.order_by("pk"))
    assert [row.puid for row in rows] == [
        f"{appeal.reference}-L{pk}"
        for pk in first.locations.order_by("pk").values_list("pk", flat=True)]
    assert all(statement_errors(row.statement, RULES) == {} for row in rows)
    assert rows[0].statement["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"


@pytest.mark.parametrize(("outcome", "actions"), [
    ("confirmed", ["output_removed"]), ("reversed", ["no_action"]),
])
def test_an_appeal_that_confirms_or_lifts_makes_none(creator, operator, outcome, actions):
    first = _complaint(creator)
    _decide(first, operator, "upheld", ["output_removed"])
    appeal = file_case(filer=creator, kind="appeal", appeal_of_id=first.pk,
                       appeal_grounds="It is my own drawing.")
    decision = _decide(appeal, staff_user(), outcome, actions)
    assert not decision.dsa_statements.exists()
    assert DsaStatementSubmission.objects.count() == 2  # the first decision's only


def test_a_statement_is_sent_after_commit_and_keeps_the_databases_id(
        creator, operator, database, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decide(_complaint(creator), operator, "upheld", ["output_removed"])
    rows = list(decision.dsa_statements.order_by("pk"))
    assert [row.status for row in rows] == [Status.SENT, Status.SENT]
    assert [s["puid"] for s in database.received] == [row.puid for row in rows]
    assert rows[0].database_uuid and rows[0].database_id.startswith("3450987350")
    assert rows[0].response_status == 201 and rows[0].sent_at is not None


def test_a_failed_send_is_retried_by_the_relay_with_a_pause(creator, operator, database):
    decision = _decide(_complaint(creator, locations=[LocationData(url="https://d.example/v/1")]),
                       operator, "upheld", ["prompt_blocked"])
    row = decision.dsa_statements.get()
    database.failures = [503]
    assert dsa_statement_deliver(submission_id=row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.FAILED, 1, "HTTP 503")
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=60)
    assert dsa_statements_relay() == 0  # not before its pause has passed
    DsaStatementSubmission.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert dsa_statements_relay() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")


def test_a_refusal_is_recorded_with_its_message_and_not_sent_again(creator, operator,
                                                                  database):
    decision = _decide(_complaint(creator, locations=[LocationData(url="https://d.example/v/1")]),
                       operator, "upheld", ["output_removed"])
    row = decision.dsa_statements.get()
    DsaStatementSubmission.objects.filter(pk=row.pk).update(
        statement={**row.statement, "content_date": "18/11/2026"})
    assert dsa_statement_deliver(submission_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == Status.REFUSED and row.response_status == 422
    assert "content_date: The content_date does not match the format YYYY-MM-DD" \
        in row.last_error
    assert row.next_attempt_at is None
    assert dsa_statements_relay() == 0
    assert dsa_statement_deliver(submission_id=row.pk) is False
    assert len(database.received) == 1


def test_a_statement_the_database_already_has_is_sent(creator, operator, database):
    decision = _decide(_complaint(creator, locations=[LocationData(url="https://d.example/v/1")]),
                       operator, "upheld", ["output_removed"])
    row = decision.dsa_statements.get()
    database.puids.add(row.puid)  # sent before, its answer lost
    assert dsa_statement_deliver(submission_id=row.pk) is True
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_a_database_that_is_always_down_is_given_up_after_the_last_attempt(
        creator, operator, database):
    decision = _decide(_complaint(creator, locations=[LocationData(url="https://d.example/v/1")]),
                       operator, "upheld", ["output_removed"])
    row = decision.dsa_statements.get()
    database.failures = [500] * MAX_ATTEMPTS
    for _ in range(MAX_ATTEMPTS):
        DsaStatementSubmission.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1))
        dsa_statement_deliver(submission_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.GAVE_UP, MAX_ATTEMPTS,
                                                               None)


def test_nothing_is_sent_while_the_database_is_not_configured(creator, operator, settings):
    settings.KOTAE_DSA_DB_URL = ""
    decision = _decide(_complaint(creator), operator, "upheld", ["output_removed"])
    DsaStatementSubmission.objects.update(next_attempt_at=timezone.now() - timedelta(1))
    assert dsa_statements_relay() == 0
    assert set(decision.dsa_statements.values_list("status", flat=True)) == {Status.PENDING}


def test_a_private_address_is_refused_unless_allowed(creator, operator, database, settings):
    settings.KOTAE_WEBHOOK_PUBLIC_ONLY = True
    decision = _decide(_complaint(creator, locations=[LocationData(url="https://d.example/v/1")]),
                       operator, "upheld", ["output_removed"])
    row = decision.dsa_statements.get()
    dsa_statement_deliver(submission_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.FAILED, "refused: not a public address")
    assert database.received == []


def test_the_export_writes_one_statement_a_line(creator, operator, tmp_path):
    _decide(_complaint(creator), operator, "upheld", ["output_removed"])
    later = timezone.now()
    newer = _decide(_complaint(creator, locations=[LocationData(url="https://d.example/v/9")]),
                    operator, "upheld", ["prompt_blocked"])
    everything, since = tmp_path / "all.jsonl", tmp_path / "since.jsonl"
    call_command("export_dsa_statements", "--output", str(everything))
    call_command("export_dsa_statements", "--since", later.isoformat(), "--output", str(since))
    lines = [json.loads(line) for line in everything.read_text().splitlines()]
    assert len(lines) == 3
    assert all(statement_errors(line, RULES) == {} for line in lines)
    assert [json.loads(line)["puid"] for line in since.read_text().splitlines()] == [
        newer.dsa_statements.get().puid]


def test_the_desk_sees_the_statements_read_only(client, creator, operator,
                                                django_assert_max_num_queries):
    for _ in range(2):
        _decide(_complaint(creator), operator, "upheld", ["output_removed"])
    client.force_login(operator)
    url = reverse("admin:complaints_dsastatementsubmission_changelist")
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    assert response.status_code == 200
    row = DsaStatementSubmission.objects.first()
    assert row.puid in response.text and "Waiting to be sent" in response.text
    for _ in range(12):
        _decide(_complaint(creator), operator, "upheld", ["output_removed"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    page = client.get(reverse("admin:complaints_dsastatementsubmission_change",
                              args=[row.pk]))
    assert page.status_code == 200 and "DECISION_GROUND_ILLEGAL_CONTENT" in page.text
    assert 'name="_save"' not in page.text
    assert DsaStatementSubmission.objects.count() == 28  # 4 rows, then 28: same queries


def test_an_output_named_only_by_a_merged_duplicate_gets_its_statement_once(
        creator, operator, other_creator):
    # One decision for the primary and its duplicates removes every output they name
    # (the AI product is ordered to remove them all): each removed output is reported
    # once, an output both name only once.
    from complaints.services.desk import cases_merge
    primary = _complaint(creator)
    duplicate = file_case(filer=other_creator, locations=[
        LocationData(url="https://dreamreel.example/v/abc123"),
        LocationData(url="https://dreamreel.example/v/zzz999")])
    cases_merge(primary=primary, duplicates=[duplicate], actor=operator)
    decision = _decide(primary, operator, "upheld", ["output_removed"])
    statements = [row.statement for row in DsaStatementSubmission.objects.order_by("pk")]
    assert len(statements) == 3
    assert len({s["puid"] for s in statements}) == 3
    extra = duplicate.locations.get(url="https://dreamreel.example/v/zzz999")
    assert f"{primary.reference}-L{extra.pk}" in {s["puid"] for s in statements}
    assert all(row.decision == decision for row in DsaStatementSubmission.objects.all())
    for statement in statements:
        assert statement_errors(statement, RULES) == {}
