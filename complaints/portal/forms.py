"""Portal forms. They parse what was typed and build a CaseDraft; what a filing of each
kind must hold, and the words for what is missing, are the domain's
(complaints/domain/kinds.py), checked by complaints/portal/filing.py and by case_submit."""

import re
import unicodedata
from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from complaints.domain.kinds import CONTACT_MAX, ERROR_LAW_UNKNOWN, LIMITS, MISSING, too_many
from complaints.domain.languages import ERROR_NOTICE_LANGUAGE, notice_language_choices
from complaints.domain.laws import Law, accuracy_statement_label
from complaints.domain.locations import location_validate
from complaints.domain.retractions import ERROR_STATEMENT, STATEMENT_MAX
from complaints.domain.statements import ACCURACY_AS_KNOWN, good_faith_statement_label
from complaints.models import FiledAs, Remedy, TrainingUse, Work
from complaints.services.evidence import evidence_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EvidenceFieldMixin:
    """Checks every new file by its content and size, counting files already kept."""

    staged_bytes = 0

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        errors = []
        used = self.staged_bytes
        for upload in files:
            try:
                evidence_check(upload=upload, already_used_bytes=used)
                used += upload.size
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


EVIDENCE_HELP = _(
    "Screenshots, frames, PDFs or short videos (PNG, JPEG, WebP, GIF, PDF, MP4, WebM); at "
    "most 20 MB a file and 100 MB in all. You can choose several files at once."
)


CONTACT_HELP = _("Required for a notice under US law; optional otherwise. Never shown to the "
                 "output's owner.")
CONTACT_FIELDS = ("filer_postal_address", "filer_phone", "principal_postal_address",
                  "principal_phone")


