"""Fill the database with realistic synthetic cases for benchmarks, fast.

Every kind and status, with works, output locations, messages, audit events, deadlines
and decisions, written with bulk inserts in batches. Not for a real site: the rows skip
the services on purpose (they would send e-mails), so run it on a bench database.
"""
import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.services import roles_ensure, user_role_set
from complaints.domain.events import EventType
from complaints.domain.status import OPEN_STATUSES, Status
from complaints.models import (
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    Decision,
    Message,
    OutputLocation,
    Priority,
    Question,
    Work,
)
from complaints.services.quality import quality_tallies_rebuild

PRODUCTS = ["DreamReel video", "Hikari Motion", "PixelMuse", "StoryLoom", "Kage Studio AI",
            "Sora-like Gen", "Anima Forge", "ToonSynth"]
TITLE_WORDS = ["Hoshizora", "Sakura", "Kaze", "Tsuki", "Yume", "Hikari", "Ryu", "Neko",
               "Sora", "Umi", "Kitsune", "Akane", "Mirai", "Haru", "Yoru", "Ginga"]
WORK_KINDS = [k for k, _ in Work.Kind.choices]
STATUSES = [
    (Status.SUBMITTED, 12), (Status.ACKNOWLEDGED, 10), (Status.IN_REVIEW, 18),
    (Status.AWAITING_FILER, 5), (Status.DECIDED, 25), (Status.CLOSED, 20),
    (Status.WITHDRAWN, 5), (Status.REJECTED, 5),
]
KINDS = [(CaseKind.OUTPUT_COMPLAINT, 55), (CaseKind.TRAINING_OBJECTION, 20),
         (CaseKind.INQUIRY, 20), (CaseKind.APPEAL, 5)]
BATCH = 2000


def _clock(now, **fields) -> Deadline:
    """A clock as the sweep would have left it: running ones wait for their due time,
    ones already past due were breached then."""
    deadline = Deadline(**fields)
    if not (deadline.met_at or deadline.cancelled_at or deadline.paused_at):
        if deadline.due_at > now:
            deadline.next_check_at = deadline.due_at
        else:
            deadline.breached_at = deadline.due_at
    return deadline


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


