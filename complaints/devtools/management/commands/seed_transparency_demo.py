"""A year and more of finished cases, so the transparency report has something to show.

About 230 cases of every kind over the last four quarters and the current one, filed by a
demo account that cannot log in and answered by the demo desk: replies, answered questions,
decisions (mostly on time, some late), withdrawals and appeals, each made through the
services and then moved into the past. Every case ends decided or withdrawn with its clocks
met or cancelled, so the deadline sweep finds nothing to do; every training objection's
register entries are where the desk would have taken them: applied from a monthly dataset
snapshot once excluded (confirmed while the next snapshot is still to come), not possible
when the objection failed, closed when it was withdrawn. Running it again changes
nothing."""
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Language, Role, User
from accounts.services import roles_ensure, user_role_set
from complaints.devtools.demo_counter_notices import counter_notice_play
from complaints.domain.business_time import (
    CalendarSpec,
    add_business_minutes,
    business_minutes_between,
)
from complaints.domain.events import EventType
from complaints.models import (
    Case,
    CaseEvent,
    CaseKind,
    CounterNotice,
    Deadline,
    Decision,
    EnforcementOrder,
    Feedback,
    Message,
    Notification,
    Question,
    RegisterEntry,
    audit_trail_unlocked,
)
from complaints.services.cases import (
    CaseDraft,
    LocationData,
    WorkData,
    case_submit,
    case_withdraw,
)
from complaints.services.deadlines import calendar_default, deadline_due_for
from complaints.services.decisions import APPEAL_WINDOW, decision_record
from complaints.services.desk import question_answer
from complaints.services.feedback import feedback_record
from complaints.services.messages import message_post
from complaints.services.register import (
    register_entries_apply,
    register_entries_confirm,
    register_entries_not_possible,
)
from complaints.services.transparency import transparency_refresh
from config.celery import app as celery_app

DEMO_FILER = ("history@example.com", "Demo history (cannot log in)")
DEMO_DESK = ("history-desk@example.com", "Demo history desk (cannot log in)")
# Appeals are decided by someone other than the first decider.
DEMO_REVIEWER = ("history-review@example.com", "Demo history reviewer (cannot log in)")
SEED = 20_260_401  # the same history on every laptop
MONTHS = 14
NEWEST_FILING = timedelta(days=8)
LATEST_STEP = timedelta(hours=2)  # nothing of the history happens later than this ago
TRACE_LOG = logging.getLogger("celery.app.trace")
# The rows a step writes with the time it ran, and which of their fields hold it.
# (An enforcement order moved is one the product carried out at once.)
MOVED = ((CaseEvent, ["created_at"]), (Notification, ["created_at", "sent_at"]),
         (Message, ["created_at"]), (Feedback, ["created_at"]),
         (EnforcementOrder, ["ordered_at", "due_at", "acknowledged_at", "done_at"]))
DAY = 9 * 60  # business minutes in a working day of the default calendar
# The data pipeline builds a training snapshot at the start of each month; an entry
# confirmed during a month is applied from the next one.
SNAPSHOT = "dreamreel-train-{:%Y-%m}"
NOT_UPHELD = ("The objection was not upheld (see the decision): the work stays in the "
              "training data under the licence the decision names.")
REGISTER_STEPS = {EventType.REGISTER_ENTRY_CONFIRMED: "confirmed_at",
                  EventType.REGISTER_ENTRY_APPLIED: "applied_at",
                  EventType.REGISTER_ENTRY_NOT_POSSIBLE: None,
                  EventType.REGISTER_ENTRY_CLOSED: None}


@dataclass
class Step:
    """Something done to a case (a callable, or None for what is done already), and
    when it is said to have happened."""
    at: datetime
    do: object


