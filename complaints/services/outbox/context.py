"""What an e-mail is rendered from: refs stored on its row, turned into the template's
context by the worker at delivery.

A row's `context` holds ids and plain values only, so writing an e-mail costs one INSERT
and no rendering, and every attempt renders from the data as it is then:

- `<name>_id`: one row of the model registered under <name> (`decision_id` → `decision`);
- `<name>_ids`: a list of them, in the order given (`entries_ids` → `entries`);
- `<name>_at`: a time, stored as ISO 8601 (a datetime given at writing is converted);
- `time_zone`: the zone the e-mail's times are shown in (not a template variable);
- anything else: a plain value (a link, a name, a count), as it is.

A row with a case also gets `case`, `filer`, `case_url` (the filer's page) and
`desk_url` (the operators' page). A new noun an e-mail needs is one line in `MODELS`.
"""
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from accounts.models import Organisation, OrganisationInvitation
from complaints.models import (
    Case,
    CounterNotice,
    Deadline,
    Decision,
    FilerSuspension,
    FilerWarning,
    Message,
    Notification,
    OutputLocation,
    OutputOwner,
    RegisterEntry,
    Retraction,
)


def _users() -> QuerySet:
    return get_user_model().objects.all()


def _cases() -> QuerySet:
    return Case.objects.select_related("filer", "assignee")


def _notifications() -> QuerySet:
    return Notification.objects.select_related("case")


# The nouns a ref may name, each with how its rows are read.
MODELS: dict[str, Callable[[], QuerySet]] = {
    "case": _cases,
    "primary": _cases,  # the case a duplicate was merged into
    "overdue": _cases,  # a staff digest's lists
    "today": _cases,
    "deadline": Deadline.objects.all,
    "decision": Decision.objects.all,
    "message": Message.objects.all,
    "entries": RegisterEntry.objects.all,
    "retraction": Retraction.objects.all,
    "counter_notice": CounterNotice.objects.all,
    "failed": _notifications,  # the e-mails a supervisors' summary names
    "user": _users,
    "recipient": _users,
    "organisation": Organisation.objects.all,
    "invitation": OrganisationInvitation.objects.all,
    "warning": FilerWarning.objects.all,  # the misuse policy (complaints.services.policies)
    "suspension": FilerSuspension.objects.all,
    "owner": OutputOwner.objects.all,  # an output's owner (who has no account)
    "locations": OutputLocation.objects.all,
}
TIME_ZONE = "time_zone"
# Refs of rows the deadline sweep wrote before refs were named `<model>_id`.
_LEGACY_NAMES = {"recipient": "recipient_id", "deadline": "deadline_id"}


def case_link(case: Case) -> str:
    """The case's page for its filer (in e-mails and webhook events)."""
    return settings.SITE_URL + reverse("complaints:case_detail", args=[case.reference])


def desk_link(case: Case) -> str:
    """The case's page on the operators' desk."""
    return settings.SITE_URL + reverse("admin:complaints_case_change", args=[case.pk])


def _noun(name: str) -> str | None:
    """The registered noun a `<noun>_id` or `<noun>_ids` ref names (None for other refs)."""
    for suffix in ("_ids", "_id"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return None


def _is_plain(value) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def refs_plain(refs: dict) -> dict:
    """The refs as stored: times as ISO strings, everything else checked to be an id or a
    plain value. A model instance is refused: store its id as `<name>_id`."""
    plain = {}
    for name, value in refs.items():
        noun = _noun(name)
        if noun is not None and noun not in MODELS:
            raise ValueError(f"E-mail ref {name!r}: no model is registered as {noun!r}.")
        if isinstance(value, datetime):
            if not name.endswith("_at"):
                raise ValueError(f"E-mail ref {name!r} is a time: name it <something>_at.")
            value = value.isoformat()
        if not _is_plain(value):
            raise TypeError(f"E-mail ref {name!r} is a {type(value).__name__}: store ids "
                            f"(<name>_id) and plain values only.")
        plain[name] = list(value) if isinstance(value, tuple) else value
    return plain


def _load(name: str, value):
    noun = _noun(name)
    rows = MODELS[noun]()
    if name.endswith("_ids"):
        found = rows.in_bulk(value)
        return noun, [found[pk] for pk in value if pk in found]
    return noun, rows.get(pk=value)


def context_load(refs: dict, *, case_id: int | None) -> dict:
    """The template's context for a row with these refs (and this case)."""
    context = {}
    if case_id is not None:
        case = _cases().get(pk=case_id)
        context.update(case=case, filer=case.filer, case_url=case_link(case),
                       desk_url=desk_link(case))
    for name, value in refs.items():
        name = _LEGACY_NAMES.get(name, name)
        if name == TIME_ZONE:
            continue
        if _noun(name) is not None:
            noun, loaded = _load(name, value)
            context[noun] = loaded
        elif name.endswith("_at") and isinstance(value, str):
            context[name] = parse_datetime(value)
        else:
            context[name] = value
    return context
