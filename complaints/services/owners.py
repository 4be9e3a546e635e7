"""Output owners: naming the owner of an output location, the signed, expiring link
through which an owner reaches what concerns their output without a Kotae password, the
statement of reasons they are sent when a decision restricts their output (DSA Art. 17),
and their appeal (DSA Art. 20)."""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Language, Role
from complaints.domain.decisions import Action
from complaints.domain.events import EventType
from complaints.domain.laws import counter_notice_offered
from complaints.models import Case, CaseKind, Decision, Notification, OutputLocation, OutputOwner
from complaints.services.audit import event_record
from complaints.services.outbox import Recipient, notify

_SALT = "kotae.owner-link"


@dataclass(frozen=True)
class OwnerAccess:
    owner: OutputOwner
    case: Case


class OwnerLinkInvalid(Exception):
    """The link was altered, names rows that are gone, or names an owner the case does
    not concern."""


class OwnerLinkExpired(OwnerLinkInvalid):
    """The link was genuine but is older than KOTAE_OWNER_LINK_DAYS."""


def owner_link_token(*, owner: OutputOwner, case: Case) -> str:
    """A token naming this owner and this case (the complaint that names their output),
    signed with the site's secret and dated, for the owner's page."""
    return signing.dumps({"o": owner.pk, "c": case.pk}, salt=_SALT, compress=True)


def owner_link_path(*, owner: OutputOwner, case: Case) -> str:
    """The owner's page for this case, or "" while no face has mounted it."""
    try:
        return reverse("portal:owner_case", kwargs={"token": owner_link_token(owner=owner,
                                                                                case=case)})
    except NoReverseMatch:
        return ""


def owner_link_resolve(token: str, *, expired_too: bool = False) -> OwnerAccess:
    """The owner and case a token names, if it is genuine, not expired, and the case
    still names that owner on one of its output locations. `expired_too`: a genuine but
    expired token resolves as well (to send its owner a fresh link, never to show the
    case)."""
    max_age = None if expired_too else timedelta(days=settings.KOTAE_OWNER_LINK_DAYS)
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise OwnerLinkExpired from exc
    except signing.BadSignature as exc:
        raise OwnerLinkInvalid from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "oc"):
        raise OwnerLinkInvalid
    case = Case.objects.filter(pk=data["c"], locations__owner_id=data["o"]).first()
    owner = OutputOwner.objects.filter(pk=data["o"]).first()
    if case is None or owner is None:
        raise OwnerLinkInvalid
    return OwnerAccess(owner=owner, case=case)


ERROR_OWNER_WITHOUT_EMAIL = gettext_lazy(
    "We have no e-mail address for you, so we could not send you what we receive. Ask the "
    "AI product to add your address, then open the link again.")
ERROR_OWNER_IS_STAFF = gettext_lazy(
    "This address belongs to an account of the desk or of the AI product, which cannot "
    "file as an output's owner.")


def owner_filer_user(*, owner: OutputOwner, language: str):
    """The account an owner's counter-notice or appeal is filed under, so that its receipt,
    replies and decision reach them as any filer's do: their existing account when the
    product's e-mail address has one, else a new account without a usable password (they
    keep reaching their cases through their link, or set a password by resetting it).
    Staff accounts are never used for an owner's filing."""
    from django.contrib.auth import get_user_model

    if not owner.email:
        raise ValidationError(ERROR_OWNER_WITHOUT_EMAIL)
    users = get_user_model().objects
    email = users.normalize_email(owner.email).lower()
    user = users.filter(email__iexact=email).first()
    if user is None:
        user = users.create_user(email=email, password=None,
                                 display_name=owner.handle or email.split("@")[0],
                                 language=language, email_verified=True)
    elif user.is_staff or user.role == Role.PRODUCT:  # the desk's or the product's own
        raise ValidationError(ERROR_OWNER_IS_STAFF)
    return user


def owner_link_url(*, owner: OutputOwner, case: Case) -> str:
    """The owner's page as an absolute link for an e-mail ("" while no face mounts it)."""
    path = owner_link_path(owner=owner, case=case)
    return settings.SITE_URL + path if path else ""


def owner_counter_notice_url(*, owner: OutputOwner, case: Case) -> str:
    """The owner's counter-notice page as an absolute link, or "" while none is mounted."""
    try:
        path = reverse("portal:owner_counter_notice",
                       kwargs={"token": owner_link_token(owner=owner, case=case)})
    except NoReverseMatch:
        return ""
    return settings.SITE_URL + path


