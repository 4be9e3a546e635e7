"""GET /healthz, and the one health report behind it and the desk's health page.

The public gets only the answer: {"status": "ok"} (200) or {"status": "unavailable"}
(503), and 503 only when the database does not answer. A broker or mail server that is
down leaves the web processes in the load balancer: filing still works (the outbox keeps
what is to be sent, and the relay sends it when they are back).

The details go to staff who passed the second factor and to a monitor sending
`Authorization: Bearer <KOTAE_HEALTH_TOKEN>`: every check (database, broker, mail server),
the depth of each queue, the outbox's figures (backlog, dead letters, duplicates
suspected, webhooks), and "degraded" with the problems in plain words. The desk's health
page (complaints/admin/health.py) shows the same report, translated. Every check is
bounded (config/probes.py).
"""
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy as ngettext
from django.views.decorators.cache import never_cache

from complaints.selectors.outbox import OutboxFigures, outbox_figures
from config import probes

# An e-mail waiting longer than this is a backlog worth a look (the relay runs every
# minute; retries back off up to a few minutes).
BACKLOG_SECONDS = 15 * 60


@dataclass(frozen=True)
class Problem:
    """Something wrong, in plain words: `say()` speaks the active language."""

    code: str
    message: Promise  # gettext_lazy, or ngettext_lazy numbered by "count"
    values: dict = field(default_factory=dict)

    def say(self) -> str:
        return str(self.message % self.values)


@dataclass
class HealthReport:
    database: str
    broker: str = probes.UNKNOWN
    mail_server: str = probes.UNKNOWN
    queues: dict[str, int | None] = field(default_factory=dict)
    outbox: OutboxFigures | None = None
    figures_error: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """What the public (and a load balancer) is told: the database answers."""
        return self.database == probes.OK

    @property
    def degraded(self) -> bool:
        return bool(self.problems)

    @property
    def duplicates_suspected(self) -> int | None:
        """E-mails whose delivery timed out after the message was handed over, so that the
        filer may have it already (None while the outbox does not count them)."""
        return self.outbox.emails_uncertain if self.outbox is not None else None

    def as_json(self) -> dict:
        with translation.override("en"):  # a monitor reads English
            problems = [problem.say() for problem in self.problems]
        return {
            "status": "ok" if self.available else "unavailable",
            "degraded": self.degraded,
            "problems": problems,
            "problem_codes": [problem.code for problem in self.problems],
            "database": self.database, "broker": self.broker, "mail_server": self.mail_server,
            "queues": {name: probes.UNKNOWN if depth is None else depth
                       for name, depth in self.queues.items()},
            "duplicates_suspected": self.duplicates_suspected,
            **({"outbox": self.outbox.as_json()} if self.outbox else {}),
        }


def _problems(report: HealthReport) -> list[Problem]:
    found = []
    if report.database != probes.OK:
        found.append(Problem("database", _(
            "The database does not answer (%(detail)s): nothing can be filed or "
            "answered."), {"detail": report.database}))
    if report.broker != probes.OK:
        found.append(Problem("broker", _(
            "The task broker does not answer (%(detail)s): e-mails and webhooks wait in "
            "the outbox and are sent when it is back."), {"detail": report.broker}))
    if report.mail_server not in (probes.OK, probes.NOT_USED):
        found.append(Problem("mail_server", _(
            "The mail server %(server)s does not answer as it should (%(detail)s): "
            "e-mails wait and are tried again."),
            {"server": probes.mail_server_address(), "detail": report.mail_server}))
    figures = report.outbox
    if figures is None:
        if report.available:
            found.append(Problem("figures", _(
                "The outbox's figures could not be read in time (%(detail)s)."),
                {"detail": report.figures_error}))
        return found
    if figures.emails_failed_for_good:
        found.append(Problem("emails_failed_for_good", ngettext(
            "%(count)d e-mail failed for good: fix the cause, then send it again from the "
            "list of e-mails.",
            "%(count)d e-mails failed for good: fix the cause, then send them again from "
            "the list of e-mails.", "count"), {"count": figures.emails_failed_for_good}))
    waited = figures.oldest_waiting_seconds
    if waited is not None and waited >= BACKLOG_SECONDS:
        found.append(Problem("backlog", ngettext(
            "The oldest e-mail waiting to be sent was written %(count)d minute ago.",
            "The oldest e-mail waiting to be sent was written %(count)d minutes ago.",
            "count"), {"count": int(waited // 60)}))
    if report.duplicates_suspected:
        found.append(Problem("duplicates_suspected", ngettext(
            "%(count)d e-mail may have reached its recipient although the mail server did "
            "not confirm it: sending it again may send it twice.",
            "%(count)d e-mails may have reached their recipients although the mail server "
            "did not confirm them: sending them again may send them twice.",
            "count"), {"count": report.duplicates_suspected}))
    if figures.webhooks_given_up:
        found.append(Problem("webhooks_given_up", ngettext(
            "%(count)d webhook delivery was given up after its last attempt.",
            "%(count)d webhook deliveries were given up after their last attempt.",
            "count"), {"count": figures.webhooks_given_up}))
    return found


def health_report() -> HealthReport:
    """Every check, each bounded, and what is wrong (the staff's view; never the public's)."""
    report = HealthReport(database=probes.database_probe())
    broker = probes.broker_probe()
    report.broker, report.queues = broker.reachable, broker.depths
    report.mail_server = probes.mail_server_probe()
    if report.available:
        try:
            with probes.bounded_queries():
                report.outbox = outbox_figures()
        except Exception as exc:  # the figures' own timeout: the checks still stand
            report.figures_error = type(exc).__name__
    report.problems = _problems(report)
    return report


def may_see_details(request, token: str) -> bool:
    """Staff who passed the second factor (django-otp, as for the admin), or a caller
    sending `Authorization: Bearer <token>` when a token is configured."""
    user = request.user
    if user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)():
        return True
    scheme, _sep, presented = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode())


@never_cache  # what staff see must never be cached for the public
def healthz(request):
    if not may_see_details(request, settings.KOTAE_HEALTH_TOKEN):
        ok = probes.database_probe() == probes.OK
        return JsonResponse({"status": "ok" if ok else "unavailable"},
                            status=200 if ok else 503)
    report = health_report()
    return JsonResponse(report.as_json(), status=200 if report.available else 503)
