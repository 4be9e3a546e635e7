"""The filing form's paste boxes: lists pasted one row a line, beside the kind's own form
(complaints.portal.forms), each line checked as a single row is."""
from django import forms
from django.contrib.auth import get_user
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.domain.kinds import limit_help
from complaints.domain.pasted import (
    NOTICE_FORM_MAX_BYTES,
    URL_MAX,
    pasted_locations,
    pasted_works,
    work_kind_names,
)
from complaints.domain.text import listing
from complaints.models import Work

PASTE_LOCATIONS_HELP = _(
    "One output location a line. To say when you saw it, add a tab after the location, "
    "then the date: 2026-11-20 or 2026-11-20 10:30 (two columns copied from a spreadsheet "
    "read this way). Blank lines are ignored. These are added to the rows above.")
PASTE_WORKS_HELP = _(
    "One work a line: title | kind | rights holder | identifier. The rights holder and "
    "identifier may be left out. Kinds: %(kinds)s. Blank lines are ignored. These are added "
    "to the rows above.")


def _work_kind_names() -> dict[str, str]:
    """A kind as its code or its label in English or Japanese."""
    names = {}
    for language in ("en", "ja"):
        with translation.override(language):
            names.update(work_kind_names((code, str(label))
                                         for code, label in Work.Kind.choices))
    return names


def _kinds_listed() -> str:
    """The kinds as the reader is told them: "anime (Anime), …", 「anime（アニメ）、…」."""
    return listing(pgettext_lazy("a kind of work's code and its name", "%(code)s (%(label)s)")
                   % {"code": code, "label": label} for code, label in Work.Kind.choices)


class PasteForm(forms.Form):
    """Lists pasted one row a line; each line is checked as a single row is, and its
    refusals are said by line number next to the box, with the text kept as typed."""

    paste_locations = forms.CharField(
        label=_("Paste a list of output locations"), required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "wrap": "off"}),
        help_text=PASTE_LOCATIONS_HELP)
    paste_works = forms.CharField(
        label=_("Paste a list of works"), required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "wrap": "off"}))

    def __init__(self, *args, locations: bool, works: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not locations:
            del self.fields["paste_locations"]
        if works:
            self.fields["paste_works"].help_text = PASTE_WORKS_HELP % {"kinds": _kinds_listed()}
        else:
            del self.fields["paste_works"]
        # The lines read, kept beside the refusals of the others (a notice with one bad line
        # still says what is wrong with the rest, and no more); `bad_work_lines`: the box's
        # numbers of the work lines that could not be read.
        self.locations: list = []
        self.works: list = []
        self.bad_work_lines: list[int] = []

    def clean_paste_locations(self):
        text = self.cleaned_data["paste_locations"]
        pasted = pasted_locations(text)
        self.locations = pasted.rows
        if pasted.errors:
            raise ValidationError(pasted.errors)
        return text

    def clean_paste_works(self):
        text = self.cleaned_data["paste_works"]
        pasted = pasted_works(text, kinds=_work_kind_names(), listed=_kinds_listed())
        self.works, self.bad_work_lines = pasted.rows, pasted.bad_lines
        if pasted.errors:
            raise ValidationError(pasted.errors)
        return text


# --- A notice larger than a filing page reads ----------------------------------------

def notice_form_max_bytes() -> int:
    """A filing page's allowance (config/bodies.py): the largest notice the limits allow,
    pasted (about 39 MB)."""
    return NOTICE_FORM_MAX_BYTES


def notice_too_large(request, limit: int) -> HttpResponse:
    """Said before any view reads the form (nothing of it can be shown again): why, the
    limits, and how to go on without typing it all again. Signed out, the site's limit
    is what stopped it, and logging in is the way on: not splitting the notice."""
    user = get_user(request)
    language = user.language if user.is_authenticated else translation.get_language()
    with translation.override(language):
        page = loader.render_to_string("complaints/notice_too_large.html", {
            "size": filesizeformat(limit), "limits": limit_help(),
            "signed_in": user.is_authenticated, "form_path": request.path,
            "url_max": formats.number_format(URL_MAX, force_grouping=True)})
    return HttpResponse(page, status=413)
