"""The queue's rows, written in one pass.

Django's changelist renders each cell through lookup_field, display_for_value, format_html
and, for the checkbox, a widget template: about 9 template renders and 80 lookups a row,
which was four fifths of the queue's time at 100 rows. The rows here hold exactly the same
cells (tests/complaints/admin/test_queue_rows.py compares them with Django's own renderer),
built as strings: every label is looked up once per request in the viewer's language, every
date formatted by one formatter in the viewer's time zone. The headers (sortable), the
action checkbox column and everything around the table are still Django's. No cache: a
page is built from the rows just read."""
import html

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import admin_list_filter, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3
from django.utils.encoding import iri_to_uri
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from complaints.admin.queue import BADGES, deadline_state
from complaints.domain.status import Status, desk_label
from complaints.models import Case, Priority

# Only these columns are written by the lean renderer; any other list_display falls back to
# Django's (a column added to CaseAdmin.list_display and not here shows the old way).
COLUMNS = ("action_checkbox", "reference_and_kind", "deadline_badge", "title",
           "filer_and_organisation", "status_for_desk", "assignee_name", "priority_badge")
PK = "__pk__"
SELECTED = ' class="selected"'


def escape(value) -> str:
    """django.utils.html.escape's text, without its lazy-string wrapper (700 calls a page)."""
    return html.escape(str(value))


# What the rows read, as plain tuples: no model instances (three a row), none of the
# columns the queue does not show (statements, addresses, JSON).
ROW_FIELDS = ("pk", "reference", "kind", "title", "status", "next_due_at", "priority",
              "assignee_id", "organisation_id", "filer__display_name", "filer__email",
              "assignee__display_name", "assignee__email", "organisation__name")
DAY_PARTS = "jdnmYM"  # the date letters MomentFormatter writes itself (Django's meanings)


def _safe(value) -> str:
    """What {{ value }} writes: a safe string as it is, anything else escaped."""
    return value if isinstance(value, SafeData) else escape(value)