class Command(BaseCommand):
    help = "Add a demo history of finished cases for the transparency report (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true",
                            help="Run even with DEBUG off (never on a real site).")

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("The demo history is for development (DEBUG on) only.")
        existing = Case.objects.filter(filer__email=DEMO_FILER[0]).count()
        if existing:
            self._report(existing)
            return
        calendar = calendar_default()
        self.spec = calendar.spec() if calendar else CalendarSpec(time_zone=settings.TIME_ZONE)
        self.random = random.Random(SEED)
        self.now = timezone.now()
        self.filer = _account(*DEMO_FILER, role=Role.CREATOR)
        self.operator = (User.objects.filter(email="operator@example.com").first()
                         or _account(*DEMO_DESK, role=Role.OPERATOR))
        self.supervisor = (User.objects.filter(email="supervisor@example.com").first()
                           or _account(*DEMO_REVIEWER, role=Role.SUPERVISOR))
        hand_overs = _HandOversInProcess()
        transaction.on_commit(hand_overs.start)
        count = sum(self._history_of(kind, filed) for kind, filed in self._filings())
        # Nobody reads a year of old receipts and decisions: they count as sent.
        Notification.objects.filter(case__filer=self.filer).update(
            status=Notification.Status.SENT, next_attempt_at=None)
        transaction.on_commit(hand_overs.stop)
        transparency_refresh()
        self._report(count)

    def _report(self, count: int) -> None:
        self.stdout.write(f"Demo history for the transparency report: {count} finished cases "
                          f"filed by {DEMO_FILER[0]} (no password).")

    # --- what happens ------------------------------------------------------------------

    def _filings(self):
        """(kind, filing time) for every case, more of them in recent months."""
        local_now = timezone.localtime(self.now)
        month = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        starts = []
        for _ in range(MONTHS):
            starts.append(month)
            month = (month - timedelta(days=1)).replace(day=1)
        filings = []
        for age, start in enumerate(reversed(starts)):
            end = (start + timedelta(days=32)).replace(day=1)
            end = min(end, self.now - NEWEST_FILING)
            if end <= start:
                continue
            span = (end - start).total_seconds()
            for _ in range(int(span / 86400 / 30 * (12 + age * 0.6))):
                filed = start + timedelta(seconds=self.random.uniform(0, span))
                kind = self.random.choices(
                    [CaseKind.OUTPUT_COMPLAINT, CaseKind.TRAINING_OBJECTION, CaseKind.INQUIRY],
                    weights=[50, 28, 22])[0]
                filings.append((kind, filed))
        return sorted(filings, key=lambda f: f[1])

    def _history_of(self, kind: str, filed: datetime) -> int:
        """File one case at `filed` and see it through; returns the cases made (an
        appeal makes two)."""
        rnd = self.random
        age = (self.now - filed).days / (MONTHS * 30)  # 1 for the oldest case, 0 for today's
        # The desk answers faster, and is late less often, as it grows into its work.
        if rnd.random() < 0.03 + 0.1 * age:
            first = int(rnd.uniform(2.4, 5) * DAY)
        else:
            first = int(rnd.lognormvariate(5.3, 0.7))
        budget = (15 if kind == CaseKind.INQUIRY else 10) * DAY
        late = rnd.random() < 0.04 + 0.18 * age
        decide = int(budget * (rnd.uniform(1.15, 1.6) if late else rnd.uniform(0.15, 0.9)))
        first, decide = self._fit(filed, first, decide)

        case = case_submit(filer=self.filer, draft=_draft(kind, rnd))
        steps = [Step(filed, None)]
        # The desk replies first, except now and then when the decision itself is quick.
        replied = decide > 2 * DAY or rnd.random() < 0.5
        if replied:
            steps.append(Step(self._after(filed, first), lambda: message_post(
                case=case, author=self.operator, body="Thank you; we are looking into it.")))
        if rnd.random() < 0.07:
            gone = first + int(rnd.uniform(60, DAY)) if replied else int(rnd.uniform(30, first))
            steps.append(Step(self._after(filed, min(gone, decide)),
                              lambda: case_withdraw(case=case, actor=self.filer)))
            self._play(case, steps)
            return 1
        if kind == CaseKind.INQUIRY:
            answered = self._after(filed, (first + decide) // 2)
            for question in case.as_filed.questions:
                category = rnd.choices(list(ANSWERS), weights=[22, 38, 14, 14, 12])[0]
                steps.append(Step(answered, lambda q=question, c=category: question_answer(
                    question=q, actor=self.operator, category=c, text=ANSWERS[c])))
        outcome, actions = _outcome(kind, rnd)
        decided = self._after(filed, decide)
        steps.append(Step(decided, lambda: decision_record(
            case=case, decided_by=self.operator, outcome=outcome, actions=actions,
            facts="Compared the output with the work named in the notice.",
            ground="Our content policy, section 4, and the Copyright Act of Japan.",
            automated_means=False)))
        if rnd.random() < 0.45:
            helpful = rnd.random() < 0.72
            steps.append(Step(min(decided + timedelta(days=rnd.uniform(1, 5)),
                                  self.now - LATEST_STEP),
                              lambda: feedback_record(case=case, author=self.filer,
                                                      helpful=helpful)))
        appealed = decided + timedelta(days=rnd.uniform(2, 25))
        chance = {"not_upheld": 0.35, "partly_upheld": 0.35, "answered": 0.03}.get(outcome, 0.05)
        appeal = rnd.random() < chance and appealed < self.now - NEWEST_FILING
        excluded = "excluded_from_training" in actions
        self._play(case, steps)
        # An exclusion is carried out at once; a refusal waits for the appeal, if any.
        if kind == CaseKind.TRAINING_OBJECTION and (excluded or not appeal):
            self._play_register(case, decided, exclude=excluded)
        if ("output_removed" in actions and not appeal and rnd.random() < 0.12
                and appealed < self.now - NEWEST_FILING):
            counter_notice_play(self, case, appealed, Step=Step)
            return 2
        if appeal:
            reverse, appeal_decided = self._appeal(case, appealed)
            if kind == CaseKind.TRAINING_OBJECTION and not excluded:
                self._play_register(case, appeal_decided, exclude=reverse)
            return 2
        return 1

    def _play_register(self, case: Case, decided: datetime, *, exclude: bool) -> None:
        """The register steps of a training objection whose final word came at `decided`:
        its entries confirmed soon after and applied from the next month's snapshot (if
        that has been built yet), or, when the objection failed, not possible."""
        entries = list(case.register_entries.values_list("pk", flat=True))
        latest = self.now - LATEST_STEP
        confirmed = min(self._after(decided, 30), latest)
        if not exclude:
            steps = [Step(confirmed, lambda: register_entries_not_possible(
                entry_ids=entries, actor=self.operator, reason=NOT_UPHELD))]
        else:
            steps = [Step(confirmed, lambda: register_entries_confirm(
                entry_ids=entries, actor=self.operator))]
            month, applied = snapshot_after(confirmed, self.spec)
            if applied < latest:
                snapshot = SNAPSHOT.format(month)
                steps.append(Step(applied, lambda: register_entries_apply(
                    entry_ids=entries, actor=self.operator, snapshot=snapshot)))
        self._replay(case, steps)
        self._register_to_the_past(case)

    def _appeal(self, original: Case, filed: datetime) -> tuple[bool, datetime]:
        """File and decide an appeal against `original`; returns whether it reversed the
        decision, and when."""
        rnd = self.random
        first, decide = self._fit(filed, int(rnd.lognormvariate(5.6, 0.6)),
                                  int(10 * DAY * rnd.uniform(0.2, 1.05)))
        # Filed now, the appeal is checked against the time left now; then put back.
        decision = Decision.objects.get(case=original)
        Decision.objects.filter(pk=decision.pk).update(appeal_deadline=self.now + APPEAL_WINDOW)
        appeal = case_submit(filer=self.filer, draft=CaseDraft(
            kind=CaseKind.APPEAL, title="Appeal against the decision", language="en",
            appeal_of_id=original.pk, appeal_grounds="The decision overlooked our evidence.",
            good_faith_statement=True, accuracy_statement=True, signature="Demo history"))
        Decision.objects.filter(pk=decision.pk).update(appeal_deadline=decision.appeal_deadline)
        reverse = rnd.random() < 0.4
        remedy = ("excluded_from_training" if original.kind == CaseKind.TRAINING_OBJECTION
                  else "output_removed")
        decided = self._after(filed, decide)
        self._play(appeal, [
            Step(filed, None),
            Step(self._after(filed, first), lambda: message_post(
                case=appeal, author=self.supervisor, body="Your appeal is with a supervisor.")),
            Step(decided, lambda: decision_record(
                case=appeal, decided_by=self.supervisor,
                outcome="reversed" if reverse else "confirmed",
                actions=[remedy] if reverse else ["no_action"],
                facts="A second reviewer compared the output and the work again.",
                ground="Our content policy, section 4.", automated_means=False)),
        ])
        return reverse, decided

    def _fit(self, filed: datetime, first: int, decide: int) -> tuple[int, int]:
        """Business minutes to the first response and to the decision, both over before
        LATEST_STEP ago (a recent case is decided sooner than planned)."""
        decide = max(decide, first + 60)
        available = business_minutes_between(filed, self.now - LATEST_STEP, self.spec)
        if decide > available:
            decide = int(available * self.random.uniform(0.6, 0.95))
            first = min(first, decide // 2)
        return first, decide

    def _after(self, start: datetime, minutes: int) -> datetime:
        return add_business_minutes(start, max(0, minutes), self.spec)

    # --- making it the past ------------------------------------------------------------

    def _play(self, case: Case, steps: list[Step]) -> None:
        """Run the steps now, then move every row each wrote to the step's own time."""
        self._replay(case, steps, since=[0] * len(MOVED))
        self._clocks_to_the_past(case, filed=steps[0].at, ended=steps[-1].at)
        if case.kind == CaseKind.TRAINING_OBJECTION:
            self._register_to_the_past(case)

    def _replay(self, case: Case, steps: list[Step], since: list[int] | None = None) -> None:
        """Run more steps on a case played before; only the rows they write (those after
        `since`, by default what exists now) move to each step's time."""
        previous = since if since is not None else [_last_id(m) for m, _fields in MOVED]
        related = [case.pk, *filter(None, [case.appeal_of_id]),
                   *CounterNotice.objects.filter(case=case).values_list("complaint_id",
                                                                        flat=True)]
        marks = []
        for step in steps:
            if step.do is not None:
                step.do()
            marks.append([_last_id(model) for model, _fields in MOVED])
        # A demo history is the one place audit events are moved after they are written.
        with audit_trail_unlocked():
            for step, mark in zip(steps, marks, strict=True):
                for (model, fields), after, upto in zip(MOVED, previous, mark, strict=True):
                    # A step writes on the cases it answers too (an appeal's decision on
                    # the complaint); not the rows those had before the first step.
                    model.objects.filter(case_id__in=related if after else [case.pk],
                                         pk__gt=after, pk__lte=upto).update(
                        **dict.fromkeys(fields, step.at))
                previous = mark

    def _register_to_the_past(self, case: Case) -> None:
        """Give a training objection's entries the times of the steps that moved them
        (their audit events, already in the past): received when the case was filed."""
        filed = Case.objects.values_list("submitted_at", flat=True).get(pk=case.pk)
        moved: dict[int, dict] = {}
        for event in case.events.filter(event_type__in=REGISTER_STEPS).order_by("pk"):
            times = moved.setdefault(event.new_value["entry"], {})
            field = REGISTER_STEPS[event.event_type]
            if field:
                times[field] = event.created_at
            times["updated_at"] = event.created_at
        # A step moves all of a case's entries at once: one UPDATE per set of times.
        same_times = defaultdict(list)
        for pk in case.register_entries.values_list("pk", flat=True):
            same_times[tuple(sorted(moved.get(pk, {}).items()))].append(pk)
        for times, pks in same_times.items():
            RegisterEntry.objects.filter(pk__in=pks).update(
                created_at=filed, **{"updated_at": filed, **dict(times)})

    def _clocks_to_the_past(self, case: Case, *, filed: datetime, ended: datetime) -> None:
        case.refresh_from_db()
        decision = getattr(case, "decision", None)
        events = {e.event_type: e.created_at for e in case.events.order_by("pk")}
        reference = f"KT-{timezone.localtime(filed).year}-{case.pk:06d}"
        Case.objects.filter(pk=case.pk).update(
            submitted_at=filed, reference=reference, last_activity_at=ended,
            decided_at=events.get(EventType.DECISION_RECORDED),
            closed_at=events.get(EventType.DECISION_RECORDED) or ended, next_due_at=None)
        if decision is not None:
            decided = events[EventType.DECISION_RECORDED]
            Decision.objects.filter(pk=decision.pk).update(
                decided_at=decided, appeal_deadline=decided + APPEAL_WINDOW)
        Question.objects.filter(case=case, answered_at__isnull=False).update(
            answered_at=events.get(EventType.QUESTION_ANSWERED, ended))
        met = {e.new_value["clock"]: e.created_at
               for e in case.events.filter(event_type=EventType.DEADLINE_MET)}
        for deadline in case.deadlines.all():
            values = {"started_at": filed, "warn_at": None, "next_check_at": None,
                      "due_at": deadline_due_for(case=case, clock=deadline.clock, start=filed)}
            if deadline.met_at is not None:
                values["met_at"] = met[deadline.clock]
                values["met_business_minutes"] = business_minutes_between(
                    filed, met[deadline.clock], self.spec)
            else:
                values["cancelled_at"] = ended
            Deadline.objects.filter(pk=deadline.pk).update(**values)


class _HandOversInProcess:
    """Each e-mail written here is handed to a worker after commit, as always. The
    history marks them all sent before commit, so those hand-overs run in this process
    (each finds its row sent and does nothing) rather than queue hundreds of empty tasks
    ahead of the demo's real e-mails on the laptop's slow file broker.

    `start` and `stop` are registered with on_commit around the history's own e-mails, so
    e-mails written before (seed_demo's) are handed to the worker as usual."""

    def start(self):
        self.eager = celery_app.conf.task_always_eager
        self.trace_level = TRACE_LOG.level
        celery_app.conf.task_always_eager = True
        TRACE_LOG.setLevel(logging.WARNING)  # not a line per empty hand-over

    def stop(self):
        celery_app.conf.task_always_eager = self.eager
        TRACE_LOG.setLevel(self.trace_level)


def _last_id(model) -> int:
    return model.objects.aggregate(last=Max("pk"))["last"] or 0


def snapshot_after(confirmed: datetime, spec: CalendarSpec) -> tuple[datetime, datetime]:
    """The month whose training snapshot applies an entry confirmed at `confirmed` (the
    next one), and when the desk applies it: an hour of business time into that month."""
    local = timezone.localtime(confirmed)
    month = (local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
             + timedelta(days=32)).replace(day=1)
    return month, add_business_minutes(month, 60, spec)


def _account(email: str, name: str, *, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # No password: these accounts only own the demo history; nobody logs in as them.
        user = User.objects.create_user(email=email, password=None, display_name=name,
                                        language=Language.ENGLISH, email_verified=True)
        roles_ensure()
        user_role_set(user=user, role=role)
    return user


WORKS = ["Hoshizora Quest", "Moonlit Academy", "Iron Garden", "Paper Cranes of Kyoto",
         "Neon Fox Detective", "Summer Rain Diary", "Blue Comet 7", "The Quiet Forge"]
ANSWERS = {
    "yes": "Yes. The work was part of a licensed dataset used for this model.",
    "no": "No. We checked the training data of this model and did not find the work.",
    "partly": "Partly. Some images from the official site were in an early dataset.",
    "unknown": "We cannot tell: the dataset of this early model was not kept in full.",
    "cannot_disclose": "A court order in another case stops us from saying more for now.",
}


def _draft(kind: str, rnd: random.Random) -> CaseDraft:
    work = rnd.choice(WORKS)
    common = {"language": rnd.choice(["ja", "en"]), "good_faith_statement": True,
              "accuracy_statement": True, "signature": "Demo history"}
    if kind == CaseKind.OUTPUT_COMPLAINT:
        return CaseDraft(
            kind=kind, title=f"Generated video copies {work}", ai_product="DreamReel video",
            # By the work, not drawn: a draw would change the rest of the history.
            law=("us_dmca", "eu_dsa", "japan")[WORKS.index(work) % 3],
            ai_model="reel-2", similarity="The main character is reproduced.",
            remedies=["remove_output"], works=[WorkData(title=work, kind="anime")],
            filer_postal_address="1-2-3 Jingumae, Shibuya-ku, Tokyo",
            filer_phone="+81 3-1234-5678",
            locations=[LocationData(
                url=f"https://dreamreel.example/v/{rnd.randrange(16**8):08x}")],
            **common)
    if kind == CaseKind.TRAINING_OBJECTION:
        return CaseDraft(kind=kind, title=f"Do not train on {work}", whole_catalogue=False,
                         training_uses=["training", "fine_tuning"],
                         works=[WorkData(title=work, kind="manga")], **common)
    questions = [f"Was {work} in the training data of reel-2?",
                 "Which datasets were used for reel-2?",
                 "When will the next model be trained?"][:rnd.randint(1, 3)]
    return CaseDraft(kind=kind, title=f"Questions about {work}", ai_product="DreamReel video",
                     ai_model="reel-2", questions=questions, **common)


def _outcome(kind: str, rnd: random.Random) -> tuple[str, list[str]]:
    roll = rnd.random()
    if kind == CaseKind.INQUIRY:
        return "answered", ["no_action"]
    if kind == CaseKind.TRAINING_OBJECTION:
        if roll < 0.82:
            return "upheld", ["excluded_from_training"]
        if roll < 0.92:
            return "partly_upheld", ["excluded_from_training"]
        return "not_upheld", ["no_action"]
    if roll < 0.5:
        return "upheld", rnd.choice([["output_removed"], ["output_removed", "prompt_blocked"],
                                     ["prompt_blocked", "output_removed"]])
    if roll < 0.65:
        return "partly_upheld", ["output_removed"]
    return "not_upheld", ["no_action"]
