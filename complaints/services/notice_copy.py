"""The notice as sent, kept once at filing: the filer's copy (receipt e-mail, printable
page) is read from it, and its SHA-256 shows that the copy is what arrived."""
import dataclasses

from django.utils import translation
from django.utils.translation import get_language

from complaints.domain.kinds import principal_details_dropped
from complaints.domain.notice_copy import COPY_FORMAT, notice_canonical, notice_sha256
from complaints.domain.statements import STATEMENTS, statements_made
from complaints.models import Case

# Of a draft, what is not part of the notice a filer sends: the language of the answers
# (the portal's, not the notice's), and ids the copy names in words instead.
NOT_SENT = {"language", "output_owner_id", "organisation_id", "appeal_of_id",
            "works", "locations", "questions"}


def notice_content(*, draft, urls=None, evidence=(), organisation: str = "",
                   appeal_of: str = "") -> dict:
    """A draft (complaints.services.cases.CaseDraft) as the plain content of its copy:
    every field the filer gave, the works, locations (as stored, when `urls` are given, each
    with the numbers of the works it copies), questions, the evidence files by name and
    SHA-256 (`evidence`: name, sha256 pairs), and the statements made in the words the
    filer confirmed (in the filing's language).
    A field added to the draft is part of the copy without a change here."""
    draft = principal_details_dropped(draft)  # as case_submit keeps it
    with translation.override(draft.language or get_language()):  # the words confirmed
        statements = statements_made(
            kind=draft.kind, law=draft.law, by_output_owner=draft.output_owner_id is not None,
            made={name: getattr(draft, name) for name in STATEMENTS})
    content = {f.name: getattr(draft, f.name) for f in dataclasses.fields(draft)
               if f.name not in NOT_SENT}
    content.update({
        "format": COPY_FORMAT,
        "organisation": organisation,
        "appeal_of": appeal_of,
        "works": [dataclasses.asdict(w) for w in draft.works],
        "locations": [{**dataclasses.asdict(loc), "url": urls[i] if urls else loc.url}
                      for i, loc in enumerate(draft.locations)],
        "questions": list(draft.questions),
        "evidence": [{"name": name, "sha256": sha256} for name, sha256 in evidence],
        "statements": statements,
    })
    return content


def notice_record(*, case: Case, draft, urls, evidence) -> None:
    """Keep the notice as sent on its case, with its SHA-256 (one UPDATE)."""
    content = notice_content(
        draft=draft, urls=urls, evidence=[(e.original_name, e.sha256) for e in evidence],
        organisation=case.organisation.name if case.organisation_id else "",
        appeal_of=case.appeal_of.reference if case.appeal_of_id else "")
    case.content_as_sent = notice_canonical(content)
    case.content_sha256 = notice_sha256(content)
    Case.objects.filter(pk=case.pk).update(content_as_sent=case.content_as_sent,
                                           content_sha256=case.content_sha256)
