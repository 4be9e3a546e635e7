"""The misuse policy (DSA Art. 23) and the repeat-infringer policy (DMCA 512(i)): warning
and suspending filers of manifestly unfounded notices, lifting a suspension, refusing a
suspended filer's notices, and recording what the AI product did to an owner's account.

The review runs in the decision service, in the transaction that records the rejection:
the count changes only then, so the warning or suspension (and its e-mail, keyed once)
is written with the decision that caused it, at once, and never twice. A suspension
ends by its own `ends_at`: nothing needs to sweep it."""
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from complaints.domain.policies import SUSPEND, SUSPENDED_KINDS, WARN, OwnerAction, misuse_step
from complaints.models.policies import FilerSuspension, FilerWarning, OwnerAccountAction
from complaints.selectors.policies import (
    policy_settings_current,
    suspension_in_force,
    unfounded_notices,
)
from complaints.services.outbox import notify

ERROR_SUSPENDED = gettext_lazy(
    "Processing of your notices is suspended until %(until)s, because several of your "
    "notices were rejected as manifestly unfounded (we e-mailed you the reasons). To "
    "contest the suspension, appeal one of the decisions it rests on from that case's "
    "page; you may also turn to an out-of-court dispute settlement body or a court. "
    "Appeals, counter-notices and inquiries are still accepted.")
ERROR_LIFT_REASON = gettext_lazy("Give the reason for lifting the suspension.")
ERROR_ALREADY_LIFTED = gettext_lazy("This suspension has already been lifted.")
ERROR_ACTION = gettext_lazy("Choose the action the product took.")
SUSPENSION_REASONS = (
    "{count} notices rejected as manifestly unfounded within {days} days after a warning "
    "(DSA Art. 23(2)): {references}.")


def _since(*, user, now: datetime, window_days: int) -> datetime:
    """The start of the filer window; a suspension starts the count afresh."""
    since = now - timedelta(days=window_days)
    last = (FilerSuspension.objects.filter(user=user, starts_at__gt=since)
            .order_by("-starts_at").values_list("starts_at", flat=True).first())
    return max(since, last) if last else since


def _policy_refs(policy) -> dict:
    return {"window_days": policy.filer_window_days,
            "warning_after": policy.filer_warning_after,
            "suspension_after": policy.filer_suspension_after,
            "suspension_days": policy.suspension_days}


def filer_misuse_review(*, filer, now: datetime | None = None) -> str | None:
    """After a notice of `filer` was rejected as manifestly unfounded: warn them when the
    count within the filer window reaches the warning threshold, suspend processing of
    their notices when it reaches the suspension threshold after a warning. Each with an
    e-mail (reasons and redress) written once. Returns "warn", "suspend" or None. Call
    inside the rejection's transaction."""
    now = now or timezone.now()
    # One review at a time per filer: two rejections at once warn once.
    get_user_model().objects.select_for_update().filter(pk=filer.pk).first()
    if suspension_in_force(user=filer, now=now) is not None:
        return None
    policy = policy_settings_current()
    since = _since(user=filer, now=now, window_days=policy.filer_window_days)
    notices = list(unfounded_notices(user=filer, since=since).values_list(
        "pk", "reference", "title"))
    warned = FilerWarning.objects.filter(user=filer, created_at__gte=since).exists()
    step = misuse_step(unfounded=len(notices), warned=warned,
                       warning_after=policy.filer_warning_after,
                       suspension_after=policy.filer_suspension_after)
    ids = [pk for pk, _reference, _title in notices]
    # The notices as the e-mail lists them: reference, title and the filer's case page.
    links = [[reference, title, settings.SITE_URL + reverse("complaints:case_detail",
                                                            args=[reference])]
             for _pk, reference, title in notices]
    if step == WARN:
        warning = FilerWarning.objects.create(user=filer, created_at=now, case_ids=ids)
        notify(key=f"user:{filer.pk}:misuse_warning:{warning.pk}", template="filer_warned",
               recipient=filer, refs={"warning_id": warning.pk, "notices": links,
                                      **_policy_refs(policy)})
    elif step == SUSPEND:
        reasons = SUSPENSION_REASONS.format(
            count=len(ids), days=policy.filer_window_days,
            references=", ".join(reference for _pk, reference, _title in notices))
        suspension = FilerSuspension.objects.create(
            user=filer, starts_at=now, ends_at=now + timedelta(days=policy.suspension_days),
            reasons=reasons, case_ids=ids)
        notify(key=f"user:{filer.pk}:suspension:{suspension.pk}", template="filer_suspended",
               recipient=filer, refs={"suspension_id": suspension.pk, "notices": links,
                                      **_policy_refs(policy)})
    return step


def filing_suspension_check(*, filer, kind: str) -> None:
    """Refuse a new notice from a filer whose notices are suspended, saying until when
    and how to contest it. Appeals and counter-notices are redress, not notices (DSA
    Art. 23 suspends notices only): they are always accepted (SUSPENDED_KINDS)."""
    if kind not in SUSPENDED_KINDS:
        return
    suspension = suspension_in_force(user=filer)
    if suspension is None:
        return
    until = formats.date_format(timezone.localtime(suspension.ends_at), "DATETIME_FORMAT")
    raise ValidationError(ERROR_SUSPENDED % {"until": until}, code="filer_suspended")


@transaction.atomic
def filer_suspension_lift(*, suspension: FilerSuspension, actor, reason: str,
                          now: datetime | None = None) -> FilerSuspension:
    """A supervisor ends a suspension early, with the reason (kept on the row)."""
    if not reason.strip():
        raise ValidationError({"lift_reason": ERROR_LIFT_REASON})
    suspension = FilerSuspension.objects.select_for_update().get(pk=suspension.pk)
    if suspension.lifted_at is not None:
        raise ValidationError(ERROR_ALREADY_LIFTED, code="lifted")
    suspension.lifted_at = now or timezone.now()
    suspension.lifted_by = actor
    suspension.lift_reason = reason.strip()
    suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return suspension


def owner_account_action_record(*, owner, action: str, recorded_by, taken_at=None,
                                note: str = "", removals_counted: int = 0
                                ) -> OwnerAccountAction:
    """Record what the AI product did to an owner's account (a new row each time: the
    record is append-only)."""
    if action not in OwnerAction.values:
        raise ValidationError({"action": ERROR_ACTION})
    return OwnerAccountAction.objects.create(
        owner=owner, action=action, taken_at=taken_at or timezone.now(), note=note.strip(),
        removals_counted=removals_counted, recorded_by=recorded_by)
