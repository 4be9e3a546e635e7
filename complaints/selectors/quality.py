"""The answer-quality figures of the supervisors' dashboard.

Every figure is a grouped aggregate in the database, grouped by (person, kind of case);
the few groups are then added up per operator, per kind and in all. Nothing here loops
over cases, so the cost is the same for ten cases or a million: six queries.

What counts in a period (start inclusive, end exclusive; either may be open):
- decisions made in it (Decision.decided_at), with their decision clock;
- first responses given in it (the first-response clock's met_at), credited to the person
  whose public reply or decision met that clock, as the audit trail records it;
- feedback, and appeals, on the decisions made in it;
- inquiry questions answered in it (Question.answered_at, credited to answered_by).
"""
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery

from accounts.models import User
from complaints.domain.events import EventType
from complaints.models import Case, CaseEvent, CaseKind, Deadline, Decision, Feedback, Question

FIRST_RESPONSE = Deadline.Clock.FIRST_RESPONSE
DECISION = Deadline.Clock.DECISION
CATEGORIES = [value for value, _label in Question.Category.choices]


@dataclass
class Ratio:
    """`part` of `whole`: shown as both, so a small denominator is seen as small."""

    part: int = 0
    whole: int = 0

    @property
    def share(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def add(self, part: int, whole: int) -> None:
        self.part += part
        self.whole += whole


@dataclass
class QualityRow:
    key: object
    label: str
    decided: int = 0
    first_response_on_time: Ratio = field(default_factory=Ratio)
    decision_on_time: Ratio = field(default_factory=Ratio)
    helpful: Ratio = field(default_factory=Ratio)
    appeals_filed: int = 0
    # Appeals upheld (the first decision reversed) of the appeals decided so far.
    appeals_upheld: Ratio = field(default_factory=Ratio)
    answers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    @property
    def answers_total(self) -> int:
        return sum(self.answers.values())

    @property
    def answer_counts(self) -> list[int]:
        """The category counts in the order of Question.Category (for a table row)."""
        return [self.answers[category] for category in CATEGORIES]


@dataclass
class QualityFigures:
    by_operator: list[QualityRow]
    by_kind: list[QualityRow]
    total: QualityRow


def _within(field_name: str, start: datetime | None, end: datetime | None) -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field_name}__lt": end})
    return condition


def _first_responder():
    """Who met the case's first-response clock: the actor of its latest `deadline_met`
    event (a public reply's author, or the decider when the decision came first)."""
    return Subquery(
        CaseEvent.objects.filter(case_id=OuterRef("case_id"), event_type=EventType.DEADLINE_MET,
                                 new_value__clock=FIRST_RESPONSE)
        .order_by("-created_at", "-pk").values("actor_id")[:1]
    )


def quality_figures(*, start: datetime | None = None,
                    end: datetime | None = None) -> QualityFigures:
    """The dashboard's figures for the period [start, end), per operator and per kind."""
    decisions = (
        Decision.objects.filter(_within("decided_at", start, end))
        .values("decided_by_id", "case__kind")
        .annotate(
            decided=Count("pk", distinct=True),
            # (case, clock) is unique, so each decision joins at most one decision clock.
            timed=Count("case__deadlines", filter=Q(
                case__deadlines__clock=DECISION, case__deadlines__met_at__isnull=False,
                case__deadlines__due_at__isnull=False)),
            on_time=Count("case__deadlines", filter=Q(
                case__deadlines__clock=DECISION,
                case__deadlines__met_at__lte=F("case__deadlines__due_at"))),
        ).order_by()
    )
    first_responses = (
        Deadline.objects.filter(_within("met_at", start, end), clock=FIRST_RESPONSE,
                                met_at__isnull=False, due_at__isnull=False)
        .annotate(responder=_first_responder())
        .values("responder", "case__kind")
        .annotate(given=Count("pk"), on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))))
        .order_by()
    )
    feedback = (
        Feedback.objects.filter(_within("case__decision__decided_at", start, end),
                                case__decision__isnull=False)
        .values("case__decision__decided_by_id", "case__kind")
        .annotate(given=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
        .order_by()
    )
    appeals = (
        Case.objects.filter(_within("appeal_of__decision__decided_at", start, end),
                            kind=CaseKind.APPEAL, appeal_of__decision__isnull=False)
        .values("appeal_of__decision__decided_by_id", "appeal_of__kind")
        .annotate(
            filed=Count("pk"),
            decided=Count("decision"),
            upheld=Count("decision", filter=Q(decision__outcome=Decision.Outcome.REVERSED)),
        ).order_by()
    )
    answers = (
        Question.objects.filter(_within("answered_at", start, end),
                                answered_by__isnull=False)
        .exclude(answer_category="")
        .values("answered_by_id", "case__kind", "answer_category")
        .annotate(count=Count("pk"))
        .order_by()
    )

    people: dict[object, QualityRow] = {}
    kinds = {value: QualityRow(key=value, label=str(label)) for value, label in CaseKind.choices}
    total = QualityRow(key=None, label="")

    def rows_for(person_id, kind):
        person = people.setdefault(person_id, QualityRow(key=person_id, label=""))
        # An unknown kind would be a bad row in the data: counted in the total only.
        return [person, kinds.get(kind, QualityRow(key=kind, label=kind)), total]

    for group in decisions:
        for row in rows_for(group["decided_by_id"], group["case__kind"]):
            row.decided += group["decided"]
            row.decision_on_time.add(group["on_time"], group["timed"])
    for group in first_responses:
        for row in rows_for(group["responder"], group["case__kind"]):
            row.first_response_on_time.add(group["on_time"], group["given"])
    for group in feedback:
        for row in rows_for(group["case__decision__decided_by_id"], group["case__kind"]):
            row.helpful.add(group["helpful"], group["given"])
    for group in appeals:
        for row in rows_for(group["appeal_of__decision__decided_by_id"],
                            group["appeal_of__kind"]):
            row.appeals_filed += group["filed"]
            row.appeals_upheld.add(group["upheld"], group["decided"])
    for group in answers:
        for row in rows_for(group["answered_by_id"], group["case__kind"]):
            row.answers[group["answer_category"]] = (
                row.answers.get(group["answer_category"], 0) + group["count"])

    names = {
        person["pk"]: person["display_name"] or person["email"]
        for person in User.objects.filter(pk__in=[pk for pk in people if pk is not None])
        .values("pk", "display_name", "email")
    }
    for person_id, row in people.items():
        row.label = names.get(person_id, "")
    return QualityFigures(
        by_operator=sorted(people.values(), key=lambda row: (row.label.casefold(),
                                                              str(row.key))),
        by_kind=list(kinds.values()),
        total=total,
    )

