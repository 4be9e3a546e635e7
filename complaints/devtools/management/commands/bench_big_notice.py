"""File one big notice through the API, twice, and open what it makes; print one JSON line.

    python manage.py bench_big_notice --locations 10000 --works 1000 --page 1000

It WRITES REAL ROWS to the configured database (use a scratch one): two bench users (made
if missing), an API token (revoked at the end) and the two cases filed, with their rows,
clocks, events and receipt notifications (queued, not sent). Requests go through Django's
test client in this process (no server), so the figures are the application's own:

- one_request: POST /api/v1/cases/ with every location and work in one body;
- draft: POST /api/v1/drafts/, the locations and works in pages of `--page`, then
  /submit/ (times and statements summed over the requests; memory the largest);
- portal_paste: the portal's form with every location and work pasted into its boxes
  (the form's POST, which shows the review page, then Send on that page; summed);
- api_detail, case_page (the filer's), desk_case_page and queue: each opened once warm.

For each: milliseconds, SQL statements and the peak of Python memory (tracemalloc).
`--url-chars` pads every URL to that length (1,000 checks the API's body limit).
"""
import json
import time
import tracemalloc
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_create, api_token_revoke
from complaints.devtools.review_form import review_form_fields
from complaints.models import Case

FILER = "bench-big@kotae.example"
DESK = "bench-big-desk@kotae.example"


def _measure(call) -> tuple[object, dict]:
    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = call()
    elapsed = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, {"ms": round(elapsed * 1000, 1), "statements": len(queries),
                    "peak_mb": round(peak / 2**20, 1)}


def _sum(figures: list[dict]) -> dict:
    return {"ms": round(sum(f["ms"] for f in figures), 1),
            "statements": sum(f["statements"] for f in figures),
            "peak_mb": max(f["peak_mb"] for f in figures), "requests": len(figures)}


