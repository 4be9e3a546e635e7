"""What an operator does to a case on the desk, each step with its audit event."""
import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from complaints.domain.events import EventType
from complaints.domain.questions import ERROR_REASON_REQUIRED, answer_reason_missing
from complaints.domain.status import Status
from complaints.domain.text import listing, quoted
from complaints.models import CannedResponse, Case, Deadline, Message, Priority, Question
from complaints.services.audit import event_record, events_record
from complaints.services.cases import case_advance_to, case_require_open, case_transition
from complaints.services.deadlines import deadline_pause, deadline_start
from complaints.services.messages import message_post
from complaints.services.outbox import filer_notify
from complaints.services.quality import quality_tallies_kept

ERROR_NOT_STAFF = gettext_lazy("Only operators and supervisors can be assigned cases.")
ERROR_MERGE_SELF = gettext_lazy("A case cannot be merged into itself.")
ERROR_MERGE_CLOSED = gettext_lazy("Case %(reference)s is closed and cannot be merged.")
ERROR_LINK_FEW = gettext_lazy("Choose at least two cases to link.")


@transaction.atomic
def case_assign(*, case: Case, actor, assignee) -> Case:
    if assignee is not None and not assignee.is_staff:
        raise ValidationError(ERROR_NOT_STAFF, code="not_staff")
    if assignee == case.assignee:
        return case
    event_record(
        case=case, actor=actor, event_type=EventType.ASSIGNEE_CHANGED,
        old={"assignee": case.assignee.email if case.assignee else None},
        new={"assignee": assignee.email if assignee else None},
    )
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    return case


@transaction.atomic
def case_priority_set(*, case: Case, actor, priority: str) -> Case:
    priority = Priority(priority)
    if priority == case.priority:
        return case
    event_record(case=case, actor=actor, event_type=EventType.PRIORITY_CHANGED,
                 old={"priority": case.priority}, new={"priority": priority.value})
    case.priority = priority
    case.save(update_fields=["priority"])
    return case


@transaction.atomic
def case_desk_update(*, case: Case, actor, assignee=None, priority: str | None = None) -> Case:
    """The fields of the desk's case form: assignee and priority."""
    case_assign(case=case, actor=actor, assignee=assignee)
    if priority:
        case_priority_set(case=case, actor=actor, priority=priority)
    return case


@transaction.atomic
def cases_link(*, cases: list[Case], actor) -> None:
    """Mark cases as related (the same output or work), each on the others' page."""
    if len(cases) < 2:
        raise ValidationError(ERROR_LINK_FEW, code="few")
    for case in cases:
        others = [c for c in cases if c.pk != case.pk]
        case.linked_cases.add(*others)
        event_record(case=case, actor=actor, event_type=EventType.CASES_LINKED,
                     new={"linked": [c.reference for c in others]})


@transaction.atomic
def cases_merge(*, primary: Case, duplicates: list[Case], actor) -> None:
    """Put duplicates under the primary case: one decision for all, each filer told."""
    case_require_open(primary)
    for duplicate in duplicates:
        if duplicate.pk == primary.pk:
            raise ValidationError(ERROR_MERGE_SELF, code="self")
        if not duplicate.is_open:
            raise ValidationError(ERROR_MERGE_CLOSED % {"reference": duplicate.reference},
                                  code="closed")
    for duplicate in duplicates:
        duplicate.duplicate_of = primary
        duplicate.save(update_fields=["duplicate_of"])
        primary.linked_cases.add(duplicate)
        event_record(case=duplicate, actor=actor, event_type=EventType.MERGED_INTO,
                     new={"primary": primary.reference})
        event_record(case=primary, actor=actor, event_type=EventType.MERGED_FROM,
                     new={"duplicate": duplicate.reference})
        filer_notify(case=duplicate, event=f"merged:{primary.pk}", template="case_merged",
                     refs={"primary_id": primary.pk})


