"""The people of `manage.py bench_concurrent`: operators browsing the desk and a filer's
program filing through the API, each over real HTTP (requests) to a real web process.

An operator logs in as a person does: the login form (e-mail and password), then the
second step with the code their authenticator app shows (django_otp's arithmetic, as
tests/support/two_factor.py does it). Then they browse: the queue, the queue filtered or
searched, a case opened from the last list they saw; `think` seconds between two page
views. Every request has a timeout; every wait ends when `abort` is set.
"""
import random
import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUEST_TIMEOUT = 30  # seconds: a page or a filing slower than this counts as an error
QUEUE_KINDS = ("queue", "queue_filtered", "queue_searched")
PAGE_KINDS = (*QUEUE_KINDS, "case_page")
# What an operator narrows the queue by (the queue's own filters, complaints/admin/queue.py).
FILTERS = ("deadline=overdue", "assigned=none", "kind=output_complaint", "status=all",
           "deadline=soon&assigned=any")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def totp_code(device: TOTPDevice) -> str:
    """The code the operator's phone shows now (the next step's if this one was used)."""
    device.refresh_from_db()
    counter = (int(time.time()) - device.t0) // device.step
    if counter <= device.last_t:
        counter = device.last_t + 1
    return f"{hotp(device.bin_key, counter, digits=device.digits):0{device.digits}d}"


@dataclass
class Desk:
    """Where the desk is and what an operator may look for there."""
    base: str  # http://127.0.0.1:<port>
    login: str
    verify: str
    queue: str
    case_path: str  # with {pk}
    searches: list[str]
    case_link: re.Pattern = field(init=False)

    def __post_init__(self):
        prefix, _, suffix = self.case_path.partition("{pk}")
        self.case_link = re.compile(re.escape(prefix) + r"(\d+)" + re.escape(suffix))


@dataclass
class View:
    kind: str
    ms: float
    status: int | str
    references: int  # "KT-" on the page: a page that lost its rows is no fast page


class LoginFailed(Exception):
    pass


def _csrf(session: requests.Session) -> str:
    return session.cookies.get("csrftoken", "")


def staff_session(desk: Desk, *, email: str, password: str,
                  device: TOTPDevice) -> requests.Session:
    """A browser logged in as that staff member, the second step passed."""
    session = requests.Session()
    session.headers["User-Agent"] = "kotae-bench-concurrent"
    page = session.get(desk.base + desk.login, timeout=REQUEST_TIMEOUT)
    if page.status_code != 200:
        raise LoginFailed(f"login page: {page.status_code}")
    answer = session.post(desk.base + desk.login, timeout=REQUEST_TIMEOUT,
                          allow_redirects=False,
                          data={"username": email, "password": password,
                                "csrfmiddlewaretoken": _csrf(session)})
    if answer.status_code != 302 or desk.verify not in answer.headers.get("Location", ""):
        raise LoginFailed(f"password step for {email}: {answer.status_code} "
                          f"{answer.headers.get('Location', '')}")
    answer = session.post(desk.base + desk.verify, timeout=REQUEST_TIMEOUT,
                          allow_redirects=False,
                          data={"code": totp_code(device),
                                "csrfmiddlewaretoken": _csrf(session)})
    if answer.status_code != 302:
        raise LoginFailed(f"second step for {email}: {answer.status_code}")
    page = session.get(desk.base + desk.queue, timeout=REQUEST_TIMEOUT, allow_redirects=False)
    if page.status_code != 200:
        raise LoginFailed(f"the queue after logging in as {email}: {page.status_code}")
    return session


class Operator:
    """One operator's browsing: a realistic walk between the queue and the cases."""

    def __init__(self, desk: Desk, session: requests.Session, seed: int):
        self.desk, self.session = desk, session
        self.random = random.Random(seed)
        self.seen_cases: list[str] = []
        self.last = "case_page"

    def url(self, kind: str) -> str:
        queue = self.desk.queue
        match kind:
            case "queue":
                return queue
            case "queue_filtered":
                return f"{queue}?{self.random.choice(FILTERS)}"
            case "queue_searched":
                return f"{queue}?{urlencode({'q': self.random.choice(self.desk.searches)})}"
            case _:
                return self.desk.case_path.format(pk=self.random.choice(self.seen_cases))

    def next_kind(self) -> str:
        """After a list, most often a case from it; after a case, back to a list (mostly
        the queue itself, sometimes narrowed by a filter or a search)."""
        if self.last != "case_page" and self.seen_cases and self.random.random() < 0.6:
            return "case_page"
        return self.random.choices(QUEUE_KINDS, weights=(3, 1, 1))[0]

    def view(self, kind: str | None = None) -> View:
        kind = kind or self.next_kind()
        if kind == "case_page" and not self.seen_cases:
            kind = "queue"
        url = self.url(kind)
        start = time.perf_counter()
        try:
            page = self.session.get(self.desk.base + url, timeout=REQUEST_TIMEOUT,
                                    allow_redirects=False)
            body = page.text
            status = page.status_code
        except requests.RequestException as exc:
            body, status = "", type(exc).__name__
        ms = (time.perf_counter() - start) * 1000
        if kind != "case_page" and status == 200:
            found = self.desk.case_link.findall(body)
            if found:
                self.seen_cases = list(dict.fromkeys(found))
        self.last = kind
        return View(kind, ms, status, body.count("KT-"))

    def browse(self, *, until: float, think: float, abort: threading.Event,
               views: list[View], lock: threading.Lock) -> None:
        mine = []
        try:
            # Operators do not all click at the same instant: start within one think time.
            if abort.wait(self.random.uniform(0, think)):
                return
            while time.monotonic() < until and not abort.is_set():
                mine.append(self.view())
                if abort.wait(think):
                    break
        finally:
            with lock:
                views.extend(mine)


