"""The queue's parts: filters (the status filter opens on the cases that need work), the
deadline badge, and a paginator that never counts the whole table."""
from datetime import timedelta

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.cache import cache
from django.db.models import F, Q
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from complaints.domain.languages import NOT_RECORDED, notice_language_label
from complaints.domain.status import DESK_CHOICES, OPEN_STATUSES, Status
from complaints.models import Case
from config.pagination import CappedCountPaginator

DUE_SOON = timedelta(days=1)
BADGES = {
    "overdue": _("Overdue"),
    "today": _("Due today"),
    "soon": _("Due soon"),
    "paused": _("Paused"),
}


class InArray(In):
    """pk IN (…) for many ids, sent to PostgreSQL as one array (pk = ANY(%s)): a search's
    2,000 ids cost a quarter of the time of 2,000 parameters, parsed and planned twice
    (the count and the page). Other databases get the plain IN."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # One text parameter ("1,2,3"): psycopg writes it at once, not number by number.
        ids = ",".join(str(int(v)) for v in self.rhs if v is not None)
        return f"{lhs} = ANY(string_to_array(%s, ',')::bigint[])", (*lhs_params, ids)


class KeysFirstPaginator(CappedCountPaginator):
    """A search's pages: the matching cases' primary keys read once, in the queue's order
    (narrow rows, a few thousand at most: the search caps them), which is the count too;
    a page then reads its hundred rows by primary key. Counting and sorting the full,
    joined rows of every match cost twice as much."""

    @cached_property
    def keys(self):
        return list(self.object_list.values_list("pk", flat=True)[:self.cap + 1])

    @cached_property
    def counted(self) -> int:
        return len(self.keys)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list.all()
        # The keys passed the search and every filter already; the page is read by them
        # alone (with the search's ids too, the planner expects one row and joins by scans).
        rows.query.clear_where()
        return self._get_page(rows.filter(pk_among(self.keys[bottom:top])), number, self)


def pk_among(ids):
    """A filter: the row's primary key is one of ids."""
    return InArray(F("pk"), list(ids))


def deadline_state(case: Case, now=None) -> str:
    """overdue, today, soon, paused, later or none: what the badge shows."""
    now = now or timezone.now()
    if case.status not in OPEN_STATUSES:
        return "none"
    if case.status == "awaiting_filer":
        return "paused"
    due = case.next_due_at
    if due is None:
        return "none"
    if due < now:
        return "overdue"
    if timezone.localtime(due).date() == timezone.localtime(now).date():
        return "today"
    if due - now < DUE_SOON:
        return "soon"
    return "later"


def _local_day_end(now):
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


class DeadlineStateFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("today", _("Due today")),
                ("soon", _("Due within a day")), ("paused", _("Paused (awaiting filer)")),
                ("open", _("Any open case"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_q = Q(status__in=OPEN_STATUSES)
        match self.value():
            case "overdue":
                return queryset.filter(open_q, next_due_at__lt=now)
            case "today":
                return queryset.filter(open_q, next_due_at__gte=now,
                                       next_due_at__lte=_local_day_end(now))
            case "soon":
                return queryset.filter(open_q, next_due_at__gte=now,
                                       next_due_at__lt=now + DUE_SOON)
            case "paused":
                return queryset.filter(status="awaiting_filer")
            case "open":
                return queryset.filter(open_q)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """The queue opens on the cases that need work (not decided, closed, withdrawn or
    rejected), from whatever link: the finished ones would otherwise fill its first pages.
    All cases, or one status, is a click away. A search looks at every status unless one
    is chosen: a reference or an e-mail names a case whatever became of it."""

    title = _("status")
    parameter_name = "status"
    OPEN, ALL = "open", "all"
    FORMER = "status__exact"  # the parameter of the plain field filter this replaces

    def __init__(self, request, params, model, model_admin):
        # A link written for the field filter (?status__exact=decided) still shows that
        # status, rather than nothing (that status and the open default together).
        former = params.pop(self.FORMER, None)
        if former and self.parameter_name not in params:
            params[self.parameter_name] = former
        super().__init__(request, params, model, model_admin)
        self.default = self.ALL if request.GET.get(SEARCH_VAR, "").strip() else self.OPEN

    def lookups(self, request, model_admin):
        return [(self.OPEN, _("Open (needs work)")), (self.ALL, _("All cases")),
                *DESK_CHOICES]

    def chosen(self) -> str:
        value = self.value()
        return value if value in (self.OPEN, self.ALL, *Status.values) else self.default

    def queryset(self, request, queryset):
        chosen = self.chosen()
        if chosen == self.OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if chosen == self.ALL:
            return queryset
        return queryset.filter(status=chosen)

    def choices(self, changelist):
        # No "All" entry that drops the parameter: without it, the queue shows the default.
        chosen = self.chosen()
        for value, label in self.lookup_choices:
            yield {"selected": chosen == value, "display": label,
                   "query_string": changelist.get_query_string(
                       {self.parameter_name: value}, remove=[self.FORMER])}


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("none", _("Unassigned")), ("any", _("Anyone"))]

    def queryset(self, request, queryset):
        match self.value():
            case "me":
                return queryset.filter(assignee=request.user)
            case "none":
                return queryset.filter(assignee__isnull=True)
            case "any":
                return queryset.filter(assignee__isnull=False)
        return queryset


class AIProductFilter(admin.SimpleListFilter):
    title = _("AI product")
    parameter_name = "product"
    CACHE_KEY = "kotae:queue:ai-products"

    def lookups(self, request, model_admin):
        products = cache.get(self.CACHE_KEY)
        if products is None:
            # An index-only scan; cached, so the queue page does not pay for it.
            products = list(
                Case.objects.exclude(ai_product="").order_by("ai_product")
                .values_list("ai_product", flat=True).distinct()[:50]
            )
            cache.set(self.CACHE_KEY, products, 600)
        return [(p, p) for p in products]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(ai_product=self.value())
        return queryset


class NoticeLanguageFilter(admin.SimpleListFilter):
    """The languages notices were written in, by name in the operator's language, and
    "Not recorded" for the cases that do not say (filed before it was asked, where the
    language they were written in was not known)."""

    title = _("language of the notice")
    parameter_name = "notice_language"
    NOT_RECORDED = "none"  # no language code: they are two or three letters
    CACHE_KEY = "kotae:queue:notice-languages"

    def lookups(self, request, model_admin):
        codes = cache.get(self.CACHE_KEY)
        if codes is None:
            # An index-only scan ("" among them: the cases not recorded); cached, so the
            # queue page does not pay for it.
            codes = list(Case.objects.order_by("notice_language")
                         .values_list("notice_language", flat=True).distinct()[:100])
            cache.set(self.CACHE_KEY, codes, 600)
        named = sorted(((c, notice_language_label(c)) for c in codes if c),
                       key=lambda c: c[1])
        return named + ([(self.NOT_RECORDED, NOT_RECORDED)] if "" in codes else [])

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NOT_RECORDED:
            return queryset.filter(notice_language="")
        if value:
            return queryset.filter(notice_language=value)
        return queryset