class Command(BaseCommand):
    help = "Add N synthetic cases (all kinds and states) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--open-only", action="store_true",
                            help="every case still open, with its clocks running (sweep bench)")

    def handle(self, *args, cases, seed, open_only=False, **options):
        if cases < 1:
            raise CommandError("--cases must be at least 1")
        rng = random.Random(seed)
        # Open-only cases are recent, so most of their clocks are still running.
        self.age_minutes = (20 if open_only else 365) * 24 * 60
        self.statuses = [(s, w) for s, w in STATUSES if not open_only or s in OPEN_STATUSES]
        started = time.monotonic()
        filers, organisations, operators = self._people(rng)
        next_pk = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        made = 0
        while made < cases:
            size = min(BATCH, cases - made)
            self._batch(rng, next_pk + made, size, filers, organisations, operators)
            made += size
            if made % 20_000 < BATCH or made == cases:
                self.stdout.write(f"{made} cases ({time.monotonic() - started:.0f} s)")
        self._sequences_reset()
        # The rows skipped the services, which keep the answer-quality roll-ups: count them.
        tallies = quality_tallies_rebuild()
        self._statistics_refresh()
        self.stdout.write(f"{tallies} answer-quality roll-up rows "
                          f"({time.monotonic() - started:.0f} s)")
        self.stdout.write(self.style.SUCCESS(
            f"Added {cases} cases in {time.monotonic() - started:.1f} s."))

    def _sequences_reset(self):
        """Cases were inserted with explicit ids: move the id sequence past them."""
        statements = connection.ops.sequence_reset_sql(no_style(), [Case])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _statistics_refresh(self):
        """Bulk inserts leave the planner's statistics and PostgreSQL's visibility map as
        they were before, until autovacuum comes by: a benchmark run straight after would
        time the planner's guesses (the queue took 82 ms at 100,000 cases, 12 ms once the
        tables were analysed). The whole database, the roll-ups too. VACUUM cannot run
        inside a transaction (a test's): there, ANALYZE alone."""
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

    def _people(self, rng):
        password = make_password(None)
        if not User.objects.filter(email__startswith="bench-creator-").exists():
            User.objects.bulk_create(
                User(email=f"bench-creator-{i}@example.com", display_name=f"Creator {i}",
                     password=password, language=rng.choice(["ja", "en"]),
                     email_verified=True)
                for i in range(2000)
            )
            User.objects.bulk_create(
                User(email=f"bench-operator-{i}@kotae.example", display_name=f"Operator {i}",
                     password=password, is_staff=True, email_verified=True)
                for i in range(12)
            )
            Organisation.objects.bulk_create(
                Organisation(name=f"Studio {w} {i}") for i, w in enumerate(TITLE_WORDS * 4)
            )
        filers = list(User.objects.filter(email__startswith="bench-creator-")
                      .values_list("pk", "language"))
        operators = list(User.objects.filter(email__startswith="bench-operator-")
                         .order_by("pk").values_list("pk", flat=True))
        roles_ensure()
        for pk in operators[:2]:  # a desk has supervisors: they hear of every breach
            user_role_set(user=User.objects.get(pk=pk), role=Role.SUPERVISOR)
        for pk in operators[2:]:
            user_role_set(user=User.objects.get(pk=pk), role=Role.OPERATOR)
        organisations = list(Organisation.objects.filter(name__startswith="Studio ")
                             .values_list("pk", flat=True))
        return filers, organisations, operators

    @transaction.atomic
    def _batch(self, rng, first_pk, size, filers, organisations, operators):
        now = timezone.now()
        cases, works, locations, messages, events, deadlines, decisions, questions = (
            [], [], [], [], [], [], [], [])
        for pk in range(first_pk, first_pk + size):
            kind = _weighted(rng, KINDS)
            status = _weighted(rng, self.statuses)
            submitted = now - timedelta(minutes=rng.randint(0, self.age_minutes))
            filer_id, language = rng.choice(filers)
            word = rng.choice(TITLE_WORDS)
            is_open = status in OPEN_STATUSES
            first_due = submitted + timedelta(days=2 + rng.randint(0, 2))
            decision_due = submitted + timedelta(days=14 + rng.randint(0, 7))
            next_due = (first_due if status == Status.SUBMITTED else decision_due) \
                if is_open and status != Status.AWAITING_FILER else None
            cases.append(Case(
                pk=pk, reference=f"KT-{submitted.year}-{pk:06d}", kind=kind, status=status,
                title=f"{word} {rng.choice(['character', 'opening', 'style', 'scene'])} "
                      f"copied #{pk}",
                language=language, notice_language=language, priority=_weighted(
                    rng, [(Priority.NORMAL, 80), (Priority.HIGH, 12), (Priority.LOW, 5),
                          (Priority.URGENT, 3)]),
                filer_id=filer_id,
                organisation_id=rng.choice(organisations) if rng.random() < 0.3 else None,
                ai_product=rng.choice(PRODUCTS), similarity="Character design reproduced.",
                remedies=["remove_output"], good_faith_statement=True, accuracy_statement=True,
                signature=f"Creator {filer_id}",
                assignee_id=rng.choice(operators) if rng.random() < 0.7 else None,
                escalated=is_open and rng.random() < 0.05,
                next_due_at=next_due, submitted_at=submitted, last_activity_at=submitted,
                decided_at=submitted + timedelta(days=9)
                if status in (Status.DECIDED, Status.CLOSED) else None,
            ))
            for i in range(rng.randint(1, 3)):
                works.append(Work(case_id=pk, position=i, kind=rng.choice(WORK_KINDS),
                                  title=f"{word} Quest {rng.randint(1, 400)}",
                                  rights_holder=f"Studio {word}"))
            if kind == CaseKind.OUTPUT_COMPLAINT:
                for i in range(rng.randint(1, 2)):
                    locations.append(OutputLocation(
                        case_id=pk, position=i,
                        url=f"https://{rng.choice(['reel', 'gen', 'muse'])}.example/v/{pk}-{i}"))
            if kind == CaseKind.INQUIRY:
                questions.append(Question(case_id=pk, text="Was my work in the training data?"))
            for i in range(rng.randint(0, 3)):
                messages.append(Message(case_id=pk, author_id=rng.choice(operators),
                                        created_at=submitted + timedelta(hours=6 * (i + 1)),
                                        from_staff=True, body=f"Reply {i} on case {pk}.",
                                        visibility=rng.choice(["public", "internal"])))
            events.append(CaseEvent(case_id=pk, actor_id=filer_id,
                                    event_type=EventType.CASE_SUBMITTED.value,
                                    created_at=submitted,
                                    new_value={"reference": f"KT-{submitted.year}-{pk:06d}"}))
            if status != Status.SUBMITTED:
                events.append(CaseEvent(case_id=pk, event_type=EventType.STATUS_CHANGED.value,
                                        created_at=submitted + timedelta(hours=20),
                                        old_value={"status": "submitted"},
                                        new_value={"status": status}))
            deadlines.append(_clock(
                now, case_id=pk, clock="first_response", started_at=submitted, due_at=first_due,
                met_at=None if status == Status.SUBMITTED else submitted + timedelta(days=1)))
            deadlines.append(_clock(
                now, case_id=pk, clock="decision", started_at=submitted, due_at=decision_due,
                paused_at=now if status == Status.AWAITING_FILER else None,
                met_at=submitted + timedelta(days=9)
                if status in (Status.DECIDED, Status.CLOSED) else None,
                cancelled_at=now if status in (Status.WITHDRAWN, Status.REJECTED) else None))
            if status in (Status.DECIDED, Status.CLOSED):
                decisions.append(Decision(
                    case_id=pk, outcome=rng.choice(["upheld", "not_upheld", "partly_upheld"]),
                    actions=["output_removed"], facts="Compared frame by frame.",
                    ground="Copyright Act of Japan, Art. 21.", decided_by_id=rng.choice(operators),
                    appeal_deadline=submitted + timedelta(days=190)))
        Case.objects.bulk_create(cases)
        for model, rows in ((Work, works), (OutputLocation, locations), (Message, messages),
                            (CaseEvent, events), (Deadline, deadlines), (Decision, decisions),
                            (Question, questions)):
            model.objects.bulk_create(rows, batch_size=5000)