class FilingForm(EvidenceFieldMixin, forms.Form):
    """What every kind of filing holds: who files, evidence, statements and signature."""

    filed_as = forms.ChoiceField(
        label=_("You are filing as"), choices=FiledAs.choices, widget=forms.RadioSelect,
        initial=FiledAs.RIGHTS_HOLDER,
    )
    principal_name = forms.CharField(
        label=_("Rights holder you represent"), max_length=200, required=False,
        help_text=_("Only when filing as an agent: the company or person you act for."),
    )
    authority_statement = forms.CharField(
        label=_("Statement of authority"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when filing as an agent: how you are authorised to act for them."),
    )
    filer_postal_address = forms.CharField(
        label=_("Your postal address"), required=False,
        max_length=CONTACT_MAX["filer_postal_address"],
        widget=forms.Textarea(attrs={"rows": 2}), help_text=CONTACT_HELP)
    filer_phone = forms.CharField(
        label=_("Your telephone number"), required=False, max_length=CONTACT_MAX["filer_phone"],
        help_text=CONTACT_HELP)
    principal_postal_address = forms.CharField(
        label=_("Postal address of the rights holder you represent"), required=False,
        max_length=CONTACT_MAX["principal_postal_address"],
        widget=forms.Textarea(attrs={"rows": 2}), help_text=CONTACT_HELP)
    principal_phone = forms.CharField(
        label=_("Telephone number of the rights holder you represent"), required=False,
        max_length=CONTACT_MAX["principal_phone"], help_text=CONTACT_HELP)
    notice_language = forms.ChoiceField(
        label=_("Language of the notice"), required=False,
        error_messages={"invalid_choice": ERROR_NOTICE_LANGUAGE},
        help_text=_("The language you write this notice in. We answer in the language of "
                    "these pages."))
    organisation = forms.TypedChoiceField(
        label=_("Share with your organisation"), required=False, coerce=int,
        empty_value=None,
        help_text=_("Members of the organisation can follow the case with you."),
    )
    evidence = MultipleFileField(label=_("Evidence files"), help_text=EVIDENCE_HELP)
    good_faith_statement = forms.BooleanField(
        label=good_faith_statement_label("output_complaint"))
    accuracy_statement = forms.BooleanField(
        label=_("The information in this notice is accurate, and I am the rights holder or "
                "authorised to act for them."),
    )
    signature = forms.CharField(
        label=_("Signature: type your full name"), max_length=200,
        help_text=_("Typing your name signs the statements above."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = [(m.organisation_id, str(m.organisation))
                         for m in user.memberships.select_related("organisation")]
        if organisations:
            self.fields["organisation"].choices = [("", _("No, only me"))] + organisations
        else:
            del self.fields["organisation"]
        self.fields["notice_language"].choices = notice_language_choices()
        self.fields["notice_language"].initial = (get_language() or "en")[:2]
        for name, field in self.fields.items():  # a part left out, in the domain's words
            if name in MISSING:
                field.error_messages["required"] = MISSING[name]
        for name in CONTACT_FIELDS:  # required under US law: never marked "(optional)"
            if name in self.fields:
                self.fields[name].conditional = True
        if "law" in self.fields and "accuracy_statement" in self.fields:
            law = (self.data.get("law") if self.is_bound else self.initial.get("law")) or ""
            self.fields["accuracy_statement"].label = accuracy_statement_label(law)


LAW_HELP = _("It decides the wording of the statements below and what the output's owner "
             "may answer. The statement's wording follows your choice when the form is "
             "checked.")


def law_field(*, required: bool) -> forms.ChoiceField:
    choices = Law.choices if required else [("", _("Not stated"))] + Law.choices
    return forms.ChoiceField(label=_("Law your notice is made under"), choices=choices,
                             required=required, widget=forms.RadioSelect, help_text=LAW_HELP,
                             error_messages={"invalid_choice": ERROR_LAW_UNKNOWN})


class OutputComplaintForm(FilingForm):
    title = forms.CharField(
        label=_("Short title"), max_length=200,
        help_text=_("For example: “Video reproduces our character Hoshino Aki”."),
    )
    ai_product = forms.CharField(
        label=_("AI product"), max_length=200,
        help_text=_("The service that made the output, e.g. a video generator."),
    )
    ai_model = forms.CharField(label=_("AI model, if known"), max_length=200, required=False)
    similarity = forms.CharField(
        label=_("What is similar"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In your own words: which elements of your work appear in the output."),
    )
    remedies = forms.MultipleChoiceField(
        label=_("What you ask for"), choices=Remedy.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    remedy_other = forms.CharField(label=_("Other request"), max_length=500, required=False)
    law = law_field(required=True)

    field_order = ["title", "filed_as", "principal_name", "authority_statement",
                   "organisation", "law", "ai_product", "ai_model", "similarity", "remedies",
                   "remedy_other", "evidence"]


class TrainingObjectionForm(FilingForm):
    title = forms.CharField(
        label=_("Short title"), max_length=200,
        help_text=_("For example: “Do not train on the works of Studio Hoshizora”."),
    )
    whole_catalogue = forms.BooleanField(
        label=_("The objection covers the rights holder's whole catalogue"), required=False,
    )
    catalogue_identifiers = forms.CharField(
        label=_("Identifiers of the catalogue"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web sites, domains, title lists or other identifiers, one a line."),
    )
    training_uses = forms.MultipleChoiceField(
        label=_("Uses you object to"), choices=TrainingUse.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    law = law_field(required=False)
    good_faith_statement = forms.BooleanField(
        label=good_faith_statement_label("training_objection"))

    field_order = ["title", "filed_as", "principal_name", "authority_statement",
                   "organisation", "law", "whole_catalogue", "catalogue_identifiers",
                   "training_uses", "evidence"]


class InquiryForm(FilingForm):
    title = forms.CharField(
        label=_("Short title"), max_length=200,
        help_text=_("For example: “Was our anime used to train the video model?”"),
    )
    ai_product = forms.CharField(label=_("AI product, if the question is about one"),
                                 max_length=200, required=False)
    ai_model = forms.CharField(label=_("AI model, if known"), max_length=200, required=False)
    accuracy_statement = forms.BooleanField(label=ACCURACY_AS_KNOWN)

    field_order = ["title", "filed_as", "principal_name", "authority_statement",
                   "organisation", "ai_product", "ai_model", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["good_faith_statement"]  # a question asserts no infringement
        for name in CONTACT_FIELDS:  # a question is made under no law
            del self.fields[name]
        # The one asking is ご本人 on inquiry screens, not the complaints' 申立人.
        self.fields["filed_as"].label = pgettext_lazy("inquiry", "You are filing as")


class AppealForm(FilingForm):
    appeal_grounds = forms.CharField(
        label=_("Why the decision should change"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what the decision got wrong, and add anything we did not know."),
    )
    good_faith_statement = forms.BooleanField(label=good_faith_statement_label("appeal"))

    field_order = ["appeal_grounds", "filed_as", "principal_name", "authority_statement",
                   "organisation", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*CONTACT_FIELDS, "notice_language"):  # the appeal's case has them
            del self.fields[name]


class WorkForm(forms.Form):
    title = forms.CharField(label=_("Title of the work"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of work"),
                             choices=[("", _("Choose…"))] + Work.Kind.choices)
    rights_holder = forms.CharField(label=_("Rights holder"), max_length=200, required=False)
    identifier = forms.CharField(
        label=_("Official URL or identifier"), max_length=500, required=False,
        help_text=_("The official page, an ISBN, a product code or a registration number."),
    )


ERROR_WORK_NUMBERS = _("Write the numbers of the works, separated by commas, e.g. “1, 3”.")


class LocationForm(forms.Form):
    url = forms.CharField(
        label=_("Exact output location"), max_length=1000,
        help_text=_("The URL of the video or image, a share link, or the generation id — "
                    "not the home page of the site or a channel."),
    )
    seen_at = forms.DateTimeField(
        label=_("When you saw it"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    prompt = forms.CharField(
        label=_("Prompt, if known"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    works = forms.CharField(
        label=_("Works it copies"), required=False, max_length=2000,
        help_text=_("The numbers of the works of this notice that it copies, e.g. “1, 3” "
                    "for work 1 and work 3. Optional."))

    def clean_url(self):
        return location_validate(self.cleaned_data["url"])

    def clean_seen_at(self):
        seen = self.cleaned_data["seen_at"]
        try:  # a year the clock cannot carry (year 1 east of UTC): not a 500 later
            if seen is not None:
                seen.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError(_("Give a real date and time.")) from None
        return seen

    def clean_works(self):
        """"1, 3" or "1、3" (full-width digits too) as (1, 3); whether each number is a work
        of the notice is the domain's to say, in the words the API uses too."""
        text = unicodedata.normalize("NFKC", self.cleaned_data["works"])
        parts = [p for p in re.split(r"[\s,、，]+", text) if p]
        if not all(p.isascii() and p.isdigit() for p in parts):
            raise ValidationError(ERROR_WORK_NUMBERS)
        return tuple(dict.fromkeys(int(p) for p in parts))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000)


class RowsFormSet(forms.BaseFormSet):
    """A list of rows the filer can grow and shrink; blank rows are ignored. Whether a
    kind needs a row, and how many it may have, is the domain's (`name`)."""

    name = ""
    deletion_widget = forms.HiddenInput
    # Rows sent without the form's hidden counts (a page not of ours, or cut short): said in
    # words, never as Django's field names.
    default_error_messages = {"missing_management_form": _(
        "The form arrived incomplete. Please fill it in again and send it.")}
    # Values to show again in rows rebuilt after an add/remove; every row stays an
    # "extra" row, so a row left blank is ignored rather than refused.
    row_values: list[dict] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages["too_many_forms"] = too_many(self.name, self._rows_sent())

    def _rows_sent(self) -> int | None:
        """How many rows the form says it sends (for the limit's message)."""
        try:
            return int(self.data.get(self.add_prefix("TOTAL_FORMS")))
        except (TypeError, ValueError):
            return None

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.row_values is not None and index is not None and index < len(self.row_values):
            kwargs["initial"] = self.row_values[index]
        return kwargs

    def filled_forms(self):
        return [f for f in self.forms
                if f.has_changed() and not self._should_delete_form(f)]

    def add_error(self, message) -> None:
        """A rule of the kind the rows break (none given), said above the rows."""
        self.non_form_errors().append(message)


class WorkFormSet(RowsFormSet):
    name = "works"


class LocationFormSet(RowsFormSet):
    name = "locations"


class QuestionFormSet(RowsFormSet):
    name = "questions"


def rows_formset(form, base, extra):
    limit = LIMITS[base.name]
    return forms.formset_factory(form, formset=base, extra=extra, can_delete=True,
                                 max_num=limit, validate_max=True, absolute_max=limit)


class ReplyForm(EvidenceFieldMixin, forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=20000)
    evidence = MultipleFileField(label=_("Attach files"), help_text=EVIDENCE_HELP)


class EvidenceAddForm(EvidenceFieldMixin, forms.Form):
    evidence = MultipleFileField(label=_("Add evidence files"), help_text=EVIDENCE_HELP,
                                 required=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("evidence") and not self.errors:
            self.add_error("evidence", _("Choose at least one file."))
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
    )


class AnyOfTheCaseField(forms.MultipleChoiceField):
    """Checkboxes of the case's locations; whether a value is one of them (and still in
    the notice) is the domain's to say, in the words the API uses too."""

    def valid_value(self, value):
        return True


class RetractForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What do you retract?"), widget=forms.RadioSelect, initial="whole",
        choices=[("whole", _("The whole notice")),
                 ("some", _("Some output locations only"))])
    locations = AnyOfTheCaseField(label=_("Output locations to retract"), required=False,
                                  widget=forms.CheckboxSelectMultiple)
    statement = forms.CharField(
        label=_("Why are you retracting?"), max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": ERROR_STATEMENT},
        help_text=_("A sentence or two is enough. It is kept with the case."))

    def __init__(self, *args, urls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].choices = [(url, url) for url in urls]
        if not urls:  # a training objection names works, not locations: only the whole
            self.fields["scope"].widget = forms.HiddenInput()
            del self.fields["locations"]

    @property
    def whole(self) -> bool:
        return self.cleaned_data.get("scope") != "some"

    @property
    def urls(self) -> list[str]:
        return [] if self.whole else self.cleaned_data.get("locations", [])


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Did this answer help?"), widget=forms.RadioSelect,
        choices=[("yes", pgettext_lazy("feedback", "Yes")),
                 ("no", pgettext_lazy("feedback", "No"))],
        coerce=lambda v: v == "yes",
    )
    comment = forms.CharField(label=_("Anything you want to tell us"),
                              required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=4000)
