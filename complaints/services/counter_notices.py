"""Counter-notices (DMCA 512(g)): the owner of a removed output answers the complaint, the
complainant gets a copy, and a restore clock on a US business calendar restores the output
10 to 14 business days later unless the complainant reports a court action in time."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy

from complaints.domain.business_time import add_business_days
from complaints.domain.decisions import Action, Outcome
from complaints.domain.events import EventType, Reason
from complaints.domain.kinds import filing_errors
from complaints.domain.languages import notice_language_recorded
from complaints.domain.laws import (
    RESTORE_EARLIEST_BUSINESS_DAYS,
    RESTORE_LATEST_BUSINESS_DAYS,
    counter_notice_offered,
    restore_calendar_country,
)
from complaints.domain.status import OPEN_STATUSES, Status
from complaints.models import (
    BusinessCalendar,
    Case,
    CaseKind,
    CounterNotice,
    Deadline,
    Notification,
    OutputLocation,
    OutputOwner,
)
from complaints.selectors.decisions import decision_in_force
from complaints.services.audit import event_record
from complaints.services.cases import case_transition
from complaints.services.deadlines import case_next_due_refresh
from complaints.services.enforcement import enforcement_order_restore
from complaints.services.outbox import filer_notify, notify
from complaints.services.owners import owner_filer_user

ERROR_NOT_OFFERED = gettext_lazy(
    "A counter-notice answers a notice made under US law (DMCA). This notice was made under "
    "another law: you may appeal the decision instead.")
ERROR_NOTHING_REMOVED = gettext_lazy(
    "None of your outputs named in this notice was removed, so there is nothing to answer "
    "with a counter-notice.")
ERROR_ALREADY_SENT = gettext_lazy(
    "You have already sent a counter-notice to this notice (%(reference)s).")
ERROR_NOT_YOURS = gettext_lazy("Choose only outputs of yours that were removed.")
ERROR_NOT_COMPLAINANT = gettext_lazy(
    "Only the complainant or a member of their organisation can report a court action.")
ERROR_NOTHING_TO_STOP = gettext_lazy(
    "No counter-notice on this notice is waiting to be restored, so there is no restore to "
    "stop.")
ERROR_ALREADY_RESTORED = gettext_lazy(
    "The output was already restored on %(when)s; a court action reported now cannot stop "
    "it. Send a new notice if a court orders the output removed.")
ERROR_COURT_MISSING = gettext_lazy("Name the court.")
ERROR_FILED_ON_FUTURE = gettext_lazy("The date of filing cannot be in the future.")

US_CALENDAR_NAME = "United States (restore clock)"
# A copy not yet delivered (the mail server down): look again this much later.
COPY_WAIT = timedelta(hours=1)


@dataclass
class CounterNoticeData:
    """What an owner sends, whatever the face. `locations`: ids of the removed outputs."""

    locations: list[int] = field(default_factory=list)
    full_name: str = ""
    postal_address: str = ""
    outside_us: bool = False
    phone: str = ""
    email: str = ""
    mistake_statement: bool = False
    jurisdiction_consent: bool = False
    signature: str = ""
    language: str = "en"
    # What complaints.domain.kinds.filing_errors reads of every kind's filing.
    kind: str = CaseKind.COUNTER_NOTICE
    filed_as: str = "owner"
    works: tuple = ()
    whole_catalogue: bool = False
    catalogue_identifiers: str = ""
    remedies: tuple = ()
    remedy_other: str = ""
    questions: tuple = ()


def _removed(complaint: Case) -> bool:
    """Whether the decision that stands (an appeal's that reversed the complaint's, else
    the complaint's own) removed outputs."""
    decision = decision_in_force(complaint)
    return (decision is not None
            and decision.outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.REVERSED)
            and Action.OUTPUT_REMOVED in decision.actions)


def counter_notice_locations(*, owner: OutputOwner, complaint: Case) -> list[OutputLocation]:
    """The owner's outputs that the decision on the complaint removed and that a
    counter-notice may answer; refused, with the reason, where none may be answered."""
    if not counter_notice_offered(complaint.law):
        raise ValidationError(ERROR_NOT_OFFERED, code="not_offered")
    sent = (CounterNotice.objects.filter(complaint=complaint, case__output_owner=owner)
            .exclude(case__status=Status.WITHDRAWN).select_related("case").first())
    if sent is not None:
        raise ValidationError(ERROR_ALREADY_SENT % {"reference": sent.case.reference},
                              code="already_sent")
    locations = list(complaint.locations.filter(owner=owner, retraction__isnull=True))
    if not _removed(complaint) or not locations:
        raise ValidationError(ERROR_NOTHING_REMOVED, code="nothing_removed")
    return locations


