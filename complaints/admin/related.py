"""The case page's related cases: the other cases naming the same output or work, each
with a box to tick for a merge, its desk page, title, filer and status."""
import unicodedata
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from complaints.models import Case
from complaints.templatetags.kotae import dot as dot_between


def related_for_desk(case: Case, related: list[Case]) -> dict:
    """The template's `related` (the cases, as cases_related reads them) and
    `related_rows` (their list items)."""
    related = _with_desk_urls(related)
    return {"related": related, "related_rows": _related_rows(related, case)}


def _related_rows(related: list[Case], case: Case) -> str:
    """The related cases' list items, written here in one pass (twenty rows of a dozen
    lookups each were the longest loop of the page's template): a box to tick for a
    merge, the case's desk page, its title (cut as the truncatechars filter cuts it), filer
    and status. Every value is escaped as Django's escape does (html.escape)."""
    dot = escape(dot_between())  # the template's {% dot %}
    merged_here = f"{dot}{escape(_('merged here'))}"
    return mark_safe("".join(  # noqa: S308 (every text through escape)
        f'<li><label><input type="checkbox" name="duplicate" value="{other.pk}"'
        f'{" disabled" if not other.is_open or other.duplicate_of_id else ""}> '
        f'<a href="{escape(other.desk_url)}">{escape(other.reference)}</a></label> '
        f'{escape(_cut(other.title, 50))}<br><small class="quiet">{escape(other.filer.email)}'
        f'{dot}{escape(str(other.get_desk_status_display()))}'
        f'{merged_here if other.duplicate_of_id == case.pk else ""}</small></li>'
        for other in related))


def _cut(text: str, length: int) -> str:
    """Django's truncatechars: a text already short enough (after NFC, as Truncator counts)
    is kept whole without counting its characters one by one."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def _with_desk_urls(cases: list[Case]) -> list[Case]:
    """Each case with its desk page's address as `desk_url` (the admin's URL pattern
    reversed once, not once a row)."""
    pattern = reverse("admin:complaints_case_change", args=[0])
    head, tail = pattern.rsplit("/0/", 1)
    for case in cases:
        case.desk_url = f"{head}/{case.pk}/{tail}"
    return cases
