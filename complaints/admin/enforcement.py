"""The desk's list of orders to the AI product (remove, block, exclude, restore): which are
waiting, which are overdue (not acknowledged by their due time) and which are done.
A record: operators read it, the product acknowledges through the API."""
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from complaints.admin.records import RecordAdmin
from complaints.domain.enforcement import EnforcementState
from complaints.models import EnforcementOrder
from complaints.selectors.enforcement import enforcement_orders_in_state
from complaints.templatetags.kotae import when


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return EnforcementState.choices

    def queryset(self, request, queryset):
        if self.value() in EnforcementState.values:
            return enforcement_orders_in_state(queryset, state=self.value(),
                                               now=timezone.now())
        return queryset


@admin.register(EnforcementOrder)
class EnforcementOrderAdmin(RecordAdmin):
    list_display = ["case_link", "action_words", "concerned", "ordered_at_words",
                    "due_at_words", "state_words"]
    list_select_related = ["case", "acknowledged_by"]
    list_filter = [StateFilter]
    search_fields = ["=case__reference"]
    ordering = ["due_at", "pk"]  # the most pressing first
    fields = ["case_link", "action_words", "concerned", "ordered_at_words", "due_at_words",
              "state_words", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer(
            *(f"case__{name}" for name in ("similarity", "authority_statement",
                                           "catalogue_identifiers", "fulfilment_note",
                                           "appeal_grounds")))

    @admin.display(description=gettext_lazy("case"), ordering="case__reference")
    def case_link(self, obj):
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:complaints_case_change", args=[obj.case_id]),
                           obj.case.reference)

    @admin.display(description=gettext_lazy("action ordered"), ordering="action")
    def action_words(self, obj):
        return obj.get_action_display()

    @admin.display(description=gettext_lazy("concerning"))
    def concerned(self, obj):
        names = [loc.get("url", "") for loc in obj.locations] + \
            [work.get("title", "") for work in obj.works]
        return Truncator(", ".join(n for n in names if n)).chars(100)

    @admin.display(description=gettext_lazy("ordered at"), ordering="ordered_at")
    def ordered_at_words(self, obj):
        return when(obj.ordered_at)

    @admin.display(description=gettext_lazy("due at"), ordering="due_at")
    def due_at_words(self, obj):
        return when(obj.due_at)

    @admin.display(description=gettext_lazy("state"), ordering="acknowledged_at")
    def state_words(self, obj):
        state = obj.state
        if state == EnforcementState.DONE:
            return gettext_lazy("Done on %(when)s") % {"when": when(obj.done_at)}
        if state == EnforcementState.OVERDUE:
            return format_html('<span class="badge badge-overdue">{}</span>', state.label)
        return state.label
