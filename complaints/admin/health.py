"""The desk's health page (/admin/health/): what /healthz checks, and the figures the
public does not see (the outbox's backlog, e-mails that failed for good). Staff only:
the admin site lets no one else in."""
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.selectors.outbox import outbox_figures
from config.health import health_checks


def health_view(request):
    checks = health_checks()
    figures = outbox_figures() if checks["database"] == "ok" else None
    context = {
        **admin.site.each_context(request),
        "title": _("Health"),
        "checks": [(_("Database"), checks["database"] == "ok"),
                   (_("Task broker"), checks["broker"] == "ok")],
        "healthy": checks["status"] == "ok",
        "figures": figures,
        "failed_url": reverse("admin:complaints_notification_changelist") + "?failed=final",
        "uncertain_url": (reverse("admin:complaints_notification_changelist")
                          + "?status__exact=uncertain"),
    }
    return TemplateResponse(request, "admin/health.html", context)