class Command(BaseCommand):
    help = ("File a 10,000-location notice through the API (one request, and draft pages) "
            "and the portal's paste boxes.")

    def add_arguments(self, parser):
        parser.add_argument("--locations", type=int, default=10_000)
        parser.add_argument("--works", type=int, default=1_000)
        parser.add_argument("--page", type=int, default=1_000)
        parser.add_argument("--url-chars", type=int, default=0)

    def _rows(self, tag: str, locations: int, works: int, url_chars: int):
        def url(i):
            base = f"https://dreamreel.example/v/{tag}/{i}"
            return base + "x" * max(url_chars - len(base), 0)
        return ([{"url": url(i)} for i in range(locations)],
                [{"title": f"Work {tag} {i}", "kind": "anime", "identifier": f"ID-{i}"}
                 for i in range(works)])

    def _notice(self, **rows) -> dict:
        return {"kind": "output_complaint", "title": "Bench: a big notice", "law": "us_dmca",
                "ai_product": "DreamReel video", "similarity": "The same scenes.",
                "remedies": ["remove_output"], "good_faith_statement": True,
                "accuracy_statement": True, "signature": "Bench Filer",
                "postal_address": "1-2-3 Jingumae, Shibuya, Tokyo", "phone": "+81 3 1234 5678",
                **rows}

    def _post(self, client, url, body, expected):
        response = client.post(url, body, format="json")
        if response.status_code != expected:
            raise CommandError(f"{url}: {response.status_code} {response.content[:500]!r}")
        return response.json()

    def handle(self, *args, locations, works, page, url_chars, **options):
        filer, _ = User.objects.get_or_create(email=FILER, defaults={"display_name": "Bench"})
        desk, _ = User.objects.get_or_create(
            email=DESK, defaults={"display_name": "Bench desk", "is_staff": True,
                                  "is_superuser": True})
        row, token = api_token_create(user=filer, name=f"bench {uuid.uuid4()}")
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        server = "localhost" if host in ("*", "") or host.startswith(".") else host
        api = APIClient(SERVER_NAME=server)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        result = {"database": connection.vendor, "locations": locations, "works": works,
                  "page": page, "url_chars": url_chars}
        try:
            found, made = self._rows("one", locations, works, url_chars)
            body = self._notice(locations=found, works=made)
            result["body_mb"] = round(len(json.dumps(body)) / 2**20, 2)
            case, result["one_request"] = _measure(
                lambda: self._post(api, "/api/v1/cases/", body, 201))
            result["draft"] = self._draft(api, locations, works, page, url_chars)
            result["portal_paste"] = self._portal_paste(filer, locations, works, url_chars)
            result.update(self._pages(api, filer, desk, case["reference"]))
        finally:
            api_token_revoke(token=row)
        self.stdout.write(json.dumps(result))

    def _draft(self, api, locations, works, page, url_chars) -> dict:
        found, made = self._rows("draft", locations, works, url_chars)
        notice = self._notice()
        figures = []
        draft, figure = _measure(lambda: self._post(api, "/api/v1/drafts/", notice, 201))
        figures.append(figure)
        base = f"/api/v1/drafts/{draft['id']}/"
        for part, rows in (("locations", found), ("works", made)):
            for start in range(0, len(rows), page):
                chunk = {part: rows[start:start + page]}
                _r, figure = _measure(lambda c=chunk, p=part: self._post(
                    api, f"{base}{p}/", c, 200))
                figures.append(figure)
        _case, submit = _measure(lambda: self._post(api, f"{base}submit/", {}, 201))
        return {**_sum([*figures, submit]), "submit": submit}

    def _portal_paste(self, filer, locations, works, url_chars) -> dict:
        found, made = self._rows("paste", locations, works, url_chars)
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        portal = Client(SERVER_NAME="localhost" if host in ("*", "") or host.startswith(".")
                        else host)
        portal.force_login(filer)
        form = reverse("complaints:case_new", args=["output-complaint"])
        data = {"title": "Bench: a big notice pasted", "filed_as": "rights_holder",
                "law": "us_dmca", "ai_product": "DreamReel video",
                "similarity": "The same scenes.", "remedies": ["remove_output"],
                "good_faith_statement": "on", "accuracy_statement": "on",
                "signature": "Bench Filer", "filer_postal_address": "1-2-3 Jingumae, Tokyo",
                "filer_phone": "+81 3 1234 5678",
                **{f"{prefix}-{name}": value for prefix in ("works", "locations")
                   for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"),
                                       ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "500"))},
                "paste_locations": "\n".join(row["url"] for row in found),
                "paste_works": "\n".join(f"{w['title']} | anime | | {w['identifier']}"
                                         for w in made)}
        review, shown = _measure(lambda: portal.post(form, data))
        if review.status_code != 200 or b"data-review" not in review.content:
            raise CommandError(f"{form}: {review.status_code} {review.content[:500]!r}")
        hidden = review_form_fields(review.content.decode())
        sent, send = _measure(lambda: portal.post(form, {**hidden, "send": "1"}))
        if sent.status_code != 302:
            raise CommandError(f"{form} (send): {sent.status_code}")
        return {**_sum([shown, send]), "review": shown, "send": send}

    def _pages(self, api, filer, desk, reference) -> dict:
        pk = Case.objects.get(reference=reference).pk
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        server = "localhost" if host in ("*", "") or host.startswith(".") else host
        portal, staff = Client(SERVER_NAME=server), Client(SERVER_NAME=server)
        portal.force_login(filer)
        staff.force_login(desk)
        pages = {
            "api_detail": (api, f"/api/v1/cases/{reference}/"),
            "case_page": (portal, reverse("complaints:case_detail", args=[reference])),
            "desk_case_page": (staff, reverse("admin:complaints_case_change", args=[pk])),
            "queue": (staff, reverse("admin:complaints_case_changelist")),
        }
        figures = {}
        for name, (client, url) in pages.items():
            client.get(url)  # warm: caches, content types
            response, figures[name] = _measure(lambda c=client, u=url: c.get(u))
            if response.status_code != 200:
                raise CommandError(f"{url}: {response.status_code}")
        return figures