# --- Naming a location's owner ------------------------------------------------------

ERROR_OWNER_UNNAMED = gettext_lazy(
    "Give the owner's account id in the product, their handle or their e-mail address.")
ERROR_OWNER_LANGUAGE = gettext_lazy("Choose Japanese or English, or leave it empty.")
ERROR_OWNER_PRODUCT = gettext_lazy("Name the AI product the owner's account is in.")


def _owner_values_check(*, ai_product: str, account_id: str, handle: str, email: str,
                        language: str) -> None:
    errors = {}
    if not (account_id.strip() or handle.strip() or email.strip()):
        errors["account_id"] = [ERROR_OWNER_UNNAMED]
    if not ai_product.strip():
        errors["ai_product"] = [ERROR_OWNER_PRODUCT]
    if language and language not in Language.values:
        errors["language"] = [ERROR_OWNER_LANGUAGE]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def owner_name(*, location: OutputLocation, ai_product: str, account_id: str = "",
               handle: str = "", email: str = "", language: str = "", actor) -> OutputOwner:
    """Say who owns the output at `location`, as the AI product knows them: the owner with
    this account id in this product (made the first time, its handle, e-mail and language
    brought up to date by what is given), or with no account id a new owner. Recorded in
    the case's audit trail (the desk's only). When the case's decision already restricted
    that output, the owner is sent their statement of reasons now."""
    ai_product, account_id = ai_product.strip(), account_id.strip()
    _owner_values_check(ai_product=ai_product, account_id=account_id, handle=handle,
                        email=email, language=language)
    given = {name: value.strip() for name, value in
             (("handle", handle), ("email", email), ("language", language)) if value.strip()}
    if account_id:
        owner, created = OutputOwner.objects.select_for_update().get_or_create(
            ai_product=ai_product, account_id=account_id, defaults=given)
        if not created and given:
            for name, value in given.items():
                setattr(owner, name, value)
            owner.save(update_fields=list(given))
    else:
        owner = OutputOwner.objects.create(ai_product=ai_product, **given)
    previous = location.owner_id
    location.owner = owner
    location.save(update_fields=["owner"])
    event_record(case=location.case, actor=actor, event_type=EventType.OWNER_NAMED,
                 old={"owner_id": previous} if previous else None,
                 new={"owner": str(owner), "owner_id": owner.pk, "location": location.url})
    decision = getattr(location.case, "decision", None)
    if decision is not None:
        owner_statements_send(case=location.case, decision=decision, actor=actor)
    return owner


def owner_language_set(*, owner: OutputOwner, language: str) -> OutputOwner:
    """The language the owner reads their page and e-mails in (their own choice)."""
    if language not in Language.values:
        raise ValidationError({"language": [ERROR_OWNER_LANGUAGE]})
    if owner.language != language:
        owner.language = language
        owner.save(update_fields=["language"])
    return owner


def owner_language(*, owner: OutputOwner, case: Case) -> str:
    """The owner's language: their own, else the language of the complaint's answers."""
    return owner.language or case.language


def owner_locations(*, owner: OutputOwner, case: Case) -> list[OutputLocation]:
    """The case's output locations that name this owner (never another owner's)."""
    return list(case.locations.filter(owner=owner))


# --- A fresh link for an expired one --------------------------------------------------

def owner_link_renew(*, token: str, email: str) -> bool:
    """Send a fresh link to the owner's address on file when `email` is that address and
    the token was genuine (expired or not). The caller answers the same whatever the
    outcome; True only when an e-mail was queued."""
    try:
        access = owner_link_resolve(token, expired_too=True)
    except OwnerLinkInvalid:
        return False
    owner, case = access.owner, access.case
    if not owner.email or owner.email.strip().lower() != email.strip().lower():
        return False
    url = owner_link_url(owner=owner, case=case)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    notify(key=f"case:{case.pk}:owner:{owner.pk}:link:{stamp}", template="owner_link",
           recipient=Recipient(email=owner.email,
                               language=owner_language(owner=owner, case=case)),
           refs={"owner_id": owner.pk, "owner_url": url}, case_id=case.pk)
    return True


# --- The owner's appeal (DSA Art. 20) ------------------------------------------------

