"""The training-use register: entries made from training objections, permissions the desk
records, and each entry's way from received to confirmed to applied (or not possible).

Every status change writes an audit event on the entry's case (if it has one) and tells
the filer once: one e-mail per case and step, however many of its entries moved."""
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import imagehash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from complaints.domain.events import EventType
from complaints.models import Case, CaseKind, Evidence, FiledAs, RegisterEntry, TrainingUse, Work
from complaints.services.audit import event_record, events_record
from complaints.services.outbox import filer_notify

logger = logging.getLogger(__name__)

ERROR_SNAPSHOT = _("Name the dataset snapshot from which the entry is applied.")
ERROR_REASON = _("Say why it is not possible: the filer reads this reason.")
ERROR_TITLE = _("Give the title of the work.")
ERROR_IDENTIFIERS = _("Say how the catalogue can be recognised: sites, domains or titles.")
ERROR_USES = _("Choose at least one use.")
ERROR_HOLDER = _("Name the rights holder.")

Status = RegisterEntry.Status

# A host name after IDNA encoding: labels of letters, digits and hyphens, and a last label
# of letters (or an encoded international one), so "Vol.2" stays a title.
_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


@dataclass
class Identifiers:
    titles: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)


def _domain(host: str) -> str | None:
    """The host as the register keeps it (lower case, no "www."), or None if it is none."""
    host = host.strip().lower().rstrip(".")
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not _HOST.fullmatch(encoded):
        return None
    return host.removeprefix("www.")


def _add(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)


def identifiers_parse(*, lines: Iterable[str]) -> Identifiers:
    """Sort what a filer wrote, one identifier a line: a URL (with its host as a domain
    too), a bare domain, or else a title."""
    found = Identifiers()
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        single_word = not any(ch.isspace() for ch in line)
        if single_word and "://" in line:
            try:
                host = urlsplit(line).hostname or ""
            except ValueError:
                host = ""
            domain = _domain(host)
            if domain:
                _add(found.urls, line)
                _add(found.domains, domain)
                continue
        elif single_word and "/" in line and _domain(line.split("/", 1)[0]):
            _add(found.urls, line)  # a URL written without its scheme
            _add(found.domains, _domain(line.split("/", 1)[0]))
            continue
        elif single_word and _domain(line):
            _add(found.domains, _domain(line))
            continue
        _add(found.titles, line)
    return found


# A reference image is a frame or a picture; one larger than this (a 50 MB-RAM decode) is
# not hashed, so a filing cannot tie a worker up decoding a crafted image.
MAX_HASH_PIXELS = 12_000_000


def image_phash(*, file) -> str | None:
    """The perceptual hash (pHash, 64 bits as 16 hex digits) of an image file, or None
    for a file that is not a readable image: a filing never fails for it."""
    try:
        file.open("rb")
        try:
            with Image.open(file) as image:
                width, height = image.size  # read from the header, nothing decoded yet
                if width * height > MAX_HASH_PIXELS:
                    logger.info("No image hash for %s: %d×%d pixels is too large",
                                getattr(file, "name", file), width, height)
                    return None
                image.draft("L", (256, 256))  # JPEG: decode at a smaller scale, much faster
                return str(imagehash.phash(image))
        finally:
            file.close()
    except Exception as exc:  # anything Pillow cannot read is skipped, never a crash
        logger.info("No image hash for %s: %s", getattr(file, "name", file), exc)
        return None


def _image_hashes(evidence: Iterable[Evidence]) -> list[str]:
    hashes: list[str] = []
    for item in evidence:
        if item.is_image:
            _add(hashes, image_phash(file=item.file) or "")
    return hashes


def _rights_holder(case: Case) -> str:
    if case.filed_as == FiledAs.AGENT and case.principal_name:
        return case.principal_name
    if case.organisation_id:
        return case.organisation.name
    return case.filer.display_name  # never the e-mail address: the register is exported


