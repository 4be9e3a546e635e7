"""The review step of a filing: the filer sees the whole notice as it will be sent, then
sends it or goes back to edit it with everything kept (files included, as staged uploads).

The review page carries what was typed as hidden fields, and a submission key: sending
twice with one key (a double click, a reload) files once and shows the same case. It also
carries a digest of the notice it showed: Send files only that notice, with every file
it listed still kept; else the review page is shown again, saying why, and nothing is
filed.
"""
import hashlib
import json
import uuid

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from complaints.domain.duplicates import merged_notes
from complaints.domain.notice_copy import notice_canonical, notice_sha256
from complaints.selectors.notice_copy import notice_copy_present
from complaints.services.cases import case_submit
from complaints.services.idempotency import idempotency_record_find, idempotency_record_run
from complaints.services.notice_copy import notice_content

# What the review page sets itself, or the form's own buttons: never carried over.
NOT_CARRIED = {"csrfmiddlewaretoken", "send", "edit", "submission_key", "staged", "unstage",
               "add_row", "remove_row", "reviewed"}
KEY_PREFIX = "portal-filing:"
FINGERPRINT = hashlib.sha256(b"portal filing").hexdigest()
# The digest of the notice reviewed is an HMAC (django.core.signing, with the site's secret)
# of the SHA-256 its copy will have, for this user: a bare SHA-256 could be recomputed by
# anyone who changes a hidden field, so it would tell only of changes made by mistake.
REVIEW_SALT = "kotae.portal.review"
CHANGED = gettext_lazy("The notice changed since you reviewed it; check it again and send.")
FILE_GONE = gettext_lazy("A file you attached is no longer kept; attach it again.")


def _key(data) -> str:
    try:
        return KEY_PREFIX + str(uuid.UUID(data.get("submission_key", "")))
    except ValueError:
        return ""


def is_send(data) -> bool:
    """A send from the review page (the form itself only ever asks for a review)."""
    return bool(data.get("send")) and bool(_key(data))


def already_filed(request):
    """The case this submission key already filed (a second click), as a redirect."""
    record = idempotency_record_find(user=request.user, key=_key(request.POST))
    if record is None:
        return None
    messages.info(request, _("This notice was already sent; here is its case."))
    return redirect("complaints:case_filed", reference=record.body["reference"])


def filing_send(request, filing, spec, appeal_of=None):
    """File the reviewed notice once per submission key: the case filed, or None (the
    refusal is on the filing) and, when another request with the key won, its redirect.
    A notice that is not the one reviewed is shown for review again, and not filed."""
    if filing.staged_gone:
        return review_page(request, filing, spec, appeal_of, changed=FILE_GONE)
    if not constant_time_compare(request.POST.get("reviewed", ""),
                                 _digest(request, _content(filing, appeal_of))):
        return review_page(request, filing, spec, appeal_of, changed=CHANGED)
    draft = filing.draft(language=get_language()[:2])
    try:
        case, record = idempotency_record_run(
            user=request.user, key=_key(request.POST), fingerprint=FINGERPRINT,
            create=lambda: case_submit(filer=request.user, draft=draft,
                                       uploads=filing.new_files, staged=filing.staged),
            answer=lambda case: (201, {"reference": case.reference}))
    except ValidationError as exc:
        filing.add_error(exc)
        return None
    if case is not None:
        for note in merged_notes(case.merged):  # repeated rows stored once
            messages.info(request, note)
    reference = case.reference if case is not None else record.body["reference"]
    return redirect("complaints:case_filed", reference=reference)


def hidden_fields(data) -> list[tuple[str, str]]:
    return [(name, value) for name in data if name not in NOT_CARRIED
            for value in data.getlist(name)]


def _content(filing, appeal_of) -> dict:
    """The notice as its copy will hold it (complaints.services.notice_copy)."""
    organisation = ""
    if filing.draft(language="").organisation_id:
        organisation = dict(filing.form.fields["organisation"].choices).get(
            filing.form.cleaned_data["organisation"], "")
    return notice_content(
        draft=filing.draft(language=get_language()[:2]),
        evidence=[(s.original_name, s.sha256) for s in filing.staged],
        organisation=str(organisation), appeal_of=appeal_of.reference if appeal_of else "")


def _digest(request, content: dict) -> str:
    return signing.Signer(salt=REVIEW_SALT).signature(
        f"{request.user.pk}:{notice_sha256(content)}")


def review_page(request, filing, spec, appeal_of=None, changed=""):
    """The notice as it will be sent, with Send and Back to edit; `changed` says why it is
    shown again instead of sent."""
    content = _content(filing, appeal_of)
    return render(request, "complaints/case_review.html", {
        "filing": filing, "spec": spec, "appeal_of": appeal_of, "changed": changed,
        "copy": notice_copy_present(json.loads(notice_canonical(content))),
        "hidden": hidden_fields(request.POST),
        "reviewed": _digest(request, content),
        "submission_key": uuid.uuid4(),
    })