@transaction.atomic
def info_request(*, case: Case, actor, body: str) -> Message:
    """Ask the filer for information. The decision clock waits until they answer."""
    case_require_open(case)
    case_advance_to(case=case, target=Status.IN_REVIEW, actor=actor)
    message = message_post(case=case, author=actor, body=body, notify=False)
    case_transition(case=case, target=Status.AWAITING_FILER, actor=actor)
    deadline_pause(case=case, clock=Deadline.Clock.DECISION, actor=actor)
    reply_by = deadline_start(case=case, clock=Deadline.Clock.FILER_REPLY, actor=actor).due_at
    filer_notify(case=case, event=f"info_request:{message.pk}", template="case_info_requested",
                 refs={"message_id": message.pk, "reply_by_at": reply_by})
    return message


@transaction.atomic
def questions_answer(*, case: Case, actor, answers: dict[Question, tuple[str, str]]) -> None:
    """Answer questions of one inquiry, each with its category and explanation (a reason
    for "cannot disclose"): every refusal at once, then one UPDATE and one INSERT of
    events, however many questions."""
    missing = [q for q, (category, text) in answers.items()
               if answer_reason_missing(category, text)]
    if missing:
        raise ValidationError({f"q{q.pk}_text": [ERROR_REASON_REQUIRED] for q in missing},
                              code="reason")
    case_require_open(case)
    now, events = timezone.now(), []
    for question, (category, text) in answers.items():
        category = Question.Category(category)
        events.append({"event_type": EventType.QUESTION_ANSWERED,
                       "old": {"category": question.answer_category,
                               "text": question.answer_text},
                       "new": {"question_id": question.pk, "category": category.value}})
        question.answer_category, question.answer_text = category, text
        question.answered_by, question.answered_at = actor, now
    with quality_tallies_kept(case_ids=[case.pk]):
        Question.objects.bulk_update(list(answers), ["answer_category", "answer_text",
                                                     "answered_by", "answered_at"])
    events_record(case=case, actor=actor, events=events)


def question_answer(*, question: Question, actor, category: str, text: str) -> Question:
    """Answer one question of an inquiry with its category (a reason where required)."""
    if answer_reason_missing(category, text):
        raise ValidationError(ERROR_REASON_REQUIRED, code="reason")
    questions_answer(case=question.case, actor=actor, answers={question: (category, text)})
    return question


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


# A first line that only greets the filer: the e-mail that carries a reply greets them
# itself, so a canned response written with its own greeting would greet them twice.
GREETING = re.compile(r"\A\s*(?:(?:Dear|Hello|Hi)\s+\{filer_name\}\s*,?|\{filer_name\}\s*様[、,]?)"
                      r"[ \t]*(?:\r?\n)+")


def canned_render(*, canned: CannedResponse, case: Case, titles: list[str] | None = None) -> str:
    """A canned response's text for this case; unknown placeholders stay as written. The
    work titles are listed as the response's language writes them, whatever the
    operator's: 「作品A」、「作品B」 / “Work A”, “Work B”. A greeting line of its own is
    left out (the e-mail greets the filer). `titles`: the case's work titles in order, when
    already read."""
    if titles is None:
        titles = [work.title for work in case.works.all()]
    with translation.override(canned.language):
        works = listing(quoted(title) for title in titles)
    values = _Blank(filer_name=case.filer.display_name, reference=case.reference,
                    case_title=case.title, work_titles=works)
    body = GREETING.sub("", canned.body, count=1)
    try:
        return body.format_map(values)
    except (ValueError, IndexError, AttributeError):  # a stray brace: send it as written
        return body


CANNED_CACHE_KEY = "kotae:canned:{language}"


def canned_responses_changed() -> None:
    """Forget the cached lists after a canned response is added, changed or deleted."""
    cache.delete_many([CANNED_CACHE_KEY.format(language=code) for code in ("ja", "en")])


def canned_for_case(*, case: Case, works: list | None = None) -> list[tuple[CannedResponse, str]]:
    """The canned responses in the case's answer language (chosen at filing, whatever the
    filer's account says now), each rendered for this case: its works are read once for
    them all, or not at all when `works` holds every one of them, in order."""
    key = CANNED_CACHE_KEY.format(language=case.language)
    responses = cache.get(key)
    if responses is None:
        responses = list(CannedResponse.objects.filter(active=True,
                                                       language=case.language))
        cache.set(key, responses, 300)
    if not responses:
        return []
    titles = [work.title for work in (case.works.all() if works is None else works)]
    return [(canned, canned_render(canned=canned, case=case, titles=titles))
            for canned in responses]