def restore_calendar(law: str) -> BusinessCalendar:
    """The calendar the restore clock counts on: the United States' public holidays in
    New York's time, made on first use."""
    country = restore_calendar_country(law) or "US"
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name=US_CALENDAR_NAME, defaults={"country": country, "time_zone": "America/New_York"})
    return calendar


def restore_window(*, received_at: datetime, law: str) -> tuple[datetime, datetime]:
    """Not before RESTORE_EARLIEST and not after RESTORE_LATEST business days after the
    complainant received the copy (DMCA 512(g)(2)(C))."""
    spec = restore_calendar(law).spec()
    return (add_business_days(received_at, RESTORE_EARLIEST_BUSINESS_DAYS, spec),
            add_business_days(received_at, RESTORE_LATEST_BUSINESS_DAYS, spec))


def _checked(data: CounterNoticeData, allowed: list[OutputLocation]) -> list[OutputLocation]:
    errors = filing_errors(data)
    by_id = {location.pk: location for location in allowed}
    if any(pk not in by_id for pk in data.locations):
        errors["locations"] = [str(ERROR_NOT_YOURS)]
    if errors:
        raise ValidationError(errors)
    return [by_id[pk] for pk in data.locations]


def _case_create(*, owner: OutputOwner, complaint: Case, data: CounterNoticeData,
                 filer) -> Case:
    now = timezone.now()
    with translation.override(data.language):
        title = str(gettext_lazy("Counter-notice to %(reference)s")
                    % {"reference": complaint.reference})
    case = Case.objects.create(
        kind=CaseKind.COUNTER_NOTICE, title=title, language=data.language, filer=filer,
        # Written on the owner's page, in its language.
        notice_language=notice_language_recorded("", data.language),
        law=complaint.law, output_owner=owner, ai_product=complaint.ai_product,
        ai_model=complaint.ai_model, good_faith_statement=data.mistake_statement,
        signature=data.signature, submitted_at=now, last_activity_at=now)
    year = timezone.localtime(case.submitted_at).year
    case.reference = f"KT-{year}-{case.pk:06d}"
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    return case


def _restore_clock_start(*, case: Case, restore_after: datetime) -> Deadline:
    now = timezone.now()
    deadline, _ = Deadline.objects.update_or_create(
        case=case, clock=Deadline.Clock.RESTORE,
        defaults={"started_at": now, "due_at": restore_after, "warn_at": None,
                  "next_check_at": restore_after, "met_at": None, "cancelled_at": None})
    event_record(case=case, actor=None, event_type=EventType.DEADLINE_STARTED,
                 new={"clock": deadline.clock, "due_at": restore_after.isoformat()})
    case_next_due_refresh(case=case)
    return deadline


def _copy_key(notice: CounterNotice) -> str:
    return f"case:{notice.complaint_id}:counter_notice_copy:{notice.pk}"


@transaction.atomic
def counter_notice_submit(*, owner: OutputOwner, complaint: Case,
                          data: CounterNoticeData) -> Case:
    """File the owner's counter-notice: the counter-notice case with its receipt, the
    copy to the complainant (512(g)(2)(B)), and the restore clock from the copy's sending."""
    complaint = Case.objects.select_for_update().get(pk=complaint.pk)
    locations = _checked(data, counter_notice_locations(owner=owner, complaint=complaint))
    filer = owner_filer_user(owner=owner, language=data.language)
    case = _case_create(owner=owner, complaint=complaint, data=data, filer=filer)
    now = case.submitted_at
    restore_after, restore_by = restore_window(received_at=now, law=complaint.law)
    notice = CounterNotice.objects.create(
        case=case, complaint=complaint, full_name=data.full_name.strip(),
        postal_address=data.postal_address.strip(), outside_us=data.outside_us,
        phone=data.phone.strip(), email=data.email.strip(),
        mistake_statement=data.mistake_statement,
        jurisdiction_consent=data.jurisdiction_consent, signature=data.signature.strip(),
        copy_sent_at=now, restore_after=restore_after, restore_by=restore_by)
    notice.locations.set(locations)
    event_record(case=case, actor=filer, event_type=EventType.CASE_SUBMITTED,
                 new={"reference": case.reference, "kind": case.kind, "status": case.status})
    event_record(case=complaint, actor=None, event_type=EventType.COUNTER_NOTICE_RECEIVED,
                 new={"counter_notice": case.reference})
    _restore_clock_start(case=case, restore_after=restore_after)
    window = {"restore_after_at": restore_after, "restore_by_at": restore_by}
    filer_notify(case=case, event="receipt", template="case_receipt", refs=window)
    notify(key=_copy_key(notice), template="counter_notice_copy", recipient=complaint.filer,
           case_id=complaint.pk, refs={"counter_notice_id": notice.pk, **window})
    event_record(case=complaint, actor=None, event_type=EventType.COUNTER_NOTICE_COPY_SENT,
                 new={"counter_notice": case.reference,
                      "restore_after": restore_after.isoformat(),
                      "restore_by": restore_by.isoformat()})
    return case


