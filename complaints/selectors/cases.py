"""Reads that more than one caller needs. Each owns its joins and prefetches."""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.domain.events import SHOWN_AS_MESSAGES, EventType
from complaints.domain.retractions import NOTICE_KINDS
from complaints.domain.status import OPEN_STATUSES, Status
from complaints.models import (
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    Evidence,
    Feedback,
    Message,
    OutputLocation,
    StagedUpload,
    Work,
)
from complaints.selectors.rows import case_rows_pages, with_row_counts
from config.queries import CompiledQuery, list_together, prefetched


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases a portal user may see: their own and their organisations'."""
    if not user.is_authenticated:
        return Case.objects.none()
    org_ids = user.memberships.values("organisation_id")
    return Case.objects.filter(Q(filer=user) | Q(organisation_id__in=org_ids))


@dataclass(frozen=True)
class CaseListFilters:
    status: str = ""
    kind: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query) -> "CaseListFilters":
        status = query.get("status", "")
        kind = query.get("kind", "")
        return cls(
            status=status if status in Status.values else "",
            kind=kind if kind in CaseKind.values else "",
            q=query.get("q", "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.q)


def case_list_for_portal(user, filters: CaseListFilters | None = None) -> QuerySet[Case]:
    # The page's clocks in one query: a late case shows its promised date (Case.late_deadline).
    queryset = cases_visible_to(user).select_related("organisation").prefetch_related(
        "deadlines")
    if filters:
        if filters.status:
            queryset = queryset.filter(status=filters.status)
        if filters.kind:
            queryset = queryset.filter(kind=filters.kind)
        if filters.q:
            queryset = queryset.filter(
                Q(reference__iexact=filters.q) | Q(title__icontains=filters.q)
            )
    return queryset.order_by("-last_activity_at", "-pk")


def cases_with_lateness(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with `late_due_at` and `late_promised_at`: the due time and promised date
    of the running clock that makes an open case late (Case.late_deadline's rule, in SQL),
    read in the same query as the rows (a subquery on the (case, clock) index)."""
    late = Deadline.objects.filter(
        case=OuterRef("pk"), case__status__in=OPEN_STATUSES, met_at__isnull=True,
        cancelled_at__isnull=True, paused_at__isnull=True, due_at__lte=timezone.now(),
    ).exclude(clock=Deadline.Clock.FILER_REPLY).order_by("due_at", "pk")
    return queryset.annotate(late_due_at=Subquery(late.values("due_at")[:1]),
                             late_promised_at=Subquery(late.values("promised_at")[:1]))


def _case_with_page(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a case's page (portal or API) shows, in a fixed number of queries. Its works
    and locations come a page at a time (complaints.selectors.rows)."""
    queryset = with_row_counts(queryset).select_related(
        "filer", "organisation", "decision", "decision__decided_by", "appeal_of"
    )
    return queryset.prefetch_related(
        "questions",
        "deadlines",
        "appeals",
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
        Prefetch(
            "messages",
            queryset=Message.objects.filter(visibility=Message.Visibility.PUBLIC)
            .select_related("author")
            .prefetch_related("attachments"),
            to_attr="public_messages",
        ),
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(public=True).select_related("actor"),
            to_attr="public_events",
        ),
    )


def case_get_for_portal(user, reference: str) -> Case:
    """The case, with what its page shows; 404 for anyone who may not see it."""
    if "\x00" in reference:  # no reference holds one, and PostgreSQL refuses them
        raise Http404
    return get_object_or_404(_case_with_page(cases_visible_to(user)), reference=reference)


def case_get_for_filer(user, reference: str) -> Case:
    """The case for what only its filer may do (retract it): 404 for anyone else, their
    organisation's other members too."""
    case = case_get_for_portal(user, reference)
    if case.filer_id != user.pk:
        raise Http404
    return case


def case_get_for_api(pk: int, query=None) -> Case:
    """A case already checked as the caller's, read afresh with what the API shows (not
    the timeline's events, nor appeals, which the API does not return; its works and
    locations a page at a time, complaints.selectors.rows)."""
    case = (with_row_counts(Case.objects.all()).select_related("decision", "appeal_of")
            .prefetch_related(
                "questions", "deadlines",
                Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
                Prefetch("messages",
                         queryset=Message.objects.filter(visibility=Message.Visibility.PUBLIC)
                         .select_related("author"),
                         to_attr="public_messages"))
            .get(pk=pk))
    case.rows_pages = case_rows_pages(case, query)  # `locations_page`, `works_page`
    return case


def evidence_get_for_user(user, reference: str, public_id) -> Evidence:
    """An evidence file for its case's filer, their organisation, or staff; else 404."""
    if user.is_authenticated and user.is_staff:
        cases = Case.objects.all()
    else:
        cases = cases_visible_to(user)
    return get_object_or_404(
        Evidence.objects.select_related("case"),
        case__in=cases.filter(reference=reference),
        public_id=public_id,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    message: Message | None = None
    event: CaseEvent | None = None


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Public messages and public events of a case fetched by case_get_for_portal, in order."""
    entries = [TimelineEntry(at=m.created_at, message=m) for m in case.public_messages]
    entries += [TimelineEntry(at=e.created_at, event=e) for e in case.public_events
                if e.event_type not in SHOWN_AS_MESSAGES]
    return sorted(entries, key=lambda entry: entry.at)


def case_appeal_in_force(case: Case) -> Case | None:
    """The filer's appeal against this case's decision that still stands (open or decided),
    if any: the page then names it instead of offering an appeal."""
    standing = [a for a in case.appeals.all()
                if a.status not in (Status.WITHDRAWN, Status.REJECTED)]
    return max(standing, key=lambda a: a.pk, default=None)


def case_can_appeal(case: Case) -> bool:
    decision = getattr(case, "decision", None)
    if case.kind == CaseKind.APPEAL or decision is None:
        return False
    if timezone.now() > decision.appeal_deadline or case_wholly_retracted(case):
        return False
    return case_appeal_in_force(case) is None


def case_wholly_retracted(case: Case) -> bool:
    """From the page's own events (no query): whether the whole notice was retracted."""
    return any(e.event_type == EventType.NOTICE_RETRACTED and (e.new_value or {}).get("whole")
               for e in case.public_events)


def case_can_retract(case: Case, user) -> bool:
    """Whether the case page offers its filer to retract the notice (the service checks
    again): a notice, open or decided, not already retracted as a whole."""
    return (case.filer_id == user.pk and case.kind in NOTICE_KINDS
            and (case.is_open or getattr(case, "decision", None) is not None)
            and not case_wholly_retracted(case))


def feedback_initial(case: Case, user) -> dict:
    feedback = Feedback.objects.filter(case=case, author=user).first()
    if feedback is None:
        return {}
    return {"helpful": "yes" if feedback.helpful else "no", "comment": feedback.comment}


def staged_upload_get(user, public_id) -> StagedUpload:
    return get_object_or_404(StagedUpload, owner=user, public_id=public_id)


_DESK_CASE = CompiledQuery(Case, lambda pk: with_row_counts(Case.objects.filter(pk=pk))
                           .select_related("filer", "assignee", "organisation", "decision",
                                           "decision__decided_by")
                           .annotate(duplicate_of_reference=F("duplicate_of__reference")))
_DESK_DEADLINES = CompiledQuery(Deadline, lambda pk: Deadline.objects.filter(case_id=pk))
_DESK_EVIDENCE = CompiledQuery(
    Evidence, lambda pk: Evidence.objects.filter(case_id=pk).order_by("uploaded_at", "pk"))
_DESK_MESSAGES = CompiledQuery(
    Message, lambda pk: Message.objects.filter(case_id=pk).select_related("author"))
_DESK_EVENTS = CompiledQuery(
    CaseEvent, lambda pk: CaseEvent.objects.filter(case_id=pk).select_related("actor"))


def case_get_for_desk(pk, also: dict[str, tuple] | None = None) -> Case:
    """A case with everything its desk page shows, in a fixed number of queries (its works
    and locations a page at a time: complaints.selectors.rows), each compiled once per
    process (config.queries). `also`: the page's other compiled queries by name, as
    (query, ids), sent in the same round trip; their rows are the case's `read_with`."""
    also = also or {}
    found, deadlines, evidence, messages, events, *others = list_together(
        *((query, (pk,)) for query in (_DESK_CASE, _DESK_DEADLINES, _DESK_EVIDENCE,
                                       _DESK_MESSAGES, _DESK_EVENTS)), *also.values())
    if not found:
        raise Http404
    case = found[0]
    case.read_with = dict(zip(also, others, strict=True))
    prefetched(case, "deadlines", deadlines)
    prefetched(case, "evidence", evidence)
    case.desk_messages, case.desk_events = messages, events
    for row in (*case.desk_messages, *case.desk_events):
        row._meta.get_field("case").set_cached_value(row, case)  # as a prefetch does
    # Read only for an appeal: joined to every case's query, the columns of the case
    # appealed (and of the case a duplicate was merged into, of which the page shows only
    # the reference: `duplicate_of_reference`) made it half again as long to build.
    if case.appeal_of_id:
        case.appeal_of = Case.objects.select_related("decision__decided_by").get(
            pk=case.appeal_of_id)
    by_message = {}
    for evidence in case.evidence.all():
        by_message.setdefault(evidence.message_id, []).append(evidence)
    reply_by = _information_requests(case)
    for message in case.desk_messages:
        message.files = by_message.get(message.pk, [])
        message.reply_by = reply_by.get(message.pk)
        message.requests_information = message.pk in reply_by
    # Read only for a case its trail says was retracted: the rest cost no query.
    retracted = any(e.event_type == EventType.NOTICE_RETRACTED for e in case.desk_events)
    case.desk_retractions = (list(case.retractions.prefetch_related("undos")) if retracted
                             else [])
    return case


def _information_requests(case: Case) -> dict[int, datetime | None]:
    """The desk's messages that asked the filer for information, each with its reply-by
    time. A request posts its message and then starts the filer's reply clock
    (complaints.services.desk.info_request), so each start of that clock in the audit
    trail belongs to the desk's last public reply before it. The latest request is due
    when the clock now says; an earlier one when the clock said then."""
    asked: dict[int, datetime | None] = {}
    last_reply = None
    for event in case.desk_events:
        new = event.new_value if isinstance(event.new_value, dict) else {}
        if event.event_type == EventType.REPLY_SENT:
            last_reply = new.get("message_id")
        elif event.event_type == EventType.FILER_REPLIED:
            last_reply = None
        elif (event.event_type == EventType.DEADLINE_STARTED and last_reply is not None
              and new.get("clock") == Deadline.Clock.FILER_REPLY):
            asked[last_reply] = parse_datetime(new.get("due_at") or "")
            last_reply = None
    clock = next((d for d in case.deadlines.all() if d.clock == Deadline.Clock.FILER_REPLY),
                 None)
    if asked and clock is not None:
        asked[max(asked)] = clock.due_at
    return asked


def cases_related(case: Case) -> list[Case]:
    """Other cases naming the same output location or the same work, and linked ones (the
    latest `RELATED_SHOWN`).

    One query: the ids from a UNION ALL of indexed lookups, the cases then by primary key
    (an OR of subqueries would make the database read every case); compiled once.
    """
    return _RELATED.list(case.pk)


def cases_related_call(pk: int) -> tuple:
    """cases_related's compiled query and ids for case `pk`, to be sent with others
    (list_together)."""
    return _RELATED, (pk,)


RELATED_SHOWN = 20


def _related(pk) -> QuerySet[Case]:
    # The latest twenty are the twenty highest ids: a case is written when it is filed,
    # its submitted_at then. Chosen from the UNION's ids alone, before any case is read:
    # by submitted_at, each matching case was read first (at a million cases a common
    # work title matched 671 of them: 4.4 ms, against 0.5 at 100,000). Then joined to
    # their filers: joined before the LIMIT, the planner hashed every user.
    # The ORM wrote the UNION's SQL; every value in it and here is a parameter.
    union, params = _related_ids(pk).query.sql_with_params()
    latest = RawSQL(  # noqa: S611
        f"SELECT related.related_id FROM ({union}) related "  # noqa: S608 (the ORM's SQL)
        "WHERE related.related_id <> %s GROUP BY related.related_id "
        "ORDER BY related.related_id DESC LIMIT %s", (*params, pk, RELATED_SHOWN))
    return (
        Case.objects.filter(pk__in=latest).select_related("filer")
        # What the desk's list of them shows, and no more: twenty whole cases took longer.
        .only("reference", "status", "title", "duplicate_of_id", "submitted_at", "filer__email")
        .order_by("-submitted_at", "-pk")
    )


def _related_ids(pk) -> QuerySet:
    """The ids of the cases linked to case `pk` or naming its outputs or works: a UNION
    ALL of indexed lookups."""
    # The case's own rows as subqueries: a notice of 10,000 locations is not read here.
    urls = OutputLocation.objects.filter(case_id=pk).values("url")
    titles = Work.objects.filter(case_id=pk).values("title")
    identifiers = Work.objects.filter(case_id=pk).exclude(identifier="").values("identifier")
    parts = [Case.linked_cases.through.objects.filter(from_case_id=pk)
             .annotate(related_id=F("to_case_id")),
             OutputLocation.objects.filter(url__in=urls).annotate(related_id=F("case_id")),
             Work.objects.filter(title__in=titles).annotate(related_id=F("case_id")),
             Work.objects.filter(identifier__in=identifiers).annotate(related_id=F("case_id"))]
    # One column, named alike in every part; a compound query has no per-part order.
    parts = [part.values_list("related_id", flat=True).order_by() for part in parts]
    return parts[0].union(*parts[1:], all=True)


# Built and compiled once per process (building it took longer than running it).
_RELATED = CompiledQuery(Case, _related)
