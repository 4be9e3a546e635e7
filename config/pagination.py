"""A paginator for the admin's long lists, shared by the desk and the accounts screens."""
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows (a bounded subquery), so a million cases cost no
    more than ten thousand; beyond that the last pages are reached by filtering.

    The rows are counted in primary-key order: with the LIMIT, PostgreSQL then walks the
    table until it has found COUNT_CAP rows and stops, the same work at 100,000 cases as
    at 1,000,000. Unordered, it chose a bitmap scan that first gathers every row of the
    filter's index range (385,000 overdue open cases of a million: 75 ms, against 17 ms
    at 100,000)."""

    @cached_property
    def count(self):
        return self.object_list.order_by("pk").values("pk")[:COUNT_CAP].count()
