"""The statements of reasons sent (or waiting to be sent) to the EU DSA Transparency
Database: read-only, with where each stands."""
import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from complaints.admin.records import RecordAdmin
from complaints.models import DsaStatementSubmission


@admin.register(DsaStatementSubmission)
class DsaStatementSubmissionAdmin(RecordAdmin):
    list_display = ["created_at", "puid", "case_reference", "status", "attempts",
                    "response_status", "sent_at", "database_uuid", "last_error_short"]
    list_filter = ["status"]
    list_select_related = ["decision__case"]
    search_fields = ["=puid", "=database_uuid", "decision__case__reference"]
    ordering = ["-created_at", "-pk"]
    fields = ["puid", "case_reference", "status", "attempts", "response_status",
              "last_error", "created_at", "next_attempt_at", "sent_at", "database_id",
              "database_uuid", "statement_text"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("reference"),
                   ordering="decision__case__reference")
    def case_reference(self, obj):
        return obj.decision.case.reference

    @admin.display(description=gettext_lazy("last error"))
    def last_error_short(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.display(description=gettext_lazy("statement of reasons"))
    def statement_text(self, obj):
        return format_html("<pre>{}</pre>",
                           json.dumps(obj.statement, ensure_ascii=False, indent=2))