class MomentFormatter:
    """formats.date_format(localtime(value), "DATETIME_FORMAT"), as the `when` filter writes
    it, for one request: the zone and the format are read once; a format of day, month and
    year followed by "H:i T" (both of Kotae's) is written here, any other by Django."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.format = get_format("DATETIME_FORMAT")
        head = self.format.removesuffix("H:i T")
        letters = {c for c in head if c.isascii() and c.isalpha()}
        lean = head != self.format and "\\" not in head and letters <= set(DAY_PARTS)
        self.head = head if lean else None
        self.months = {m: str(MONTHS_3[m]).title() for m in range(1, 13)} if lean else {}

    def __call__(self, value) -> str:
        if not value:
            return ""
        local = value.astimezone(self.zone)
        if self.head is None:
            return dateformat.format(local, self.format)
        parts = {"j": str(local.day), "d": f"{local.day:02d}", "n": str(local.month),
                 "m": f"{local.month:02d}", "Y": str(local.year), "M": self.months[local.month]}
        head = "".join(parts.get(c, c) for c in self.head)
        return f"{head}{local.hour:02d}:{local.minute:02d} {local.tzname()}"


class DeskChangeList(ChangeList):
    """The case changelist; lean_results is what the queue's template shows."""

    def lean(self) -> bool:
        """Whether the lean rows show this list (the queue as CaseAdmin lists it); a popup,
        an editable list or other columns are Django's."""
        return (not self.model_admin.list_editable and not self.is_popup
                and not self.to_field and tuple(self.list_display) in (COLUMNS, COLUMNS[1:])
                and tuple(self.list_display_links or ()) == ("reference_and_kind", "title"))

    def get_results(self, request):
        super().get_results(request)
        if self.lean():  # the actions read their own queryset, whole
            self.result_list = self.result_list.values_list(*ROW_FIELDS, named=True)

    @cached_property
    def lean_results(self):
        if self.formset or not self.lean():
            return None
        columns = tuple(self.list_display)
        headers = list(result_headers(self))
        return {"result_headers": headers,
                "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
                # Every value in them went through escape() (tests/.../test_queue_rows.py).
                "rows": mark_safe("".join(self._rows(checkbox=columns == COLUMNS)))}  # noqa: S308

    @cached_property
    def lean_filters(self):
        """The sidebar: admin/filter.html's markup for each filter that uses it, written here
        (ten template renders a page otherwise); a filter with a template of its own keeps it."""
        by = _(" By %(filter_title)s ")
        parts = []
        for spec in self.filter_specs:
            if spec.template != "admin/filter.html":
                parts.append(admin_list_filter(self, spec))
                continue
            title = _safe(spec.title)
            items = "".join(
                f"\n    <li{SELECTED if choice['selected'] else ''}>\n    "
                f'<a href="{_safe(iri_to_uri(choice["query_string"]))}">'
                f"{_safe(choice['display'])}</a></li>\n  "
                for choice in spec.choices(self))
            parts.append(f'<details data-filter-title="{title}" open>\n  <summary>\n    '
                         f"{by % {'filter_title': title}}\n  </summary>\n  <ul>\n  {items}\n"
                         "  </ul>\n</details>\n")
        return mark_safe("".join(parts))  # noqa: S308 (each text through _safe)

    def _link(self):
        """The change page's address around the pk, with the queue's filters kept."""
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                      args=[PK], current_app=self.model_admin.admin_site.name)
        full = add_preserved_filters({"preserved_filters": self.preserved_filters,
                                      "opts": self.opts}, url)
        before, _pk, after = full.partition(PK)
        return escape(before), escape(after)

    def _rows(self, checkbox):
        before, after = self._link()
        # str() first: escape() of a lazy label stays lazy, translated again at each use.
        kinds = {k: escape(str(v)) for k, v in Case._meta.get_field("kind").flatchoices}
        priorities = {k: escape(str(v)) for k, v in Priority.choices}
        statuses = {s: escape(desk_label(s)) for s in Status.values}
        badges = {state: escape(str(label)) for state, label in BADGES.items()}
        unassigned = f"<span class='quiet'>{escape(_('unassigned'))}</span>"
        select = _("Select this object for an action - {}")
        empty = self.model_admin.get_empty_value_display()
        when = MomentFormatter()
        now = timezone.now()
        for case in self.result_list:
            pk = case.pk
            href = f"{before}{pk}{after}"
            reference = escape(case.reference)
            title = escape(case.title) if case.title.strip() else empty
            state = deadline_state(case, now)
            if state == "none":
                due = "—"
            elif state == "later":
                due = escape(when(case.next_due_at))
            else:
                due = (f'<span class="badge badge-{state}">{badges[state]}</span> '
                       f"{escape(when(case.next_due_at))}")
            if case.assignee_id is None:
                assignee = unassigned
            else:
                assignee = escape(case.assignee__display_name or case.assignee__email)
            priority = priorities.get(case.priority) or escape(case.priority)
            if case.priority in ("high", "urgent"):
                priority = (f'<span class="badge badge-priority-{escape(case.priority)}">'
                            f"{priority}</span>")
            filer = escape(case.filer__display_name or case.filer__email)
            second = escape(case.filer__email if case.organisation_id is None
                            else case.organisation__name)
            yield "\n<tr>"
            if checkbox:  # str(case) is "reference title"
                label = select.format(escape(f"{case.reference} {case.title}"))
                yield ('<td class="action-checkbox"><input type="checkbox" '
                       f'name="{ACTION_CHECKBOX_NAME}" value="{pk}" class="action-select" '
                       f'aria-label="{label}"></td>')
            yield (
                f'<th class="field-reference_and_kind"><a href="{href}">{reference}<br>'
                f"<small class='quiet'>{kinds.get(case.kind) or escape(case.kind)}</small>"
                "</a></th>"
                f'<td class="field-deadline_badge">{due}</td>'
                f'<td class="field-title"><a href="{href}">{title}</a></td>'
                f'<td class="field-filer_and_organisation">{filer}<br>'
                f"<small class='quiet'>{second}</small></td>"
                f'<td class="field-status_for_desk">'
                f"{statuses.get(case.status) or escape(case.status)}</td>"
                f'<td class="field-assignee_name">{assignee}</td>'
                f'<td class="field-priority_badge">{priority}</td></tr>\n'
            )

