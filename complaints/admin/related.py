"""The case page's related cases: the other cases naming the same output or work, each
with a box to tick for a merge, its desk page, title, filer and status."""
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints.models import Case
from complaints.selectors.cases import cases_related


def related_for_desk(case: Case) -> dict:
    """The template's `related` (the cases) and `related_rows` (their list items)."""
    related = _with_desk_urls(cases_related(case))
    return {"related": related, "related_rows": _related_rows(related, case)}


def _related_rows(related: list[Case], case: Case) -> str:
    """The related cases' list items, written here in one pass (twenty rows of a dozen
    lookups each were the longest loop of the page's template): a box to tick for a
    merge, the case's desk page, its title, filer and status."""
    dot = pgettext("between the parts of a line", " · ")
    merged_here = _("merged here")
    return format_html_join("", (
        '<li><label><input type="checkbox" name="duplicate" value="{}"{}> <a href="{}">{}</a>'
        '</label> {}<br><small class="quiet">{}{}{}{}</small></li>'), (
        (other.pk, " disabled" if not other.is_open or other.duplicate_of_id else "",
         other.desk_url, other.reference, Truncator(other.title).chars(50),
         other.filer.email, dot, other.get_desk_status_display(),
         format_html("{}{}", dot, merged_here) if other.duplicate_of_id == case.pk else "")
        for other in related))


def _with_desk_urls(cases: list[Case]) -> list[Case]:
    """Each case with its desk page's address as `desk_url` (the admin's URL pattern
    reversed once, not once a row)."""
    pattern = reverse("admin:complaints_case_change", args=[0])
    head, tail = pattern.rsplit("/0/", 1)
    for case in cases:
        case.desk_url = f"{head}/{case.pk}/{tail}"
    return cases
