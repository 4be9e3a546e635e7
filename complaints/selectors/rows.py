"""A case's rows a page at a time: a notice may name 10,000 output locations and 1,000
works (complaints.domain.kinds), so every page that shows them (the filer's, the owner's,
the desk's, the API's) shows ROWS_PER_PAGE of each, with their count: two queries a list,
whatever the case holds."""
import functools

from django.core.paginator import Page, Paginator
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, JSONObject

from complaints.models import Case, OutputLocation, Work
from config.queries import CompiledQuery

ROWS_PER_PAGE = 100
PAGE_PARAMETERS = {"locations": "locations_page", "works": "works_page"}


def _number(raw) -> int:
    """A page number from a query string; anything else is the first page."""
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def _count_of(model) -> Coalesce:
    rows = (model.objects.filter(case=OuterRef("pk")).order_by().values("case")
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@functools.cache
def _row_counts() -> dict:
    """with_row_counts' annotations, built once: annotate() resolves a copy of each."""
    return {"locations_count": _count_of(OutputLocation), "works_count": _count_of(Work),
            "has_owned_outputs": Exists(OutputLocation.objects.filter(
                case=OuterRef("pk"), owner__isnull=False)),
            "names_copied_works": Exists(OutputLocation.works.through.objects.filter(
                outputlocation__case=OuterRef("pk")))}


def with_row_counts(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with how many locations and works each holds, and whether an output of it
    has a named owner or names the works it copies, in the case's own query (a page of
    rows then costs one query)."""
    return queryset.annotate(**_row_counts())


class JSONList(Aggregate):
    """The rows' values as one JSON array (PostgreSQL's JSONB_AGG, SQLite's
    JSON_GROUP_ARRAY)."""
    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def with_copied_works(locations: QuerySet[OutputLocation]) -> QuerySet[OutputLocation]:
    """Locations with the works each copies (number and title), read in the locations'
    own query: a page of them then costs one query, not one more for the works."""
    copied = (OutputLocation.works.through.objects.filter(outputlocation_id=OuterRef("pk"))
              .order_by().values("outputlocation_id")
              .annotate(rows=JSONList(JSONObject(id="work_id", title="work__title",
                                                 position="work__position")))
              .values("rows"))
    return locations.annotate(copied_as_read=Subquery(copied, output_field=JSONField()))


def _hand_over_copied_works(location: OutputLocation) -> None:
    """The works read by with_copied_works, as OutputLocation.copied_works reads them."""
    location.works_as_filed = [
        Work(pk=row["id"], case_id=location.case_id, title=row["title"],
             position=row["position"]) for row in location.copied_as_read or ()]


def rows_page(queryset: QuerySet, raw_number=1, *, per_page: int = ROWS_PER_PAGE,
              count: int | None = None, first=None) -> Page:
    """One page of `queryset` (in position order), past the last page the last one;
    `count` when the rows were already counted (with_row_counts); `first()` the first
    page's rows, when a compiled query reads them (the page most opened)."""
    paginator = Paginator(queryset.order_by("position", "pk"), per_page)
    if count is not None:
        paginator.count = count  # a cached property: no COUNT query
    page = paginator.get_page(_number(raw_number))
    use_first = first is not None and count and page.number == 1  # none: no query
    page.object_list = first() if use_first else list(page.object_list)
    return page


def _first_page(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("position", "pk")[:ROWS_PER_PAGE]


# A case's first page of each list, compiled once per process (config/queries.py): for
# the desk (with each output's owner) or not, and with the works each
# location copies or not.
def _first_locations(desk: bool, copies: bool) -> CompiledQuery:
    def build(pk):
        rows = OutputLocation.objects.filter(case_id=pk)
        if desk:
            rows = rows.select_related("owner")
        return _first_page(with_copied_works(rows) if copies else rows)
    return CompiledQuery(OutputLocation, build)


_FIRST_LOCATIONS = {(desk, copies): _first_locations(desk, copies)
                    for desk in (False, True) for copies in (False, True)}
_FIRST_WORKS = CompiledQuery(Work, lambda pk: _first_page(Work.objects.filter(case_id=pk)))


def _of_case(case: Case, rows: list) -> list:
    """The rows with their case already set, as `case.locations.all()` hands them."""
    for row in rows:
        row._meta.get_field("case").set_cached_value(row, case)
    return rows


def rows_page_of(rows: list, *, per_page: int = ROWS_PER_PAGE) -> Page:
    """The first page of rows already in hand (a case just filed): no query."""
    page = Paginator(rows, per_page).get_page(1)
    page.object_list = list(page.object_list)
    return page


def first_rows_calls(pk: int, query=None, *, desk: bool = False) -> dict[str, tuple]:
    """The compiled queries for the first pages of case `pk`'s locations and works, to be
    sent before the case is read, with its own queries (config.queries.list_together),
    and their rows handed to case_rows_pages as `first_rows`: it uses them where it shows
    a first page. Left out for a list `query` asks a later page of (read then as asked);
    sent for a list with no rows, whose query finds none at no extra round trip."""
    query = query or {}
    compiled = {"locations": _FIRST_LOCATIONS[desk, True], "works": _FIRST_WORKS}
    return {name: (first, (pk,)) for name, first in compiled.items()
            if _number(query.get(PAGE_PARAMETERS[name])) == 1}


def case_rows_pages(case: Case, query=None, *, desk: bool = False,
                    first_rows: dict[str, list] | None = None) -> dict[str, Page]:
    """The page of locations and the page of works that `query` (request.GET, or a dict
    of `locations_page`/`works_page`) asks for; `first_rows` the first pages already read
    (first_rows_calls)."""
    query = query or {}
    first_rows = first_rows or {}

    def first(name: str, compiled: CompiledQuery):
        """The first page's rows: already read, or read now."""
        return lambda: _of_case(case, first_rows[name] if name in first_rows
                                else compiled.list(case.pk))

    locations = case.locations.all()
    if desk:  # the desk sees who owns each output
        locations = OutputLocation.objects.filter(case=case).select_related("owner")
    # The works each location copies, in the same query, and only when the notice says
    # which (with_row_counts knows).
    names_works = getattr(case, "names_copied_works", True)
    if names_works:
        locations = with_copied_works(locations)
    first_locations = _FIRST_LOCATIONS[desk, bool(names_works)]
    locations_page = rows_page(locations, query.get(PAGE_PARAMETERS["locations"]),
                               count=getattr(case, "locations_count", None),
                               first=first("locations", first_locations))
    for location in locations_page.object_list:
        if names_works:
            _hand_over_copied_works(location)
        else:
            location.names_no_works = True
    return {"locations": locations_page,
            "works": rows_page(case.works.all(), query.get(PAGE_PARAMETERS["works"]),
                               count=getattr(case, "works_count", None),
                               first=first("works", _FIRST_WORKS))}


def page_summary(page: Page) -> dict:
    """What the API says of a page: which one, how many pages and rows in all."""
    return {"page": page.number, "pages": page.paginator.num_pages,
            "count": page.paginator.count, "per_page": page.paginator.per_page}


def case_owner_ids(case: Case) -> list[int]:
    """The owners named for any of the case's outputs, on every page: one query, none
    when the case's own query found no owner named (with_row_counts)."""
    if not getattr(case, "has_owned_outputs", True):
        return []
    return sorted(OutputLocation.objects.filter(case=case, owner__isnull=False)
                  .values_list("owner_id", flat=True).distinct())