def page_figures(views: list[View]) -> dict:
    """Per page kind: count, p50, p95, errors, and how many answered 200 with rows."""
    by_kind = defaultdict(list)
    for view in views:
        by_kind[view.kind].append(view)
    figures = {}
    for kind in PAGE_KINDS:
        mine = by_kind.get(kind, [])
        ok = [v.ms for v in mine if v.status == 200]
        errors = Counter(str(v.status) for v in mine if v.status != 200)
        figures[kind] = {
            "count": len(ok),
            "p50_ms": round(statistics.median(ok), 1) if ok else None,
            "p95_ms": round(percentile(ok, 0.95), 1) if ok else None,
            "with_rows": sum(1 for v in mine if v.status == 200 and v.references),
            "errors": dict(errors),
        }
    return figures


class ApiFiler:
    """A filer's program filing `rate` cases a second (open loop: each filing is sent at
    its time, whether or not the ones before have been answered)."""

    def __init__(self, *, base: str, token: str, complaint, rate: float):
        self.base, self.rate, self.complaint = base, rate, complaint
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.local = threading.local()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.answered_at: list[float] = []
        self.until = 0.0
        self.errors: Counter = Counter()
        self.samples: list[str] = []
        self.sent = 0

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def file_one(self, n: int, counted: bool = True) -> None:
        start = time.perf_counter()
        try:
            answer = self._session().post(f"{self.base}/api/v1/cases/", json=self.complaint(n),
                                          headers=self.headers, timeout=REQUEST_TIMEOUT)
            status, text = answer.status_code, answer.text
        except requests.RequestException as exc:
            status, text = type(exc).__name__, ""
        ms = (time.perf_counter() - start) * 1000
        if not counted:
            return
        with self.lock:
            if status == 201:
                self.latencies.append(ms)
                self.answered_at.append(time.monotonic())
            else:
                self.errors[str(status)] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{status}: {text[:300]}")

    def run(self, *, until: float, abort: threading.Event, first: int) -> None:
        """Send filing `first`, `first + 1`, ... at `rate` a second until `until`; then wait
        (at most REQUEST_TIMEOUT) for those in flight."""
        # Enough connections that a filing is never held back by the one before it here:
        # whatever waits, waits at the server (10 a second answered in 5 s: 50 at once).
        pool = ThreadPoolExecutor(max_workers=max(8, min(200, int(self.rate * 10))),
                                  thread_name_prefix="api-filer")
        self.until = until
        try:
            start = time.monotonic()
            n = 0
            while not abort.is_set():
                due = start + n / self.rate
                if due >= until:
                    break
                if abort.wait(max(0.0, due - time.monotonic())):
                    break
                pool.submit(self.file_one, first + n)
                n += 1
            self.sent = n
        finally:
            # Every filing sent at its time is answered (or times out); only an abort
            # drops those not yet sent.
            pool.shutdown(wait=True, cancel_futures=abort.is_set())

    def figures(self, seconds: float) -> dict:
        ok = self.latencies
        in_time = sum(1 for at in self.answered_at if at <= self.until)
        result = {"sent": self.sent, "filed": len(ok),
                  # Answered within the phase: those answered after it are no rate achieved.
                  "filed_after_the_end": len(ok) - in_time,
                  "per_second": round(in_time / seconds, 2),
                  "p50_ms": round(statistics.median(ok), 1) if ok else None,
                  "p95_ms": round(percentile(ok, 0.95), 1) if ok else None,
                  "errors": dict(self.errors)}
        if self.samples:
            result["error_samples"] = self.samples
        return result
