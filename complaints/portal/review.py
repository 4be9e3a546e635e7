"""The review step of a filing: the filer sees the whole notice as it will be sent, then
sends it or goes back to edit it with everything kept (files included, as staged uploads).

The review page carries what was typed as hidden fields, and a submission key: sending
twice with one key (a double click, a reload) files once and shows the same case.
"""
import hashlib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.domain.duplicates import merged_notes
from complaints.domain.notice_copy import notice_canonical
from complaints.selectors.notice_copy import notice_copy_present
from complaints.services.cases import case_submit
from complaints.services.idempotency import idempotency_record_find, idempotency_record_run
from complaints.services.notice_copy import notice_content

# What the review page sets itself, or the form's own buttons: never carried over.
NOT_CARRIED = {"csrfmiddlewaretoken", "send", "edit", "submission_key", "staged", "unstage",
               "add_row", "remove_row"}
KEY_PREFIX = "portal-filing:"
FINGERPRINT = hashlib.sha256(b"portal filing").hexdigest()


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


def filing_send(request, filing):
    """File the reviewed notice once per submission key: the case filed, or None (the
    refusal is on the filing) and, when another request with the key won, its redirect."""
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


def review_page(request, filing, spec, appeal_of=None):
    """The notice as it will be sent, with Send and Back to edit."""
    organisation = ""
    if filing.draft(language="").organisation_id:
        organisation = dict(filing.form.fields["organisation"].choices).get(
            filing.form.cleaned_data["organisation"], "")
    content = notice_content(
        draft=filing.draft(language=get_language()[:2]),
        evidence=[(s.original_name, s.sha256) for s in filing.staged],
        organisation=str(organisation), appeal_of=appeal_of.reference if appeal_of else "")
    return render(request, "complaints/case_review.html", {
        "filing": filing, "spec": spec, "appeal_of": appeal_of,
        "copy": notice_copy_present(json.loads(notice_canonical(content))),
        "hidden": hidden_fields(request.POST),
        "submission_key": uuid.uuid4(),
    })
