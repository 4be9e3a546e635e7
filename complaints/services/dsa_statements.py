"""Statements of reasons to the EU DSA Transparency Database (DSA Art. 24(5)).

A decision that restricts outputs writes one row per restricted location, in the
decision's transaction (complaints.domain.dsa_statements says which and what each says).
When KOTAE_DSA_DB_URL is set, a worker POSTs each to it with the platform's bearer token
(KOTAE_DSA_DB_TOKEN), through the outbox's one delivery mechanism: attempts counted, a
growing pause between them, the relay for what the hand-over after commit missed. The
database answers 201 with its id and uuid (kept on the row), or 422 with its errors: a
422 is recorded with its message and never sent again (the same statement would be
refused again), except when it says the puid is already there: then it is (a send whose
answer we lost), and the row is marked sent. Unset, nothing is sent; the rows wait for
`export_dsa_statements`, for a platform that uploads in batches.

The POST goes only to public addresses, checked as webhooks are, under the same switch
(complaints.services.outbox.addresses, KOTAE_WEBHOOK_PUBLIC_ONLY: off only in tests, whose
stand-in is on 127.0.0.1). The webhooks' relay hands due statements back to the workers.
"""
import json
import logging
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from complaints.domain.dsa_statements import (
    DecisionFacts,
    LocationFacts,
    statement_due,
    statements_for,
)
from complaints.models import Case, Decision, DsaStatementSubmission, OutputLocation
from complaints.services.enqueue import tasks_send_on_commit
from complaints.services.outbox import delivery
from complaints.services.outbox.delivery import Channel, SendFailed, SendRefused
from complaints.services.outbox.webhooks import (
    public_post,
)

DELIVER_TASK = "complaints.tasks.dsa_statement_deliver_task"
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
FIRST_ATTEMPT_GRACE = timedelta(minutes=1)  # the relay takes over after this
RELAY_LIMIT = 200
ANSWER_MAX_BYTES = 64 * 1024
USER_AGENT = "Kotae-DSA-Statements/1"
DUPLICATE_PUID = "not unique"  # in the database's message for a puid already used

logger = logging.getLogger(__name__)


def dsa_db_configured() -> bool:
    """Whether statements are sent: KOTAE_DSA_DB_URL and KOTAE_DSA_DB_TOKEN are set."""
    return bool(settings.KOTAE_DSA_DB_URL and settings.KOTAE_DSA_DB_TOKEN)


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def decision_facts(*, decision: Decision) -> DecisionFacts:
    """The decision's plain data a statement is made from. An appeal's locations, law and
    works are those of the case appealed against; its reference is its own."""
    case = decision.case
    source: Case = case.appeal_of if case.appeal_of_id else case
    return DecisionFacts(
        reference=case.reference or f"case-{case.pk}", kind=case.kind, law=source.law,
        outcome=decision.outcome, actions=tuple(decision.actions), facts=decision.facts,
        ground=decision.ground, automated_means=decision.automated_means,
        decided_on=_day(decision.decided_at), filed_on=_day(source.submitted_at),
        works=tuple(source.works.values_list("title", flat=True)),
        locations=_locations(source),
    )


def _locations(source: Case) -> tuple[LocationFacts, ...]:
    """The case's output locations, then those only its merged duplicates name: one
    decision removes them all (the AI product is ordered to), each output once."""
    fields = ("pk", "url", "seen_at", "retraction_id")
    own = list(source.locations.values_list(*fields))
    seen_urls = {url for _pk, url, _seen, _retraction in own}
    others = []
    for row in (OutputLocation.objects.filter(case__duplicate_of=source)
                .order_by("case_id", "position", "pk").values_list(*fields)):
        if row[1] not in seen_urls:
            seen_urls.add(row[1])
            others.append(row)
    return tuple(LocationFacts(location_id=pk, seen_on=_day(seen) if seen else None,
                               retracted=retraction is not None)
                 for pk, _url, seen, retraction in (*own, *others))


