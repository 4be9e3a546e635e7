"""The training-use register in the desk: the list, each entry's page with its next step,
bulk steps over chosen entries, and permissions the desk records itself.

Reads are here; every change goes through complaints.services.register."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from complaints.domain.text import in_a_row, labelled, listing
from complaints.models import RegisterEntry, TrainingUse
from complaints.services.register import (
    register_entries_apply,
    register_entries_confirm,
    register_entries_not_possible,
    register_permission_check,
    register_permission_record,
)
from config.pagination import CappedCountPaginator

STATUS_BADGES = {
    RegisterEntry.Status.RECEIVED: "soon",
    RegisterEntry.Status.CONFIRMED: "today",
    RegisterEntry.Status.APPLIED: "met",
    RegisterEntry.Status.NOT_POSSIBLE: "paused",
}


class UseFilter(admin.SimpleListFilter):
    title = gettext_lazy("use covered")
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return TrainingUse.choices

    def queryset(self, request, queryset):
        if self.value() in TrainingUse.values:
            # The uses are a JSON list of fixed words: a quoted word matches one of them
            # (on SQLite as on PostgreSQL).
            return queryset.filter(uses__icontains=f'"{self.value()}"')
        return queryset


class PermissionForm(forms.ModelForm):
    """A permission the company was granted, recorded by the desk."""

    identifiers = forms.CharField(
        label=gettext_lazy("Identifiers (URLs, domains, titles)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line. A URL also records its domain."))
    uses = forms.MultipleChoiceField(label=gettext_lazy("Uses permitted"),
                                     choices=TrainingUse.choices,
                                     widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = RegisterEntry
        fields = ["rights_holder", "scope", "title"]

    def clean(self):
        cleaned = super().clean()
        try:
            register_permission_check(
                rights_holder=cleaned.get("rights_holder") or "",
                scope=cleaned.get("scope") or "", uses=cleaned.get("uses") or [],
                title=cleaned.get("title") or "", identifiers=cleaned.get("identifiers") or "")
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                if name not in self.errors:
                    self.add_error(name, errors)
        return cleaned


class SnapshotForm(forms.Form):
    snapshot = forms.CharField(
        label=gettext_lazy("Dataset snapshot"), max_length=200,
        help_text=gettext_lazy("The snapshot from which the data pipeline applies the "
                               "entries, e.g. ds-2026-11-30."))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is not possible"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The filer reads this reason in an e-mail and on the case "
                               "page."))


@admin.register(RegisterEntry)
class RegisterEntryAdmin(admin.ModelAdmin):
    list_display = ["number", "covers", "kind", "status_badge", "use_list", "case_link",
                    "snapshot", "updated_at"]
    list_display_links = ["number", "covers"]
    list_select_related = ["case"]
    list_filter = ["status", "kind", UseFilter, "scope"]
    search_fields = ["title"]  # shows the box; get_search_results decides how
    search_help_text = gettext_lazy(
        "A title, a rights holder, a URL, a domain, an image hash, or a case reference.")
    ordering = ["-updated_at", "-pk"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100
    empty_value_display = "—"
    actions = ["confirm_entries", "apply_entries", "not_possible_entries"]
    form = PermissionForm
    change_form_template = "admin/complaints/registerentry/change_form.html"
    add_fields = ["rights_holder", "scope", "title", "identifiers", "uses"]
    shown_fieldsets = [
        (None, {"fields": ["kind", "status", "covers", "rights_holder", "use_list",
                           "case_link"]}),
        (gettext_lazy("How the pipeline recognises it"),
         {"fields": ["titles_list", "urls_list", "domains_list", "hashes_list"]}),
        (gettext_lazy("Record"),
         {"fields": ["snapshot", "reason", "created_at", "confirmed_at", "applied_at",
                     "updated_at", "changed_by"]}),
    ]

    class Media:
        css = {"all": ["kotae/desk.css"]}

    # --- The list ---------------------------------------------------------------------
    @admin.display(description=gettext_lazy("No."), ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=gettext_lazy("covers"))
    def covers(self, obj):
        if obj.scope == RegisterEntry.Scope.CATALOGUE:
            return obj.subject
        return format_html("{}<br><small class='quiet'>{}</small>", obj.title,
                           obj.rights_holder)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="badge badge-{}">{}</span>',
                           STATUS_BADGES.get(obj.status, "paused"), obj.get_status_display())

    @admin.display(description=gettext_lazy("uses covered"))
    def use_list(self, obj):
        return listing(obj.use_labels)

    @admin.display(description=gettext_lazy("case"), ordering="case__reference")
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:complaints_case_change", args=[obj.case_id]),
                           obj.case.reference)

    def _listing(self, values, code=False):
        if not values:
            return "—"
        template = "<code>{}</code><br>" if code else "{}<br>"
        return format_html_join("", template, ((v,) for v in values))

    @admin.display(description=gettext_lazy("titles"))
    def titles_list(self, obj):
        return self._listing(obj.titles)

    @admin.display(description=gettext_lazy("URLs"))
    def urls_list(self, obj):
        return self._listing(obj.urls, code=True)

    @admin.display(description=gettext_lazy("domains"))
    def domains_list(self, obj):
        return self._listing(obj.domains, code=True)

    @admin.display(description=gettext_lazy("image hashes (pHash)"))
    def hashes_list(self, obj):
        return self._listing(obj.image_hashes, code=True)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
        if not term:
            return queryset, False
        # The register is searched now and then, not in a hot path: a scan is acceptable.
        return queryset.filter(
            Q(title__icontains=term) | Q(rights_holder__icontains=term)
            | Q(titles__icontains=term) | Q(urls__icontains=term)
            | Q(domains__icontains=term) | Q(image_hashes__icontains=term.lower())
            | Q(case__reference__iexact=term)), False

    # --- Entry pages: permissions are added here; entries are never edited by hand --------
    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_fields})]
        return self.shown_fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # every field is shown read-only
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for _title, options in self.shown_fieldsets for name in options["fields"]]

    def has_delete_permission(self, request, obj=None):
        return False  # a register keeps its history; "not possible" says why an entry ended

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing on an entry's page is edited directly
        entry = register_permission_record(
            actor=request.user, rights_holder=form.cleaned_data["rights_holder"],
            scope=form.cleaned_data["scope"], uses=form.cleaned_data["uses"],
            title=form.cleaned_data["title"], identifiers=form.cleaned_data["identifiers"])
        # The admin goes on with `obj` (its message, the log, the redirect): make it the row.
        for model_field in entry._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(entry, model_field.attname))
        obj._state.adding = False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Training-use register"),
                                                 **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/step/<str:step>/", view(self.step_view),
                 name="complaints_registerentry_step"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"show_save": False, "show_save_and_continue": False,
                   "show_save_and_add_another": False, "snapshot_form": SnapshotForm(),
                   "reason_form": ReasonForm(), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def step_view(self, request, object_id, step):
        """One entry's next step, from the small forms on its page."""
        entry = get_object_or_404(RegisterEntry, pk=object_id)
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        back = redirect("admin:complaints_registerentry_change", entry.pk)
        if request.method != "POST" or step not in self.STEPS:
            return back
        form_class, run, done = self.STEPS[step]
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:  # the banner is far from the field: name it
                    messages.error(request, labelled(form.fields[name].label, error))
            return back
        try:
            changed = run(self, request, [entry.pk], form.cleaned_data if form else {})
        except ValidationError as exc:
            messages.error(request, in_a_row(exc.messages))
            return back
        if changed:
            messages.success(request, done)
        else:
            messages.warning(request, _("This entry was already past that step; it was left "
                                        "as it was."))
        return back

    # --- Steps over chosen entries ----------------------------------------------------------
    def _logged(self, request, entries, fields):
        """The admin's history of each entry says who took the step (a permission has no
        case whose audit trail would). Stored as Django's structured change message, so
        each reader sees it in their own language."""
        with translation.override("en"):
            names = [str(RegisterEntry._meta.get_field(f).verbose_name) for f in fields]
        if entries:  # one INSERT for the lot (a bulk step may move 500)
            LogEntry.objects.log_actions(request.user.pk, entries, CHANGE,
                                         [{"changed": {"fields": names}}])
        return entries

    def _confirm(self, request, ids, data):
        return self._logged(request, register_entries_confirm(
            entry_ids=ids, actor=request.user), ["status", "confirmed_at"])

    def _apply(self, request, ids, data):
        return self._logged(request, register_entries_apply(
            entry_ids=ids, actor=request.user, snapshot=data["snapshot"]),
            ["status", "applied_at", "snapshot"])

    def _not_possible(self, request, ids, data):
        return self._logged(request, register_entries_not_possible(
            entry_ids=ids, actor=request.user, reason=data["reason"]), ["status", "reason"])

    MAX_CHOSEN = 500  # the confirmation page repeats each id; POSTs carry at most 1,000 fields

    def _too_many(self, request, queryset) -> bool:
        if queryset.count() <= self.MAX_CHOSEN:
            return False
        self.message_user(request, _("Choose at most %(n)d entries at a time (filter the "
                                     "list, for example by status).") % {"n": self.MAX_CHOSEN},
                          messages.ERROR)
        return True

    STEPS = {
        "confirm": (None, _confirm,
                    gettext_lazy("The entry is confirmed; the filer gets a receipt.")),
        "apply": (SnapshotForm, _apply,
                  gettext_lazy("The entry is recorded as applied; the filer is told.")),
        "not-possible": (ReasonForm, _not_possible,
                         gettext_lazy("The entry is recorded as not possible; the filer is "
                                      "told why.")),
    }

    def _report(self, request, chosen: int, changed: int):
        left = chosen - changed
        self.message_user(request, ngettext("%(n)d entry changed; its filer is told.",
                                            "%(n)d entries changed; their filers are told.",
                                            changed) % {"n": changed}, messages.SUCCESS)
        if left:
            self.message_user(request, ngettext(
                "%(n)d entry was already past that step and was left as it was.",
                "%(n)d entries were already past that step and were left as they were.",
                left) % {"n": left}, messages.WARNING)

    def _intermediate(self, request, queryset, form, title, action):
        context = {**self.admin_site.each_context(request), "title": title, "form": form,
                   "queryset": queryset, "action": action, "opts": self.model._meta,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/complaints/registerentry/action_form.html",
                                context)

    @admin.action(description=gettext_lazy("Confirm (the filer gets a receipt)"),
                  permissions=["change"])
    def confirm_entries(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        ids = list(queryset.values_list("pk", flat=True))
        self._report(request, len(ids), len(self._confirm(request, ids, {})))

    @admin.action(description=gettext_lazy("Mark applied from a dataset snapshot…"),
                  permissions=["change"])
    def apply_entries(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        form = SnapshotForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            ids = list(queryset.values_list("pk", flat=True))
            self._report(request, len(ids), len(self._apply(request, ids, form.cleaned_data)))
            return None
        return self._intermediate(request, queryset.select_related("case"), form,
                                  _("Mark applied from a dataset snapshot"), "apply_entries")

    @admin.action(description=gettext_lazy("Mark not possible, with a reason…"),
                  permissions=["change"])
    def not_possible_entries(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            ids = list(queryset.values_list("pk", flat=True))
            self._report(request, len(ids),
                         len(self._not_possible(request, ids, form.cleaned_data)))
            return None
        return self._intermediate(request, queryset.select_related("case"), form,
                                  _("Mark not possible"), "not_possible_entries")
