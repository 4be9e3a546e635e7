"""Filing a case and moving it through its life."""
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.domain.duplicates import Merged, first_of_each, work_key
from complaints.domain.events import EventType
from complaints.domain.kinds import filing_errors, principal_details_dropped
from complaints.domain.languages import notice_language_recorded
from complaints.domain.locations import location_validate
from complaints.domain.status import FORWARD_PATH, OPEN_STATUSES, Status, can_transition
from complaints.models import Case, CaseKind, Deadline, OutputLocation, Question, Work
from complaints.selectors.rows import rows_page_of
from complaints.services.audit import event_record, events_record
from complaints.services.deadlines import deadlines_cancel_open, deadlines_plan_new
from complaints.services.errors import TransitionNotAllowed
from complaints.services.evidence import evidence_attach, evidence_from_staged
from complaints.services.notice_copy import notice_record
from complaints.services.outbox import filer_notify
from complaints.services.policies import filing_suspension_check
from complaints.services.quality import quality_tallies_add
from complaints.services.register import register_entries_close, register_entries_from_filing
from complaints.services.webhooks import webhooks_case_status_changed

ERROR_TRANSITION = gettext_lazy("A case that is “%(current)s” cannot become “%(target)s”.")


@dataclass(frozen=True)
class WorkData:
    title: str
    kind: str
    rights_holder: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class LocationData:
    url: str
    seen_at: datetime | None = None
    prompt: str = ""
    # The works of the same notice it copies, by their numbers as listed (1, 2, …).
    works: tuple[int, ...] = ()


@dataclass
class CaseDraft:
    """What a filer sends, whatever the channel (portal form, API)."""

    kind: str
    title: str
    language: str = "en"
    filed_as: str = "rights_holder"
    law: str = ""  # complaints.domain.laws.Law; asked as the kind's FilingRules say
    principal_name: str = ""
    authority_statement: str = ""
    # Required under US law (complaints.domain.kinds.contact_required).
    filer_postal_address: str = ""
    filer_phone: str = ""
    principal_postal_address: str = ""
    principal_phone: str = ""
    # ISO 639-1 (complaints.domain.languages); empty: not given, the language it was
    # written in is recorded (notice_language_recorded).
    notice_language: str = ""
    organisation_id: int | None = None
    ai_product: str = ""
    ai_model: str = ""
    similarity: str = ""
    remedies: list[str] = field(default_factory=list)
    remedy_other: str = ""
    whole_catalogue: bool = False
    training_uses: list[str] = field(default_factory=list)
    catalogue_identifiers: str = ""
    appeal_of_id: int | None = None
    appeal_grounds: str = ""
    # An output owner's appeal (or counter-notice): the owner who sends it.
    output_owner_id: int | None = None
    good_faith_statement: bool = False
    accuracy_statement: bool = False
    signature: str = ""
    works: list[WorkData] = field(default_factory=list)
    locations: list[LocationData] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AsFiled:
    """The rows `case_submit` wrote for a case, as `case_get_for_api` would read them
    back: no messages and no decision yet."""

    works: list
    locations: list
    questions: list
    deadlines: list
    evidence: list
    public_messages: tuple = ()
    decision: None = None

    @property
    def pages(self) -> dict:
        """The first page of each list, as `complaints.selectors.rows` gives them."""
        return {"locations": rows_page_of(self.locations), "works": rows_page_of(self.works)}


def _reference_for(case: Case) -> str:
    year = timezone.localtime(case.submitted_at).year
    return f"KT-{year}-{case.pk:06d}"


ERROR_NOT_DECIDED = gettext_lazy("Only a decided case can be appealed.")
ERROR_APPEAL_LATE = gettext_lazy(
    "The time to appeal this decision ended on %(until)s. An appeal is possible within six "
    "months of a decision."
)
ERROR_APPEAL_RETRACTED = gettext_lazy(
    "You retracted this notice; there is nothing left to appeal.")
