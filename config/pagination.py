"""A paginator for the admin's long lists, shared by the desk and the accounts screens."""
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows (a bounded subquery), so a million cases cost no
    more than ten thousand; beyond that the last pages are reached by filtering."""

    @cached_property
    def count(self):
        return self.object_list.order_by().values("pk")[:COUNT_CAP].count()
