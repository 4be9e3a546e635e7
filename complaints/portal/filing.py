"""A filing page's parts put together: the kind's form, its rows (works, output
locations, questions), and the files kept while the form is not complete.

Rows can be added and removed without JavaScript: the "add" and "remove" buttons
submit the page, which comes back with one row more or less and nothing lost.
"""
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from complaints.domain.kinds import filing_errors
from complaints.domain.text import labelled
from complaints.models import CaseKind, StagedUpload
from complaints.portal import forms as f
from complaints.portal.paste import PasteForm
from complaints.services.cases import CaseDraft, LocationData, WorkData
from complaints.services.evidence import upload_stage


@dataclass(frozen=True)
class KindSpec:
    kind: str
    slug: str
    form_class: type
    heading: Promise
    intro: Promise
    submit_label: Promise
    works: str = "none"  # "required", "optional" or "none"
    locations: bool = False
    questions: bool = False


SPECS = {
    spec.slug: spec
    for spec in [
        KindSpec(
            kind=CaseKind.OUTPUT_COMPLAINT, slug="output-complaint",
            form_class=f.OutputComplaintForm,
            heading=_("Complain about an AI output"),
            intro=_("Tell us which AI output copies or adapts which of your works. We "
                    "review it and, where we uphold your complaint, act on it; we tell you "
                    "our decision and what we did, with reasons."),
            submit_label=_("Send the complaint"), works="required", locations=True,
        ),
        KindSpec(
            kind=CaseKind.TRAINING_OBJECTION, slug="training-objection",
            form_class=f.TrainingObjectionForm,
            heading=_("Object to training on your works"),
            intro=_("Name the works, or your whole catalogue, that our models must not use. "
                    "You get a receipt now and a record when the exclusion is carried out."),
            submit_label=_("Send the objection"), works="optional",
        ),
        KindSpec(
            kind=CaseKind.INQUIRY, slug="inquiry", form_class=f.InquiryForm,
            heading=_("Ask a question"),
            intro=_("Ask one or more questions, for example whether your work was in the "
                    "training data of a model. Each question gets its own answer."),
            submit_label=_("Send the questions"), works="optional", questions=True,
        ),
    ]
}
APPEAL_SPEC = KindSpec(
    kind=CaseKind.APPEAL, slug="appeal", form_class=f.AppealForm,
    heading=_("Appeal against a decision"),
    intro=_("Someone who did not take the first decision will look at the case again."),
    submit_label=_("Send the appeal"),
)

ERROR_BAD_PASTED_WORK = _("Work %(number)s is line %(line)s of the pasted works, which could "
                          "not be read: see the list of works.")

ROW_KINDS = {
    "works": (f.WorkForm, f.WorkFormSet),
    "locations": (f.LocationForm, f.LocationFormSet),
    "questions": (f.QuestionForm, f.QuestionFormSet),
}


def _values(form) -> dict:
    """What the user typed into a bound form, readable without validating it."""
    return {name: form[name].value() for name in form.fields if name != "DELETE"}


def _deleted(form) -> bool:
    return "DELETE" in form.fields and form.fields["DELETE"].to_python(form["DELETE"].value())


