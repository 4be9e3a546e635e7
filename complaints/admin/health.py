"""The desk's health page (/admin/health/): the report behind /healthz's details
(config/health.py: checks, queues, the outbox's figures, problems in plain words), shown in
the reader's language. Staff only: the admin site lets no one else in."""
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from config import probes
from config.health import health_report


def health_view(request):
    report = health_report()
    context = {
        **admin.site.each_context(request),
        "title": _("Health"),
        # (what, answers?, not used?, what went wrong)
        "checks": [(_("Database"), report.database == probes.OK, False, report.database),
                   (_("Task broker"), report.broker == probes.OK, False, report.broker),
                   (_("Mail server"), report.mail_server == probes.OK,
                    report.mail_server == probes.NOT_USED, report.mail_server)],
        "mail_server_address": probes.mail_server_address(),
        "healthy": report.available,
        "problems": [problem.say() for problem in report.problems],
        "queues": sorted(report.queues.items()),
        "figures": report.outbox,
        "duplicates_suspected": report.duplicates_suspected,
        "failed_url": reverse("admin:complaints_notification_changelist") + "?failed=final",
        "uncertain_url": (reverse("admin:complaints_notification_changelist")
                          + "?status__exact=uncertain"),
    }
    return TemplateResponse(request, "admin/health.html", context)