ERROR_APPEAL_OPEN = gettext_lazy("This decision is already under appeal (%(reference)s).")
ERROR_NOT_FILER = gettext_lazy("Only the filer can withdraw this case.")
ERROR_NOT_APPELLANT = gettext_lazy(
    "Only the filer of a case, their organisation or the owner of an output it names can "
    "appeal against its decision.")
ERROR_APPEAL_OF_APPEAL = gettext_lazy(
    "A decision on an appeal is final here. You may still use an out-of-court dispute "
    "settlement body or go to court."
)


def appeal_check(*, case: Case, output_owner_id: int | None = None) -> None:
    """Raise a clear error unless the case's decision may be appealed now by its filer
    (or, with `output_owner_id`, by that owner of an output it names): each party appeals
    once, whatever the other parties do (DSA Art. 20)."""
    if case.kind == CaseKind.APPEAL:
        raise ValidationError(ERROR_APPEAL_OF_APPEAL, code="appeal_of_appeal")
    decision = getattr(case, "decision", None)
    if decision is None:
        raise ValidationError(ERROR_NOT_DECIDED, code="not_decided")
    if timezone.now() > decision.appeal_deadline:
        until = formats.date_format(timezone.localtime(decision.appeal_deadline),
                                    "DATETIME_FORMAT")
        raise ValidationError(ERROR_APPEAL_LATE % {"until": until}, code="appeal_late")
    if case.retractions.filter(whole=True).exists():
        raise ValidationError(ERROR_APPEAL_RETRACTED, code="retracted")
    open_appeal = (case.appeals.filter(output_owner_id=output_owner_id)
                   .exclude(status__in=[Status.WITHDRAWN, Status.REJECTED]).first())
    if open_appeal is not None:
        raise ValidationError(ERROR_APPEAL_OPEN % {"reference": open_appeal.reference},
                              code="appeal_exists")


def appellant_check(*, case: Case, filer, output_owner_id: int | None) -> None:
    """Who may appeal a decision: the case's filer, a member of its organisation, or the
    owner of an output the case names (DSA Art. 20), and nobody else."""
    if output_owner_id is not None:
        if case.locations.filter(owner_id=output_owner_id).exists():
            return
    elif filer.pk == case.filer_id or (
            case.organisation_id is not None
            and filer.memberships.filter(organisation_id=case.organisation_id).exists()):
        return
    raise ValidationError({"appeal_of_id": [ERROR_NOT_APPELLANT]}, code="not_appellant")


def _filing_checked(draft: CaseDraft) -> tuple[list[tuple[str, LocationData, tuple[int, ...]]],
                                                list[WorkData], Merged, list[str]]:
    """The domain's rules for a filing of its kind and for an exact location, whatever face
    filed (the portal and the API check them first, with the same words): the locations
    as stored (with the works each copies) and the works, each once (repeats merged), and
    every location's address as stored in the order sent, or every refusal at once, by
    field. A list over its limit is refused by its count alone, before any row."""
    errors = filing_errors(draft)
    urls = []
    if "locations" not in errors:  # over the limit: the count is the one thing to say
        for i, location in enumerate(draft.locations):
            try:
                urls.append(location_validate(location.url))
            except ValidationError as exc:
                errors[f"locations.{i}.url"] = exc.messages
    if errors:
        raise ValidationError(errors)
    pairs = list(zip(urls, draft.locations, strict=True))
    copies: dict[str, list[int]] = {}  # a repeated location keeps the works each row named
    for url, location in pairs:
        copies.setdefault(url, []).extend(location.works)
    kept, merged_locations = first_of_each(pairs, key=lambda pair: pair[0])
    locations = [(url, location, tuple(dict.fromkeys(copies[url]))) for url, location in kept]
    works, merged_works = first_of_each(draft.works, key=work_key)
    return locations, works, Merged(locations=merged_locations, works=merged_works), urls


