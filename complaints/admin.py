"""The operator desk. Reads here; every write goes through complaints.services."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.admin_forms import DecisionForm, DeskMessageForm
from complaints.models import (
    Case,
    CaseEvent,
    Evidence,
    Notification,
    OutputLocation,
    Question,
    Remedy,
    Work,
)
from complaints.services.decisions import decision_record
from complaints.services.desk import case_desk_update
from complaints.services.messages import message_post

admin.site.site_header = gettext_lazy("Kotae desk")
admin.site.site_title = gettext_lazy("Kotae desk")
admin.site.index_title = gettext_lazy("Cases, deadlines and notifications")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WorkInline(ReadOnlyInline):
    model = Work
    fields = ["title", "kind", "rights_holder", "identifier"]


class LocationInline(ReadOnlyInline):
    model = OutputLocation
    fields = ["url", "seen_at", "prompt"]


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["text", "answer_category", "answer_text"]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["file_link", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def file_link(self, obj):
        url = reverse("complaints:evidence_download", args=[obj.case.reference, obj.public_id])
        if obj.is_image:
            return format_html(
                '<a href="{}"><img src="{}?preview=1" alt="{}" '
                'style="max-width:160px;max-height:120px;display:block"></a>{}',
                url, url, obj.original_name, obj.original_name,
            )
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "title", "filer", "status", "assignee", "priority",
                    "next_due_at", "escalated"]
    list_select_related = ["filer", "assignee"]
    list_filter = ["kind", "status", "escalated", "priority"]
    search_fields = ["=reference", "title", "filer__email"]
    ordering = [F("next_due_at").asc(nulls_last=True), "pk"]
    show_full_result_count = False
    list_per_page = 50
    change_form_template = "admin/complaints/case/change_form.html"
    fieldsets = [
        (None, {"fields": ["reference", "kind", "status", "title", "assignee", "priority",
                           "escalated", "next_due_at", "submitted_at"]}),
        (gettext_lazy("Filed by"), {"fields": ["filer", "organisation", "filed_as",
                                                "principal_name", "authority_statement",
                                                "language"]}),
        (gettext_lazy("What was filed"), {"fields": [
            "ai_product", "ai_model", "similarity", "remedies_asked", "remedy_other",
            "whole_catalogue", "training_uses", "catalogue_identifiers", "appeal_of",
            "appeal_grounds"]}),
        (gettext_lazy("Statements"), {"fields": ["good_faith_statement", "accuracy_statement",
                                                 "signature"]}),
    ]
    readonly_fields = [
        "reference", "kind", "status", "title", "escalated", "next_due_at", "submitted_at",
        "filer", "organisation", "filed_as", "principal_name", "authority_statement",
        "language", "ai_product", "ai_model", "similarity", "remedies_asked", "remedy_other",
        "whole_catalogue", "training_uses", "catalogue_identifiers", "appeal_of",
        "appeal_grounds", "good_faith_statement", "accuracy_statement", "signature",
    ]
    inlines = [WorkInline, LocationInline, QuestionInline, EvidenceInline]

    @admin.display(description=gettext_lazy("remedies asked for"))
    def remedies_asked(self, obj):
        return ", ".join(str(Remedy(r).label) for r in obj.remedies if r in Remedy.values)

    def has_add_permission(self, request):
        return False  # cases are filed by filers, through the portal or the API

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        original = Case.objects.get(pk=obj.pk)
        case_desk_update(case=original, actor=request.user,
                         assignee=form.cleaned_data.get("assignee"),
                         priority=form.cleaned_data.get("priority"))

    def get_urls(self):
        return [
            path("<int:object_id>/message/", self.admin_site.admin_view(self.message_view),
                 name="complaints_case_message"),
            path("<int:object_id>/decide/", self.admin_site.admin_view(self.decide_view),
                 name="complaints_case_decide"),
        ] + super().get_urls()

    def _case_for_work(self, request, object_id) -> Case:
        case = get_object_or_404(Case.objects.select_related("filer"), pk=object_id)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        return case

    def _desk_context(self, request, case, message_form=None, decision_form=None):
        return {
            "thread": case.messages.select_related("author").prefetch_related("attachments"),
            "events": case.events.select_related("actor"),
            "deadlines": case.deadlines.all(),
            "decision": getattr(case, "decision", None),
            "message_form": message_form or DeskMessageForm(),
            "decision_form": decision_form or DecisionForm(),
            "message_url": reverse("admin:complaints_case_message", args=[case.pk]),
            "decide_url": reverse("admin:complaints_case_decide", args=[case.pk]),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = get_object_or_404(Case, pk=object_id)
        context = {**self._desk_context(request, case), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _back_with_errors(self, request, case, **forms):
        for form in forms.values():
            for field, errors in form.errors.items():
                for error in errors:
                    label = form.fields[field].label if field in form.fields else ""
                    messages.error(request, f"{label}: {error}" if label else error)
        return self.change_view(request, str(case.pk),
                                extra_context=self._desk_context(request, case, **forms))

    def message_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST":
            return redirect("admin:complaints_case_change", case.pk)
        form = DeskMessageForm(request.POST)
        if form.is_valid():
            try:
                message_post(case=case, author=request.user, body=form.cleaned_data["body"],
                             visibility=form.cleaned_data["visibility"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your message was posted."))
                return redirect("admin:complaints_case_change", case.pk)
        return self._back_with_errors(request, case, message_form=form)

    def decide_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST":
            return redirect("admin:complaints_case_change", case.pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decision_record(case=case, decided_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The decision was recorded and sent to the filer."))
                return redirect("admin:complaints_case_change", case.pk)
        return self._back_with_errors(request, case, decision_form=form)


class RecordAdmin(admin.ModelAdmin):
    """Records nobody edits: audit events and sent e-mails."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    list_display = ["created_at", "case", "event_type", "actor", "old_value", "new_value"]
    list_select_related = ["case", "actor"]
    list_filter = ["event_type"]
    search_fields = ["=case__reference"]
    ordering = ["-created_at", "-pk"]


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts",
                    "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient", "subject", "=key"]
    ordering = ["-created_at", "-pk"]
    fields = ["key", "case", "kind", "recipient", "language", "subject", "status", "attempts",
              "last_error", "created_at", "next_attempt_at", "sent_at", "body_text",
              "body_html_source"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("HTML"))
    def body_html_source(self, obj):
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", obj.body_html)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and super().has_view_permission(
            request, obj)

    def has_change_permission(self, request, obj=None):
        return False