def dsa_statements_for_decision(*, decision: Decision) -> list[DsaStatementSubmission]:
    """Write the decision's statements of reasons (none if it restricts nothing), sent
    after commit when the database is configured. Call in the decision's transaction."""
    if not statement_due(kind=decision.case.kind, outcome=decision.outcome,
                         actions=decision.actions):
        return []
    next_attempt_at = timezone.now() + FIRST_ATTEMPT_GRACE
    rows = DsaStatementSubmission.objects.bulk_create(
        DsaStatementSubmission(decision=decision, puid=statement["puid"],
                               statement=statement, next_attempt_at=next_attempt_at)
        for statement in statements_for(decision_facts(decision=decision)))
    if dsa_db_configured():
        tasks_send_on_commit(DELIVER_TASK, [(row.pk,) for row in rows],
                             waiting=f"{len(rows)} statements of reasons")
    return rows


def _post(url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    """POST to the database at an address checked just now; its status and answer."""
    return public_post(url, body, headers, read_bytes=ANSWER_MAX_BYTES, what="Statement")


def _answer(raw: bytes) -> dict:
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _refusal_text(answer: dict) -> str:
    """The database's message and each field's errors, in one line for the desk."""
    errors = answer.get("errors") if isinstance(answer.get("errors"), dict) else {}
    details = "; ".join(
        f"{name}: {' '.join(map(str, texts if isinstance(texts, list) else [texts]))}"
        for name, texts in errors.items())
    message = str(answer.get("message", "")).strip()
    return " — ".join(part for part in (message, details) if part) or "HTTP 422"


def dsa_statement_send(row: DsaStatementSubmission) -> None:
    """POST the statement; keeps the database's id and uuid on the row, or raises."""
    body = json.dumps(row.statement, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "User-Agent": USER_AGENT,
               "Authorization": f"Bearer {settings.KOTAE_DSA_DB_TOKEN}"}
    row.response_status = None
    row.response_status, raw = _post(settings.KOTAE_DSA_DB_URL, body, headers)
    answer = _answer(raw)
    if row.response_status == 201:
        row.database_id = str(answer.get("id", ""))[:40]
        row.database_uuid = str(answer.get("uuid", ""))[:40]
        return
    if row.response_status == 422:
        errors = answer.get("errors") if isinstance(answer.get("errors"), dict) else {}
        if list(errors) == ["puid"] and DUPLICATE_PUID in " ".join(map(str, errors["puid"])):
            return  # already in the database: an earlier send whose answer we lost
        raise SendRefused(_refusal_text(answer))
    raise SendFailed(f"HTTP {row.response_status}")


def _refusal(row: DsaStatementSubmission) -> str:
    return "" if dsa_db_configured() else "The DSA Transparency Database is not configured"


STATEMENTS = Channel(
    name="DSA statement of reasons",
    model=DsaStatementSubmission,
    send=dsa_statement_send,
    done_status=DsaStatementSubmission.Status.SENT,
    done_at="sent_at",
    gave_up_status=DsaStatementSubmission.Status.GAVE_UP,
    refused_status=DsaStatementSubmission.Status.REFUSED,
    max_attempts=MAX_ATTEMPTS,
    backoff_base_seconds=BACKOFF_BASE_SECONDS,
    backoff_max_seconds=BACKOFF_MAX_SECONDS,
    relay_limit=RELAY_LIMIT,
    recorded=("response_status", "database_id", "database_uuid"),
    refusal=_refusal,
    # Sent outside any transaction (the database may keep us 10 s a read); longer than
    # the task's hard time limit (60 s, complaints.tasks).
    lease=timedelta(minutes=2),
)


def dsa_statement_deliver(*, submission_id: int) -> bool:
    """Send one statement if it is still to send and due. True when it was sent now."""
    return delivery.deliver(STATEMENTS, submission_id)


def dsa_statements_due_ids(*, limit: int | None = None) -> list[int]:
    """Statements whose (next) attempt is due, for the relay; none while the database is
    not configured (they wait for the export, or for the settings)."""
    return delivery.due_ids(STATEMENTS, limit=limit) if dsa_db_configured() else []


def dsa_statements_since(*, since: datetime | None = None):
    """The statements written since `since` (all when None), oldest first: the export."""
    rows = DsaStatementSubmission.objects.order_by("created_at", "pk")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return rows.values_list("statement", flat=True)