@transaction.atomic
def case_submit(*, filer, draft: CaseDraft, uploads=(), staged=()) -> Case:
    """File a case: store it whole, start its clocks, and queue the receipt e-mail.

    About a dozen statements whatever the case holds (filing is the API's busiest
    write). The case comes back with its works, locations, questions, clocks and
    evidence in hand, as `case_get_for_api` would read them, so showing it costs no
    query."""
    # A suspended filer's notices are refused; their appeals and counter-notices are
    # redress and are accepted (DSA Art. 23 suspends notices, not redress).
    if draft.kind == CaseKind.COUNTER_NOTICE:  # its 512(g)(3) elements are not a CaseDraft's
        raise ValueError("A counter-notice is filed by complaints.services.counter_notices.")
    filing_suspension_check(filer=filer, kind=draft.kind)
    draft = principal_details_dropped(draft)  # only an agent's filing has a principal
    locations, works, merged, urls = _filing_checked(draft)
    appeal_of = None
    if draft.kind == CaseKind.APPEAL:
        appeal_of = Case.objects.select_for_update().get(pk=draft.appeal_of_id)
        appellant_check(case=appeal_of, filer=filer, output_owner_id=draft.output_owner_id)
        appeal_check(case=appeal_of, output_owner_id=draft.output_owner_id)
    now = timezone.now()
    case = Case(
        kind=draft.kind,
        title=draft.title,
        language=draft.language,
        filer=filer,
        organisation_id=draft.organisation_id,
        filed_as=draft.filed_as,
        law=draft.law,
        principal_name=draft.principal_name,
        authority_statement=draft.authority_statement,
        filer_postal_address=draft.filer_postal_address,
        filer_phone=draft.filer_phone,
        principal_postal_address=draft.principal_postal_address,
        principal_phone=draft.principal_phone,
        notice_language=notice_language_recorded(draft.notice_language, draft.language),
        ai_product=draft.ai_product,
        ai_model=draft.ai_model,
        similarity=draft.similarity,
        remedies=list(draft.remedies),
        remedy_other=draft.remedy_other,
        whole_catalogue=draft.whole_catalogue,
        training_uses=list(draft.training_uses),
        catalogue_identifiers=draft.catalogue_identifiers,
        appeal_of=appeal_of,
        appeal_grounds=draft.appeal_grounds,
        output_owner_id=draft.output_owner_id,
        good_faith_statement=draft.good_faith_statement,
        accuracy_statement=draft.accuracy_statement,
        signature=draft.signature,
        submitted_at=now,
        last_activity_at=now,
    )
    clocks = deadlines_plan_new(
        case=case, clocks=[Deadline.Clock.FIRST_RESPONSE, Deadline.Clock.DECISION], now=now)
    case.next_due_at = min(d.due_at for d in clocks)
    case.save(force_insert=True)
    case.reference = _reference_for(case)
    Case.objects.filter(pk=case.pk).update(reference=case.reference)

    # In bulk: a statement per batch of rows (one on PostgreSQL), never one a row.
    made_works = Work.objects.bulk_create(
        Work(case=case, position=i, title=w.title, kind=w.kind,
             rights_holder=w.rights_holder, identifier=w.identifier)
        for i, w in enumerate(works)
    )
    # A location names works by their number in the notice as sent, repeats included.
    by_key = {work_key(w): made for w, made in zip(works, made_works, strict=True)}
    numbered = [by_key[work_key(w)] for w in draft.works]
    works = made_works
    kept_locations = locations
    locations = OutputLocation.objects.bulk_create(
        OutputLocation(case=case, position=i, url=url, seen_at=loc.seen_at,
                       prompt=loc.prompt)
        for i, (url, loc, _copies) in enumerate(kept_locations)
    )
    # Two numbers may name one stored work (a work and its exact repeat, merged): each
    # location is linked to each stored work once.
    for location, (_url, _loc, copied) in zip(locations, kept_locations, strict=True):
        location.works_as_filed = list({numbered[number - 1].pk: numbered[number - 1]
                                        for number in copied
                                        if 0 < number <= len(numbered)}.values())
    OutputLocation.works.through.objects.bulk_create(
        OutputLocation.works.through(outputlocation_id=location.pk, work_id=work.pk)
        for location in locations for work in location.works_as_filed
    )
    questions = Question.objects.bulk_create(
        Question(case=case, position=i, text=text) for i, text in enumerate(draft.questions)
    )
    Deadline.objects.bulk_create(clocks)
    if case.appeal_of_id:  # counted on the answer-quality screen under the decision
        quality_tallies_add(case_ids=[case.pk])
    events_record(case=case, actor=filer, events=[
        {"event_type": EventType.CASE_SUBMITTED,
         "new": {"reference": case.reference, "kind": case.kind, "status": case.status}},
        *({"event_type": EventType.DEADLINE_STARTED,
           "new": {"clock": d.clock, "due_at": d.due_at.isoformat()}} for d in clocks),
        *([{"event_type": EventType.DUPLICATES_MERGED, "new": merged.as_dict()}]
          if merged else []),
    ])
    evidence = [evidence_attach(case=case, uploaded_by=filer, upload=upload)
                for upload in uploads]
    evidence += [evidence_from_staged(case=case, staged=staged_upload, uploaded_by=filer)
                 for staged_upload in staged]
    register_entries_from_filing(case=case, works=works, evidence=evidence)
    notice_record(case=case, draft=draft, urls=urls, evidence=evidence)

    first = next(d for d in clocks if d.clock == Deadline.Clock.FIRST_RESPONSE)
    filer_notify(case=case, event="receipt", template="case_receipt", known_new=True,
                 refs={"first_response_due_at": first.due_at})
    case.as_filed = AsFiled(works=works, locations=locations, questions=questions,
                            deadlines=clocks, evidence=evidence)
    case.merged = merged  # what the filer is told (complaints.domain.duplicates.merged_notes)
    return case