class Filing:
    def __init__(self, *, spec: KindSpec, user, data=None, files=None, appeal_of=None):
        self.spec = spec
        self.user = user
        self.appeal_of = appeal_of
        self.bound = data is not None
        self.data = data
        self.files = files or {}
        unstaged = set(self._ids(data.getlist("unstage") if data else []))
        listed = [i for i in dict.fromkeys(self._ids(data.getlist("staged") if data else []))
                  if i not in unstaged]
        # In the order the page listed them: their order is part of the notice reviewed
        # (its digest) and of its copy; the database's own order is by their random ids.
        found = {s.public_id: s for s in StagedUpload.objects.filter(owner=user,
                                                                    public_id__in=listed)}
        self.staged = [found[i] for i in listed if i in found]
        self.staged_gone = len(listed) > len(self.staged)  # purged (STAGED_KEEP), or not theirs
        self.form = spec.form_class(data, files, user=user) if self.bound else \
            spec.form_class(user=user)
        self.form.staged_bytes = sum(s.size for s in self.staged)
        self.paste = self._paste_form(data if self.bound else None)
        self.rows = {}
        self.focus = ""
        self.not_kept: list[str] = []
        wanted = {"works": spec.works != "none", "locations": spec.locations,
                  "questions": spec.questions}
        for prefix, (form_class, base) in ROW_KINDS.items():
            if wanted[prefix]:
                formset = f.rows_formset(form_class, base, extra=1)
                self.rows[prefix] = formset(data, prefix=prefix) if self.bound else \
                    formset(prefix=prefix)

    def _paste_form(self, data, initial=None):
        return PasteForm(data, initial=initial, locations=self.spec.locations,
                           works=self.spec.works != "none")

    @staticmethod
    def _ids(values):
        ids = []
        for value in values:
            try:
                ids.append(uuid.UUID(str(value)))
            except ValueError:
                continue
        return ids

    # --- Rows without JavaScript ------------------------------------------------
    def apply_row_action(self) -> bool:
        """Handle an "add a row" or "remove this row" button. True if it was one."""
        if not self.bound:
            return False
        add = self.data.get("add_row")
        remove = self.data.get("remove_row", "")
        if add not in self.rows and not any(remove.startswith(p + "-") for p in self.rows):
            return False
        self.stage_new_files()
        self._rebuild(add=add, remove=remove)
        return True

    def refill(self) -> None:
        """Show what was typed (a draft kept over a login) as a form not yet sent."""
        self._rebuild(add=None, remove="")

    def _rebuild(self, *, add, remove: str) -> None:
        for prefix, formset in list(self.rows.items()):
            kept = [
                form for index, form in enumerate(formset.forms)
                if not _deleted(form) and remove != f"{prefix}-{index}"
            ]
            rows = [_values(form) for form in kept]
            if prefix == add:
                rows.append({})
            rows = rows or [{}]
            form_class, base = ROW_KINDS[prefix]
            rebuilt = f.rows_formset(form_class, base, extra=len(rows))(prefix=prefix)
            rebuilt.row_values = rows
            self.rows[prefix] = rebuilt
        self.focus = f"id_{add}-{len(self.rows[add].forms) - 1}-" if add in self.rows else ""
        self.form = self.spec.form_class(initial=_values(self.form), user=self.user)
        self.paste = self._paste_form(None, initial=_values(self.paste))
        self.form.staged_bytes = sum(s.size for s in self.staged)
        self.bound = False

    # --- Validation -------------------------------------------------------------
    def is_valid(self) -> bool:
        """The fields as typed, then the rules of the kind (the domain's, as case_submit
        applies them) on what could be read, so every mistake shows at once."""
        results = [self.form.is_valid(), self.paste.is_valid()]
        results += [rows.is_valid() for rows in self.rows.values()]
        broken = filing_errors(self.draft(language=""))
        self._attach(broken)
        self._point_at_bad_pasted_works()
        return all(results) and not broken

    def _point_at_bad_pasted_works(self) -> None:
        """A location naming a pasted work whose line could not be read: pointed at that
        line, whose refusal is by the box."""
        bad = self._bad_pasted_works()
        rows = self.rows.get("locations")
        for row in rows.filled_forms() if bad and rows is not None else []:
            named = [n for n in row.cleaned_data.get("works", ()) if n in bad] \
                if row.is_valid() else []
            if named:
                row.add_error("works", ERROR_BAD_PASTED_WORK % {"number": named[0],
                                                                "line": bad[named[0]]})

    def _attach(self, errors: dict) -> None:
        """Each refusal by its part (a field, or the rows), unless that part already says
        what is wrong with it; what has no part of its own, above the form."""
        read = {prefix: [r for r in rows.filled_forms() if r.is_valid()]
                for prefix, rows in self.rows.items()}
        for name, messages in errors.items():
            rows = self.rows.get(name)
            row, field = self._row_field(name, read)
            if row is not None:
                if field not in row.errors:
                    row.add_error(field, messages)
            elif rows is not None:
                if rows.is_valid():
                    for message in messages:
                        rows.add_error(message)
            elif name in self.form.fields:
                if name not in self.form.errors:
                    self.form.add_error(name, messages)
            else:
                self.form.add_error(None, messages)

    @staticmethod
    def _row_field(name: str, read: dict):
        """A rule about one row ("locations.2.works", counting the rows the draft read) as
        that row's form and field, or (None, "")."""
        prefix, _dot, rest = name.partition(".")
        index, _dot, field = rest.partition(".")
        filled = read.get(prefix, [])
        if not index.isdigit() or not field:
            return None, ""
        row = filled[int(index)] if int(index) < len(filled) else None
        return (row, field) if row is not None and field in row.fields else (None, "")

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, message) for the summary at the top of a failed form."""
        if not self.bound:
            return []
        items = [("", str(e)) for e in self.form.non_field_errors()]
        for field in [*self.form, *self.paste]:
            items += [(field.auto_id, labelled(field.label, e)) for e in field.errors]
        for prefix, rows in self.rows.items():
            items += [(f"{prefix}-rows", str(e)) for e in rows.non_form_errors()]
            for number, form in enumerate(rows.forms, start=1):
                for field in form:
                    label = pgettext("a field of a numbered row", "%(label)s (%(number)s)") % {
                        "label": field.label, "number": number}
                    items += [(field.auto_id, labelled(label, e)) for e in field.errors]
        return items

    def add_error(self, error: ValidationError) -> None:
        """A refusal by a service: by part when it names them, else above the form."""
        if hasattr(error, "error_dict"):
            self._attach(error.message_dict)
        else:
            self.form.add_error(None, error)

    # --- Files --------------------------------------------------------------------
    def stage_new_files(self, *, form_shows_errors: bool = False) -> None:
        """Keep every new file that passes its checks, so it need not be chosen again.
        A file refused for a reason the form does not show itself (the account's
        allowance for the day, or any when the form is shown afresh) is in `not_kept`."""
        used = sum(s.size for s in self.staged)
        shown = (set(self.form.errors.get("evidence", [])) | set(self.form.non_field_errors())
                 if form_shows_errors else set())
        for upload in self.files.getlist("evidence") if self.files else []:
            try:
                staged = upload_stage(owner=self.user, upload=upload, already_used_bytes=used)
            except ValidationError as exc:
                self.not_kept += [m for m in exc.messages if m not in shown]
                continue
            self.staged.append(staged)
            used += staged.size

    @property
    def new_files(self):
        return self.form.cleaned_data.get("evidence", [])

    # --- The result -----------------------------------------------------------------
    def _rows_read(self, prefix) -> list[dict]:
        rows = self.rows.get(prefix)
        return [r.cleaned_data for r in (rows.filled_forms() if rows else [])
                if r.is_valid()]

    def _pasted_works(self) -> list[WorkData]:
        """The pasted works in the box's order. A line that could not be read (the form is
        refused for it) holds its place with an empty work, so the works after it keep the
        numbers the filer sees, and a location naming one is not told it is not there."""
        read = {w.line: WorkData(title=w.title, kind=w.kind, rights_holder=w.rights_holder,
                                 identifier=w.identifier) for w in self.paste.works}
        bad = dict.fromkeys(self.paste.bad_work_lines, WorkData(title="", kind=""))
        return [work for _line, work in sorted({**read, **bad}.items())]

    def _bad_pasted_works(self) -> dict[int, int]:
        """The number of each pasted work whose line could not be read → that line."""
        lines = sorted([w.line for w in self.paste.works] + self.paste.bad_work_lines)
        first = len(self._rows_read("works")) + 1
        return {number: line for number, line in enumerate(lines, start=first)
                if line in self.paste.bad_work_lines}

    def _pasted_locations(self) -> list[LocationData]:
        return [LocationData(url=loc.url, seen_at=loc.seen_at) for loc in self.paste.locations]

    def draft(self, *, language: str) -> CaseDraft:
        """The filing as a CaseDraft. (Of a form with mistakes, what could be read of it:
        enough to check the kind's rules.)"""
        data = self.form.cleaned_data
        title = data.get("title", "")
        if self.appeal_of is not None:
            title = str(_("Appeal against %(reference)s")
                        % {"reference": self.appeal_of.reference})
        return CaseDraft(
            kind=self.spec.kind,
            title=title,
            language=language,
            filed_as=data.get("filed_as", ""),
            law=data.get("law", ""),
            principal_name=data.get("principal_name", ""),
            authority_statement=data.get("authority_statement", ""),
            filer_postal_address=data.get("filer_postal_address", ""),
            filer_phone=data.get("filer_phone", ""),
            principal_postal_address=data.get("principal_postal_address", ""),
            principal_phone=data.get("principal_phone", ""),
            notice_language=data.get("notice_language", ""),
            organisation_id=data.get("organisation"),
            ai_product=data.get("ai_product", ""),
            ai_model=data.get("ai_model", ""),
            similarity=data.get("similarity", ""),
            remedies=list(data.get("remedies", [])),
            remedy_other=data.get("remedy_other", ""),
            whole_catalogue=bool(data.get("whole_catalogue")),
            training_uses=list(data.get("training_uses", [])),
            catalogue_identifiers=data.get("catalogue_identifiers", ""),
            appeal_of_id=self.appeal_of.pk if self.appeal_of else None,
            appeal_grounds=data.get("appeal_grounds", ""),
            good_faith_statement=bool(data.get("good_faith_statement")),
            accuracy_statement=bool(data.get("accuracy_statement")),
            signature=data.get("signature", ""),
            works=[WorkData(title=r["title"], kind=r["kind"],
                            rights_holder=r.get("rights_holder", ""),
                            identifier=r.get("identifier", ""))
                   for r in self._rows_read("works")] + self._pasted_works(),
            locations=[LocationData(url=r["url"], seen_at=r.get("seen_at"),
                                    prompt=r.get("prompt", ""), works=r.get("works", ()))
                       for r in self._rows_read("locations")] + self._pasted_locations(),
            questions=[r["text"] for r in self._rows_read("questions")],
        )