def register_entries_from_filing(*, case: Case, works: list[Work],
                                 evidence: list[Evidence]) -> list[RegisterEntry]:
    """Entries with status "received" for a training objection just filed: one per listed
    work, and one for the whole catalogue when the filer asked for it. Each carries the
    hashes of the case's reference images. One INSERT (and nothing for other kinds)."""
    if case.kind != CaseKind.TRAINING_OBJECTION:
        return []
    holder = _rights_holder(case)
    hashes = _image_hashes(evidence)
    common = {"kind": RegisterEntry.Kind.RESERVATION, "case": case, "image_hashes": hashes,
              "uses": list(case.training_uses), "created_at": case.submitted_at,
              "changed_by": case.filer}
    entries = []
    if case.whole_catalogue:
        found = identifiers_parse(lines=case.catalogue_identifiers.splitlines())
        entries.append(RegisterEntry(
            scope=RegisterEntry.Scope.CATALOGUE, rights_holder=holder, titles=found.titles,
            urls=found.urls, domains=found.domains, **common))
    for work in works:
        found = identifiers_parse(lines=[work.identifier])
        titles = [work.title]
        for title in found.titles:
            _add(titles, title)
        entries.append(RegisterEntry(
            scope=RegisterEntry.Scope.WORK, work=work, title=work.title,
            rights_holder=work.rights_holder or holder, titles=titles, urls=found.urls,
            domains=found.domains, **common))
    # As late as possible in the filing's transaction: the export hands out entries by
    # updated_at (see the README on reading it with an overlap).
    now = timezone.now()
    for entry in entries:
        entry.updated_at = now
    entries = RegisterEntry.objects.bulk_create(entries)
    if entries:
        event_record(case=case, actor=case.filer,
                     event_type=EventType.REGISTER_ENTRIES_RECEIVED,
                     new={"entries": len(entries)})
    return entries


def register_permission_check(*, rights_holder: str, scope: str, uses: list[str],
                              title: str = "", identifiers: str = "") -> None:
    """Raise, field by field, what a permission entry lacks (the admin's form asks too)."""
    errors = {}
    if not rights_holder.strip():
        errors["rights_holder"] = ERROR_HOLDER
    if scope == RegisterEntry.Scope.WORK and not title.strip():
        errors["title"] = ERROR_TITLE
    if scope == RegisterEntry.Scope.CATALOGUE and not identifiers.strip():
        errors["identifiers"] = ERROR_IDENTIFIERS
    if not any(u in TrainingUse.values for u in uses):
        errors["uses"] = ERROR_USES
    if errors:
        raise ValidationError(errors)


def register_permission_record(*, actor, rights_holder: str, scope: str, uses: list[str],
                               title: str = "", identifiers: str = "",
                               case: Case | None = None) -> RegisterEntry:
    """Record a permission the company was granted (Japanese law asks for permission
    first). The desk records it, so it is confirmed at once; nobody is e-mailed."""
    register_permission_check(rights_holder=rights_holder, scope=scope, uses=uses,
                              title=title, identifiers=identifiers)
    rights_holder, title = rights_holder.strip(), title.strip()
    uses = [u for u in dict.fromkeys(uses) if u in TrainingUse.values]
    found = identifiers_parse(lines=identifiers.splitlines())
    titles = [title] if title else []
    for other in found.titles:
        _add(titles, other)
    now = timezone.now()
    with transaction.atomic():
        entry = RegisterEntry.objects.create(
            kind=RegisterEntry.Kind.PERMISSION, status=Status.CONFIRMED, case=case,
            rights_holder=rights_holder, scope=scope, title=title, titles=titles,
            urls=found.urls, domains=found.domains, uses=uses, created_at=now,
            confirmed_at=now, updated_at=now, changed_by=actor)
        if case is not None:
            event_record(case=case, actor=actor,
                         event_type=EventType.REGISTER_PERMISSION_RECORDED,
                         new={"entry": entry.pk, "covers": entry.subject})
    return entry


def _locked(entry_ids: Iterable[int], statuses: list[str]) -> list[RegisterEntry]:
    """The entries still in one of `statuses`, locked until the change commits, so two
    operators acting at once change (and announce) each entry once."""
    return list(RegisterEntry.objects.select_for_update(of=("self",))
                .select_related("case", "case__filer")
                .filter(pk__in=list(entry_ids), status__in=statuses).order_by("pk"))


def _event_key(step: str, entries: list[RegisterEntry]) -> str:
    """The e-mail's unique event: the step and the entries it names."""
    ids = ",".join(str(e.pk) for e in entries)
    if len(ids) > 60:
        ids = f"{len(entries)}:{hashlib.sha256(ids.encode()).hexdigest()[:24]}"
    return f"register_{step}:{ids}"


STEP_EVENTS = {"confirmed": EventType.REGISTER_ENTRY_CONFIRMED,
               "applied": EventType.REGISTER_ENTRY_APPLIED,
               "not_possible": EventType.REGISTER_ENTRY_NOT_POSSIBLE}


def _record_and_tell(*, entries: list[RegisterEntry], actor, step: str,
                     old_status: dict[int, str], extra: dict) -> None:
    """Audit events on each case, then one e-mail to the case's filer for its entries."""
    by_case: dict[int, list[RegisterEntry]] = defaultdict(list)
    for entry in entries:
        if entry.case_id is not None:
            by_case[entry.case_id].append(entry)
    for case_entries in by_case.values():
        case = case_entries[0].case
        events_record(case=case, actor=actor, events=[
            {"event_type": STEP_EVENTS[step],
             "old": {"status": old_status[e.pk]},
             "new": {"entry": e.pk, "covers": e.subject, "status": e.status, **extra}}
            for e in case_entries])
        filer_notify(case=case, event=_event_key(step, case_entries),
                     template=f"register_{step}",
                     refs={"entries_ids": [e.pk for e in case_entries]})


