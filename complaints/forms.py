"""Portal forms. They validate and build a CaseDraft; services do the rest."""
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import FiledAs, Remedy, Work
from complaints.services.cases import CaseDraft, LocationData, WorkData
from complaints.services.evidence import evidence_check

ERROR_NOT_EXACT = _(
    "This points to a whole site or channel. Give the exact output: the URL of the video "
    "or image itself, a share link, or the generation id."
)
ERROR_LOCATION_FORMAT = _(
    "Give a web address starting with http:// or https://, or a generation id "
    "without spaces."
)


def location_validate(value: str) -> str:
    value = value.strip()
    if "://" in value or value.startswith("www.") or "." in value.split("/")[0]:
        url = value if "://" in value else f"https://{value}"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(ERROR_LOCATION_FORMAT, code="format")
        if parts.path.strip("/") == "" and not parts.query and not parts.fragment:
            raise ValidationError(ERROR_NOT_EXACT, code="not_exact")
        return url
    if " " in value or len(value) < 6:
        raise ValidationError(ERROR_LOCATION_FORMAT, code="format")
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EvidenceFieldMixin:
    """Checks every uploaded file by its content and size."""

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        errors = []
        used = 0
        for upload in files:
            try:
                evidence_check(upload=upload, already_used_bytes=used)
                used += upload.size
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class OutputComplaintForm(EvidenceFieldMixin, forms.Form):
    title = forms.CharField(
        label=_("Short title"), max_length=200,
        help_text=_("For example: “Video reproduces our character Hoshino Aki”."),
    )
    filed_as = forms.ChoiceField(
        label=_("You are filing as"), choices=FiledAs.choices, widget=forms.RadioSelect,
        initial=FiledAs.RIGHTS_HOLDER,
    )
    principal_name = forms.CharField(
        label=_("Rights holder you represent"), max_length=200, required=False,
        help_text=_("Only when filing as an agent."),
    )
    authority_statement = forms.CharField(
        label=_("Statement of authority"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when filing as an agent: how you are authorised to act."),
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
    evidence = MultipleFileField(
        label=_("Evidence files"), required=False,
        help_text=_("Screenshots, frames, PDFs or short videos; at most 20 MB a file."),
    )
    good_faith_statement = forms.BooleanField(
        label=_("I have a good-faith belief that the use described is not authorised by the "
                "rights holder, its agent, or the law."),
    )
    accuracy_statement = forms.BooleanField(
        label=_("The information in this notice is accurate, and I am the rights holder or "
                "authorised to act for them."),
    )
    signature = forms.CharField(
        label=_("Signature: type your full name"), max_length=200,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("filed_as") == FiledAs.AGENT:
            if not cleaned.get("principal_name", "").strip():
                self.add_error("principal_name", _("Name the rights holder you act for."))
            if not cleaned.get("authority_statement", "").strip():
                self.add_error("authority_statement",
                               _("Say how you are authorised to act for them."))
        if Remedy.OTHER in (cleaned.get("remedies") or []) and not cleaned.get(
            "remedy_other", ""
        ).strip():
            self.add_error("remedy_other", _("Describe the other request."))
        return cleaned


class WorkForm(forms.Form):
    title = forms.CharField(label=_("Title of the work"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of work"), choices=Work.Kind.choices)
    rights_holder = forms.CharField(label=_("Rights holder"), max_length=200, required=False)
    identifier = forms.CharField(
        label=_("Official URL or identifier"), max_length=500, required=False
    )


class LocationForm(forms.Form):
    url = forms.CharField(
        label=_("Exact output location"), max_length=1000, validators=[location_validate],
        help_text=_("The URL of the video or image, a share link, or the generation id."),
    )
    seen_at = forms.DateTimeField(
        label=_("When you saw it"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"),
    )
    prompt = forms.CharField(
        label=_("Prompt, if known"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_url(self):
        return location_validate(self.cleaned_data["url"])


class _AtLeastOneFormSet(forms.BaseFormSet):
    error_message = ""

    def clean(self):
        super().clean()
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise ValidationError(self.error_message)


class WorkFormSet(_AtLeastOneFormSet):
    error_message = _("Name at least one of your works.")


class LocationFormSet(_AtLeastOneFormSet):
    error_message = _("Give at least one exact output location.")


WorkFormSetFactory = forms.formset_factory(
    WorkForm, formset=WorkFormSet, extra=1, can_delete=True, max_num=500, validate_max=True
)
LocationFormSetFactory = forms.formset_factory(
    LocationForm, formset=LocationFormSet, extra=1, can_delete=True, max_num=500,
    validate_max=True,
)


def output_complaint_draft(*, form, works, locations, language: str) -> CaseDraft:
    data = form.cleaned_data
    return CaseDraft(
        kind="output_complaint",
        title=data["title"],
        language=language,
        filed_as=data["filed_as"],
        principal_name=data.get("principal_name", ""),
        authority_statement=data.get("authority_statement", ""),
        ai_product=data["ai_product"],
        ai_model=data.get("ai_model", ""),
        similarity=data["similarity"],
        remedies=list(data["remedies"]),
        remedy_other=data.get("remedy_other", ""),
        good_faith_statement=data["good_faith_statement"],
        accuracy_statement=data["accuracy_statement"],
        signature=data["signature"],
        works=[
            WorkData(title=f.cleaned_data["title"], kind=f.cleaned_data["kind"],
                     rights_holder=f.cleaned_data.get("rights_holder", ""),
                     identifier=f.cleaned_data.get("identifier", ""))
            for f in works.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
        locations=[
            LocationData(url=f.cleaned_data["url"], seen_at=f.cleaned_data.get("seen_at"),
                         prompt=f.cleaned_data.get("prompt", ""))
            for f in locations.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
    )


class ReplyForm(EvidenceFieldMixin, forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("Attach files"), required=False)
