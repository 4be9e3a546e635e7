"""The desk's list of what to undo after retractions: each action a decision took for a
retracted notice (or location), until an operator marks it undone."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, ngettext

from complaints.admin.records import RecordAdmin
from complaints.models import RetractionUndo
from complaints.services.retractions import retraction_undos_done
from complaints.templatetags.kotae import when


class UndoneFilter(admin.SimpleListFilter):
    title = gettext_lazy("undone")
    parameter_name = "undone"

    def lookups(self, request, model_admin):
        return [("no", gettext_lazy("To undo")), ("yes", gettext_lazy("Undone"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(done_at__isnull=self.value() == "no")
        return queryset


@admin.register(RetractionUndo)
class RetractionUndoAdmin(RecordAdmin):
    list_display = ["case_link", "action_words", "what_was_retracted", "retracted_at",
                    "statement_short", "state"]
    list_select_related = ["retraction__case", "done_by"]
    list_filter = [UndoneFilter]
    search_fields = ["=retraction__case__reference"]
    ordering = ["-done_at", "retraction__created_at", "pk"]  # to undo first, oldest first
    actions = ["mark_undone"]
    fields = ["case_link", "action_words", "what_was_retracted", "retracted_at",
              "statement", "state"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("case"), ordering="retraction__case__reference")
    def case_link(self, obj):
        case = obj.retraction.case
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:complaints_case_change", args=[case.pk]),
                           case.reference)

    @admin.display(description=gettext_lazy("action to undo"), ordering="action")
    def action_words(self, obj):
        return obj.get_action_display()

    @admin.display(description=gettext_lazy("retracted"))
    def what_was_retracted(self, obj):
        if obj.retraction.whole:
            return gettext_lazy("The whole notice")
        return gettext_lazy("Some output locations only")

    @admin.display(description=gettext_lazy("retracted at"),
                   ordering="retraction__created_at")
    def retracted_at(self, obj):
        return when(obj.retraction.created_at)

    @admin.display(description=gettext_lazy("filer's statement"))
    def statement(self, obj):
        return obj.retraction.statement

    @admin.display(description=gettext_lazy("filer's statement"))
    def statement_short(self, obj):
        return Truncator(obj.retraction.statement).chars(80)

    @admin.display(description=gettext_lazy("state"), ordering="done_at")
    def state(self, obj):
        if obj.done_at is None:
            return gettext_lazy("To undo")
        return gettext_lazy("Undone on %(when)s by %(who)s") % {
            "when": when(obj.done_at),
            "who": obj.done_by.display_name or obj.done_by.email if obj.done_by else "—"}

    def has_mark_undone_permission(self, request):
        """The list is read-only (a record); marking an action undone is a write."""
        return request.user.has_perm("complaints.change_retractionundo")

    @admin.action(description=gettext_lazy("Mark the chosen actions as undone"),
                  permissions=["mark_undone"])
    def mark_undone(self, request, queryset):
        count = retraction_undos_done(undo_ids=queryset.values_list("pk", flat=True),
                                      actor=request.user)
        self.message_user(request, ngettext(
            "%(count)s action was marked as undone.", "%(count)s actions were marked as undone.",
            count) % {"count": count})