def restore_ordered(*, complaint: Case, locations: list[OutputLocation]) -> None:
    """The outputs come back: on the record (EventType.OUTPUT_RESTORED), and an order to
    the AI product to restore them (complaints.services.enforcement)."""
    urls = [location.url for location in locations]
    event_record(case=complaint, actor=None, event_type=EventType.OUTPUT_RESTORED,
                 new={"locations": urls})
    enforcement_order_restore(case=complaint, locations=urls,
                              decision=getattr(complaint, "decision", None))


def _copy_received_at(notice: CounterNotice) -> datetime | None:
    """When the complainant's copy went out (None while it has not)."""
    return (Notification.objects.filter(key=_copy_key(notice), sent_at__isnull=False)
            .values_list("sent_at", flat=True).first())


def _clock_move(deadline: Deadline, due_at: datetime) -> None:
    Deadline.objects.filter(pk=deadline.pk).update(due_at=due_at, next_check_at=due_at)
    case_next_due_refresh(case=deadline.case)


def _case_end(case: Case, *, reason: str) -> None:
    for step in (Status.ACKNOWLEDGED, Status.IN_REVIEW, Status.DECIDED, Status.CLOSED):
        if case.status != step and step in _NEXT.get(case.status, ()):
            case_transition(case=case, target=step, actor=None, reason=reason)


_NEXT = {Status.SUBMITTED: (Status.ACKNOWLEDGED,), Status.ACKNOWLEDGED: (Status.IN_REVIEW,),
         Status.IN_REVIEW: (Status.DECIDED,), Status.AWAITING_FILER: (Status.IN_REVIEW,),
         Status.DECIDED: (Status.CLOSED,)}


@transaction.atomic
def counter_notice_restore_due(*, deadline_id: int, now: datetime | None = None) -> bool:
    """The sweep found the restore clock due: restore, unless the copy has not reached the
    complainant yet or reached them late (the clock then moves to 10 business days after
    it did). Returns whether the output was restored now."""
    now = now or timezone.now()
    # The clock, then the complaint: the order court_action_report takes them in too (the
    # sweep holds the clock already), so one waits for the other instead of deadlocking.
    deadline = Deadline.objects.select_for_update().select_related("case").get(pk=deadline_id)
    list(Case.objects.select_for_update(of=("self",)).filter(
        counter_notices__case_id=deadline.case_id).values_list("pk"))
    notice = (CounterNotice.objects.select_for_update().select_related("complaint")
              .filter(case_id=deadline.case_id).first())
    if (notice is None or notice.state != CounterNotice.State.AWAITING_RESTORE
            or deadline.met_at or deadline.cancelled_at
            or deadline.case.status not in OPEN_STATUSES):
        Deadline.objects.filter(pk=deadline.pk).update(next_check_at=None)
        return False
    received_at = _copy_received_at(notice)
    if received_at is None:
        _clock_move(deadline, now + COPY_WAIT)
        return False
    restore_after, restore_by = restore_window(received_at=received_at,
                                               law=notice.complaint.law)
    if restore_after > notice.restore_after:
        notice.restore_after, notice.restore_by = restore_after, restore_by
        notice.save(update_fields=["restore_after", "restore_by"])
    if now < notice.restore_after:
        _clock_move(deadline, notice.restore_after)
        return False
    _restore(notice, deadline, now)
    return True