def _change(*, entry_ids: Iterable[int], actor, from_statuses: list[str], step: str,
            apply_change, extra: dict) -> list[RegisterEntry]:
    entries = _locked(entry_ids, from_statuses)
    old_status = {e.pk: e.status for e in entries}
    now = timezone.now()
    for entry in entries:
        apply_change(entry, now)
        entry.updated_at = now
        entry.changed_by = actor if getattr(actor, "pk", None) else None
    RegisterEntry.objects.bulk_update(
        entries, ["status", "confirmed_at", "applied_at", "snapshot", "reason", "updated_at",
                  "changed_by"])
    _record_and_tell(entries=entries, actor=actor, step=step, old_status=old_status,
                     extra=extra)
    return entries


@transaction.atomic
def register_entries_confirm(*, entry_ids: Iterable[int], actor) -> list[RegisterEntry]:
    """Confirm received entries; their filers get a receipt. Entries already past
    "received" are left as they are (so confirming twice sends nothing more).
    Returns the entries that changed."""
    def confirm(entry, now):
        entry.status = Status.CONFIRMED
        entry.confirmed_at = now

    return _change(entry_ids=entry_ids, actor=actor, from_statuses=[Status.RECEIVED],
                   step="confirmed", apply_change=confirm, extra={})


@transaction.atomic
def register_entries_apply(*, entry_ids: Iterable[int], actor,
                           snapshot: str) -> list[RegisterEntry]:
    """Record that the data pipeline applies the entries from dataset snapshot
    `snapshot` on; their filers get a fulfilment notice. A received entry is confirmed
    first (with its receipt). Applied or impossible entries are left as they are."""
    snapshot = snapshot.strip()
    if not snapshot:
        raise ValidationError({"snapshot": ERROR_SNAPSHOT})
    entry_ids = list(entry_ids)
    register_entries_confirm(entry_ids=entry_ids, actor=actor)

    def apply(entry, now):
        entry.status = Status.APPLIED
        entry.applied_at = now
        entry.snapshot = snapshot

    return _change(entry_ids=entry_ids, actor=actor, from_statuses=[Status.CONFIRMED],
                   step="applied", apply_change=apply, extra={"snapshot": snapshot})


@transaction.atomic
def register_entries_not_possible(*, entry_ids: Iterable[int], actor,
                                  reason: str) -> list[RegisterEntry]:
    """Record, with the reason the filer will read, that entries cannot be carried out.
    Applied or already impossible entries are left as they are."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ERROR_REASON})

    def refuse(entry, now):
        entry.status = Status.NOT_POSSIBLE
        entry.reason = reason

    return _change(entry_ids=entry_ids, actor=actor,
                   from_statuses=[Status.RECEIVED, Status.CONFIRMED], step="not_possible",
                   apply_change=refuse, extra={"reason": reason})


ENDED_BY = {"withdrawn": _("The filer withdrew the objection."),
            "rejected": _("The objection was rejected."),
            "retracted": _("The filer retracted the objection.")}


def register_entries_close(*, case: Case, actor, ending: str, reason: str = "") -> int:
    """A training objection withdrawn, rejected or retracted: its entries stop binding the data
    pipeline ("no longer in force", with why). Nobody is e-mailed: the case's own
    ending is what the filer hears about. Returns how many entries changed."""
    entries = list(RegisterEntry.objects.select_for_update(of=("self",)).filter(
        case=case, status__in=[Status.RECEIVED, Status.CONFIRMED, Status.APPLIED]))
    if not entries:
        return 0
    why = str(ENDED_BY[ending]) + (f" {reason}" if reason else "")
    now = timezone.now()
    old_status = {e.pk: e.status for e in entries}
    for entry in entries:
        entry.status = Status.CLOSED
        entry.reason = why[:2000]
        entry.updated_at = now
        entry.changed_by = actor if getattr(actor, "pk", None) else None
    RegisterEntry.objects.bulk_update(entries, ["status", "reason", "updated_at",
                                                "changed_by"])
    events_record(case=case, actor=actor, events=[
        {"event_type": EventType.REGISTER_ENTRY_CLOSED,
         "old": {"status": old_status[e.pk]},
         "new": {"entry": e.pk, "covers": e.subject, "status": e.status, "reason": why}}
        for e in entries])
    return len(entries)
