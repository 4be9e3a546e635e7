"""A notice's copy as a reader sees it: labelled fields, then its works, output locations,
questions and evidence. The same shape for the review before sending (from the draft) and
for the copy of what was sent (from the case's content as sent)."""
import json
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from complaints.domain.languages import notice_language_label
from complaints.domain.statements import STATEMENTS, statement_label
from complaints.domain.text import listing, number, quoted
from complaints.models import Case, Remedy, TrainingUse, Work
from complaints.selectors.cases import cases_visible_to

# The order a reader expects; a field the copy holds that is not named here follows them.
FIRST = ["title", "filed_as", "principal_name", "authority_statement",
         "organisation", "law", "ai_product", "ai_model", "appeal_of", "appeal_grounds",
         "similarity", "remedies", "remedy_other", "whole_catalogue", "training_uses",
         "catalogue_identifiers"]
LAST = ["good_faith_statement", "accuracy_statement", "signature"]
# Rows listed apart, the kind of case, which every copy shows in its heading, and the
# statements' words, shown as the statements' values.
ROWS = {"works", "locations", "questions", "evidence", "format", "kind", "statements"}
LIST_CHOICES = {"remedies": Remedy, "training_uses": TrainingUse}
LABELS = {"organisation": _("Shared with the organisation"), "appeal_of": _("Appeal against")}
YES = pgettext_lazy("a notice's copy", "Yes")
NO = pgettext_lazy("a notice's copy", "No")
WORK_NAMED = pgettext_lazy("a work an output location copies", "work %(number)s %(title)s")
WORK_NUMBERED = pgettext_lazy("a work an output location copies", "work %(number)s")
SHORT_COPY_ROWS = 50  # an e-mail's copy lists this many works and locations; the page the rest


@dataclass
class NoticeCopy:
    fields: list[tuple[str, str]]
    works: list[dict] = field(default_factory=list)
    locations: list[dict] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    works_total: int = 0
    locations_total: int = 0

    url: str = ""  # where the whole copy is (an e-mail's link)
    sha256: str = ""

    @property
    def evidence_names(self) -> list[str]:
        return [file["name"] for file in self.evidence]

    @property
    def rows_shown(self) -> str:
        """How many rows an e-mail's cut copy lists, in words: "50 output locations, 1
        work" / 「生成物の掲載場所50件、作品1件」; a list the notice does not have is left out."""
        counts = [ngettext("%(count)s output location", "%(count)s output locations", n)
                  % {"count": number(n)} for n in [len(self.locations)] if n]
        counts += [ngettext("%(count)s work", "%(count)s works", n) % {"count": number(n)}
                   for n in [len(self.works)] if n]
        return listing(counts)

    @property
    def cut(self) -> bool:
        return len(self.works) < self.works_total or len(self.locations) < self.locations_total


def _label(name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    try:
        return capfirst(str(Case._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def _text(name: str, value, content: dict) -> str:
    if name in STATEMENTS and value is True:  # in the words confirmed
        words = (content.get("statements") or {}).get(name)
        if not isinstance(words, str) or not words:  # a copy kept before: by kind and law
            words = str(statement_label(name, kind=content.get("kind") or "",
                                        law=content.get("law") or ""))
        return words
    if name == "notice_language" and isinstance(value, str):
        return notice_language_label(value)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if name in LIST_CHOICES:
        labels = dict(LIST_CHOICES[name].choices)
        return listing(str(labels.get(v, v)) for v in value)
    try:
        choices = dict(Case._meta.get_field(name).flatchoices)
    except FieldDoesNotExist:
        choices = {}
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(choices.get(value, value)) if value is not None else ""


def _work_named(number, titles: list[str]) -> str:
    """A work a location copies, by its number in the notice and its title."""
    if isinstance(number, int) and 0 < number <= len(titles):
        return WORK_NAMED % {"number": number, "title": quoted(titles[number - 1])}
    return WORK_NUMBERED % {"number": number}


def notice_copy_present(content: dict, *, limit: int | None = None) -> NoticeCopy:
    """The content (as `notice_content` builds it) for reading; `limit` cuts the works and
    locations to their first rows (the totals say how many there are)."""
    names = [n for n in FIRST if n in content]
    names += [n for n in content if n not in FIRST and n not in LAST and n not in ROWS]
    names += [n for n in LAST if n in content]
    fields = []
    for name in names:
        value = content[name]
        if value in ("", [], None) or (value is False and name not in LAST):
            continue
        fields.append((_label(name), _text(name, value, content)))
    kinds = dict(Work.Kind.choices)
    works = [{**w, "kind_label": str(kinds.get(w.get("kind"), w.get("kind")))}
             for w in content.get("works", [])[:limit]]
    titles = [w.get("title", "") for w in content.get("works", [])]
    locations = [{**loc, "seen_at": parse_datetime(loc["seen_at"]) if loc.get("seen_at")
                  else None, "copies": listing(_work_named(n, titles) for n in
                                               loc.get("works") or [])}
                 for loc in content.get("locations", [])[:limit]]
    return NoticeCopy(fields=fields, works=works, locations=locations,
                      questions=content.get("questions", []),
                      evidence=content.get("evidence", []),
                      works_total=len(content.get("works", [])),
                      locations_total=len(content.get("locations", [])))


def case_notice_copy(case: Case, *, limit: int | None = None) -> NoticeCopy | None:
    """The copy of what was sent, or None for a case filed before copies were kept."""
    if not case.content_as_sent:
        return None
    return notice_copy_present(json.loads(case.content_as_sent), limit=limit)


def case_get_for_copy(user, reference: str) -> Case:
    """The case whose copy is asked for: for its filer, their organisation, or staff; 404
    for anyone else. Only the case row: the copy is read from its content as sent."""
    if "\x00" in reference:
        raise Http404
    cases = Case.objects.all() if user.is_authenticated and user.is_staff \
        else cases_visible_to(user)
    return get_object_or_404(cases.select_related("filer"), reference=reference)


def case_on_portal(user, case: Case) -> bool:
    """Whether the user may open the case's portal page (its filer, their organisation);
    staff who may not read it there on the desk."""
    return case.filer_id == user.pk or cases_visible_to(user).filter(pk=case.pk).exists()