@dataclass(frozen=True)
class OwnerAppeal:
    grounds: str
    good_faith_statement: bool
    accuracy_statement: bool
    signature: str


ERROR_OWNER_NOT_RESTRICTED = gettext_lazy(
    "The decision on this notice did not remove, disable or block any output of yours, so "
    "there is nothing for you to appeal.")


def owner_appeal_submit(*, access: OwnerAccess, appeal: OwnerAppeal) -> Case:
    """The owner's internal complaint against the decision on the complaint naming their
    output, within the appeal window: an appeal case filed under the owner's account
    (owner_filer_user), naming the owner; the domain's rules for any appeal hold (one open
    appeal at a time, someone other than the first decider decides it)."""
    from django.utils.translation import gettext

    from complaints.services.cases import CaseDraft, case_submit

    owner, case = access.owner, access.case
    language = owner_language(owner=owner, case=case)
    decision = Decision.objects.filter(case=case).first()
    if decision is not None and not (
            RESTRICTING & set(decision.actions)
            and case.locations.filter(owner=owner, retraction__isnull=True).exists()):
        raise ValidationError(ERROR_OWNER_NOT_RESTRICTED, code="not_restricted")
    with transaction.atomic():
        filer = owner_filer_user(owner=owner, language=language)
        return case_submit(filer=filer, draft=CaseDraft(
            kind=CaseKind.APPEAL, language=language, output_owner_id=owner.pk,
            title=gettext("Appeal against %(reference)s") % {"reference": case.reference},
            appeal_of_id=case.pk, appeal_grounds=appeal.grounds,
            good_faith_statement=appeal.good_faith_statement,
            accuracy_statement=appeal.accuracy_statement, signature=appeal.signature))


# --- The statement of reasons to the owner (DSA Art. 17) ------------------------------
# Whenever a decision restricts their output: an e-mail in their language with what was
# restricted and where, the facts (the notice and who filed it), whether automated means
# were used, the legal ground, and every route of redress; once per owner and decision.

# Actions that restrict the owner's output (the product removes or disables it, or blocks
# the prompt that made it).
RESTRICTING = frozenset({Action.OUTPUT_REMOVED, Action.PROMPT_BLOCKED})


def _complaint(case: Case) -> Case:
    """The complaint whose locations a decision acts on: the case, or the complaint an
    appeal (by its filer) is against."""
    if case.kind == CaseKind.APPEAL and case.appeal_of_id and case.output_owner_id is None:
        return case.appeal_of
    return case


def owner_statement_key(*, case: Case, owner: OutputOwner, decision: Decision) -> str:
    return f"case:{case.pk}:owner:{owner.pk}:statement:{decision.pk}"


def owner_statements_send(*, case: Case, decision: Decision,
                          actor=None) -> list[Notification]:
    """Queue the statement of reasons to each owner named on a location the decision
    restricts (a location the filer retracted is not acted on), each once. An owner
    without an e-mail address is not written to (the desk sees no event for them).
    Call in the decision's transaction: the rows are sent after commit."""
    if not RESTRICTING & set(decision.actions):
        return []
    complaint = _complaint(case)
    owners = (OutputOwner.objects.filter(locations__case=complaint,
                                         locations__retraction__isnull=True)
              .exclude(email="").distinct().order_by("pk"))
    sent = []
    for owner in owners:
        key = owner_statement_key(case=complaint, owner=owner, decision=decision)
        if Notification.objects.filter(key=key).exists():
            continue
        language = owner_language(owner=owner, case=complaint)
        offered = counter_notice_offered(complaint.law)
        locations = list(complaint.locations.filter(owner=owner, retraction__isnull=True)
                         .values_list("pk", flat=True))
        sent.append(notify(
            key=key, template=Notification.Kind.OWNER_STATEMENT,
            recipient=Recipient(email=owner.email, language=language),
            refs={"owner_id": owner.pk, "decision_id": decision.pk,
                  "locations_ids": locations,
                  "owner_url": owner_link_url(owner=owner, case=complaint),
                  "counter_notice": offered,
                  "counter_notice_url": owner_counter_notice_url(owner=owner, case=complaint)
                  if offered else ""},
            case_id=complaint.pk))
        event_record(case=complaint, actor=actor or decision.decided_by,
                     event_type=EventType.STATEMENT_TO_OWNER_SENT,
                     new={"owner": str(owner), "owner_id": owner.pk,
                          "decision_id": decision.pk})
    return sent