def case_transition(*, case: Case, target: str, actor, reason: str = "") -> Case:
    """The only way a case's status changes. Writes the audit event with it."""
    current = case.status
    if not can_transition(current, target):
        raise TransitionNotAllowed(
            ERROR_TRANSITION % {"current": Status(current).label, "target": Status(target).label},
            code="transition",
        )
    case.status = target
    now = timezone.now()
    update = ["status", "last_activity_at"]
    case.last_activity_at = now
    if target in (Status.DECIDED, Status.REJECTED):  # a rejection is a decision too
        case.decided_at = now
        update.append("decided_at")
    if Status(target) not in OPEN_STATUSES:
        case.closed_at = case.closed_at or now
        update.append("closed_at")
    case.save(update_fields=update)
    event = event_record(
        case=case, actor=actor, event_type=EventType.STATUS_CHANGED,
        old={"status": current}, new={"status": target, **({"reason": reason} if reason else {})},
    )
    if target != current:
        webhooks_case_status_changed(case=case, old_status=current, new_status=target,
                                     event_pk=event.pk)
    if target in (Status.WITHDRAWN, Status.REJECTED, Status.CLOSED):
        deadlines_cancel_open(case=case, actor=actor)
    if target in (Status.WITHDRAWN, Status.REJECTED) and case.kind == CaseKind.TRAINING_OBJECTION:
        register_entries_close(case=case, actor=actor, ending=target, reason=reason)
    return case


def case_advance_to(*, case: Case, target: str, actor) -> Case:
    """Walk a case forward along the main path up to `target` (no-op if already there)."""
    if case.status == target:
        return case
    if case.status in FORWARD_PATH and target in FORWARD_PATH:
        start = FORWARD_PATH.index(Status(case.status))
        end = FORWARD_PATH.index(Status(target))
        for step in FORWARD_PATH[start + 1 : end + 1]:
            case_transition(case=case, target=step, actor=actor)
        return case
    return case_transition(case=case, target=target, actor=actor)


def case_touch(*, case: Case) -> None:
    case.last_activity_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(last_activity_at=case.last_activity_at)


def case_require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This case is closed; it can no longer be changed."),
                              code="closed")


@transaction.atomic
def case_withdraw(*, case: Case, actor, reason: str = "") -> Case:
    """The filer takes the case back. Its clocks stop; the desk sees why."""
    if actor.pk != case.filer_id:
        raise ValidationError(ERROR_NOT_FILER, code="not_filer")
    case_require_open(case)
    return case_transition(case=case, target=Status.WITHDRAWN, actor=actor, reason=reason)
