"""Time the desk's pages with the test client and a warm cache; print one JSON object.

    python manage.py bench_desk --runs 30

Pages: the queue (default order), the queue filtered, the queue searched (by words of a
title and by a reference), and one case page; with `--every-page`, also the answer-quality
screen, the health screen and every other list of the admin. For each: p50 and p95 in
milliseconds and the number of SQL queries.
"""
import json
import statistics
import time

from django.conf import settings
from django.contrib import admin
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from complaints.models import Case

BENCH_USER = "bench-supervisor@kotae.example"


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Time the queue and a case page; print p50/p95 ms and query counts as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--every-page", action="store_true",
                            help="also every other staff page (issue 20: each at most 12 "
                                 "queries, flat from 100,000 to 1,000,000 cases)")

    def handle(self, *args, runs, every_page=False, **options):
        case = (Case.objects.filter(kind="output_complaint", messages__isnull=False)
                .order_by("-pk").first() or Case.objects.order_by("-pk").first())
        if case is None:
            raise CommandError("No cases: run `manage.py seed_bench --cases N` first.")
        user, _ = User.objects.get_or_create(
            email=BENCH_USER,
            defaults={"display_name": "Bench", "is_staff": True, "is_superuser": True},
        )
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        client = Client(SERVER_NAME="localhost" if host in ("*", "") else host)
        client.force_login(user)
        queue = reverse("admin:complaints_case_changelist")
        word = case.title.split()[0]
        pages = {
            "queue": queue,
            "queue_filtered": f"{queue}?deadline=overdue&kind=output_complaint&assigned=any",
            "queue_searched": f"{queue}?q={word}",
            "queue_reference": f"{queue}?q={case.reference}",
            "case_page": reverse("admin:complaints_case_change", args=[case.pk]),
        }
        if every_page:
            pages |= {f"queue_{name}": f"{queue}?{query}" for name, query in QUEUE_VIEWS.items()}
            pages |= _every_other_page()
        result = {"cases": Case.objects.count(), "database": connection.vendor,
                  "runs": runs, "pages": {}}
        for name, url in pages.items():
            response = client.get(url)  # warm the cache and the database
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            result["pages"][name] = {
                "url": url,
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(_percentile(timings, 0.95), 1),
                "queries": len(queries.captured_queries),
            }
        self.stdout.write(json.dumps(result, indent=2))


# More of the queue's views an operator opens: a status, a kind, a deadline state, the
# unassigned, the escalated.
QUEUE_VIEWS = {"decided": "status=decided", "all": "status=all", "appeals": "kind=appeal",
               "due_today": "deadline=today", "paused": "deadline=paused",
               "unassigned": "assigned=none", "escalated": "status=all&escalated__exact=1"}


def _every_other_page() -> dict[str, str]:
    """The supervisors' screens and every list of the admin but the queue."""
    pages = {"quality": reverse("admin:answer_quality"), "health": reverse("admin:health")}
    for model in admin.site._registry:
        meta = model._meta
        if (meta.app_label, meta.model_name) != ("complaints", "case"):
            pages[f"list_{meta.app_label}_{meta.model_name}"] = reverse(
                f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return pages