def _restore(notice: CounterNotice, deadline: Deadline, now: datetime) -> None:
    locations = list(notice.locations.all())
    notice.state, notice.restored_at = CounterNotice.State.RESTORED, now
    notice.save(update_fields=["state", "restored_at"])
    restore_ordered(complaint=notice.complaint, locations=locations)
    Deadline.objects.filter(pk=deadline.pk).update(met_at=now, next_check_at=None)
    event_record(case=notice.case, actor=None, event_type=EventType.DEADLINE_MET,
                 new={"clock": deadline.clock, "met_at": now.isoformat(), "on_time": True})
    _case_end(notice.case, reason=Reason.OUTPUT_RESTORED)
    filer_notify(case=notice.case, event="restored", template="counter_notice_restored",
                 refs={"counter_notice_id": notice.pk})
    notify(key=f"case:{notice.complaint_id}:output_restored:{notice.pk}",
           template="output_restored", recipient=notice.complaint.filer,
           case_id=notice.complaint_id, refs={"counter_notice_id": notice.pk})


def _may_report(actor, complaint: Case) -> bool:
    if actor is None or not getattr(actor, "pk", None):
        return False
    if complaint.filer_id == actor.pk:
        return True
    return bool(complaint.organisation_id) and actor.memberships.filter(
        organisation_id=complaint.organisation_id).exists()


def counter_notice_awaiting(complaint: Case) -> CounterNotice | None:
    """The counter-notice on this complaint whose output waits to be restored, if any."""
    return (CounterNotice.objects.filter(complaint=complaint,
                                         state=CounterNotice.State.AWAITING_RESTORE)
            .exclude(case__status=Status.WITHDRAWN).select_related("case").first())


@transaction.atomic
def court_action_report(*, complaint: Case, actor, court: str, case_number: str,
                        filed_on: date) -> CounterNotice:
    """The complainant says they have filed an action seeking a court order: the restore
    clock stops, the owner is told, and the counter-notice ends "not restored"."""
    if not _may_report(actor, complaint):
        raise ValidationError(ERROR_NOT_COMPLAINANT, code="not_complainant")
    # The restore clocks first, then the complaint: the sweep's order (see
    # counter_notice_restore_due), so a restore running now finishes first.
    list(Deadline.objects.select_for_update(of=("self",)).filter(
        clock=Deadline.Clock.RESTORE, case__counter_notice__complaint_id=complaint.pk)
        .values_list("pk"))
    complaint = Case.objects.select_for_update().get(pk=complaint.pk)
    notice = counter_notice_awaiting(complaint)
    if notice is None:
        restored = (CounterNotice.objects.filter(complaint=complaint,
                                                 state=CounterNotice.State.RESTORED)
                    .order_by("-restored_at").first())
        if restored is not None:
            when = formats.date_format(timezone.localtime(restored.restored_at),
                                       "DATETIME_FORMAT")
            raise ValidationError(ERROR_ALREADY_RESTORED % {"when": when}, code="restored")
        raise ValidationError(ERROR_NOTHING_TO_STOP, code="nothing_to_stop")
    errors = {}
    if not court.strip():
        errors["court"] = [str(ERROR_COURT_MISSING)]
    if filed_on > timezone.localdate():
        errors["filed_on"] = [str(ERROR_FILED_ON_FUTURE)]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    notice.state = CounterNotice.State.COURT_ACTION
    notice.court, notice.court_case_number = court.strip(), case_number.strip()
    notice.court_filed_on, notice.court_reported_at, notice.court_reported_by = (
        filed_on, now, actor)
    notice.save(update_fields=["state", "court", "court_case_number", "court_filed_on",
                               "court_reported_at", "court_reported_by"])
    Deadline.objects.filter(case=notice.case, clock=Deadline.Clock.RESTORE,
                            met_at__isnull=True).update(cancelled_at=now, next_check_at=None)
    event_record(case=notice.case, actor=actor, event_type=EventType.DEADLINE_CANCELLED,
                 new={"clock": Deadline.Clock.RESTORE, "reason": "court_action"})
    event_record(case=complaint, actor=actor, event_type=EventType.COURT_ACTION_REPORTED,
                 new={"court": notice.court, "case_number": notice.court_case_number,
                      "filed_on": filed_on.isoformat(),
                      "counter_notice": notice.case.reference})
    _case_end(notice.case, reason=Reason.COURT_ACTION)
    case_next_due_refresh(case=notice.case)
    filer_notify(case=notice.case, event="court_action", template="counter_notice_court_action",
                 refs={"counter_notice_id": notice.pk})
    return notice
