"""The queue (case changelist) and the case page of the operator desk.

Reads are here; every write goes through complaints.services."""
import functools
import re
from datetime import UTC, datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from complaints.admin.deciding import DecidingMixin, answer_form_for, decision_form_for
from complaints.admin.forms import (
    AssigneeSelect,
    CaseDeskForm,
    ColleagueForm,
    DeskMessageForm,
    MergeForm,
    PriorityForm,
    media_rendered_once,
)
from complaints.admin.owners import OwnerNameForm, OwnerNamingMixin
from complaints.admin.queue import (
    BADGES,
    AIProductFilter,
    AssigneeFilter,
    DeadlineStateFilter,
    KeysFirstPaginator,
    NoticeLanguageFilter,
    StatusFilter,
    deadline_state,
    pk_among,
)
from complaints.admin.queue_rows import DeskChangeList
from complaints.admin.related import related_for_desk
from complaints.domain.text import in_a_row, labelled, listing
from complaints.models import (
    CannedResponse,
    Case,
    OutputLocation,
)
from complaints.selectors.cases import case_get_for_desk, cases_related_call
from complaints.selectors.counter_notices import counter_notices_for_desk
from complaints.selectors.enforcement import enforcement_orders_call
from complaints.selectors.policies import owners_flagged
from complaints.selectors.rows import case_owner_ids, case_rows_pages, first_rows_calls
from complaints.selectors.search import case_ids_by_words
from complaints.services.desk import (
    canned_for_case,
    canned_responses_changed,
    case_assign,
    case_desk_update,
    case_priority_set,
    cases_link,
    cases_merge,
    info_request,
)
from complaints.services.messages import message_post
from complaints.templatetags.kotae import when as when_filter
from config.pagination import CappedCountPaginator

# 300: at a million cases a common word's first 301 titles are found by scanning about 5,000
# rows, as fast as at 100,000 (README "Speed"); three pages of a hundred, then a warning.
SEARCH_CAP = 300
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
REFERENCE = re.compile(r"KT-\d{4}-\d{6,}", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _owner_fields_in(language: str) -> str:
    return format_html_join("", "<label>{} {}</label> ",
                            ((field.label, field) for field in OwnerNameForm().visible_fields()))


def _owner_fields() -> str:
    """The owner form's fields, rendered once for every location row of the page (the
    same blank form in each: rendering its widgets a hundred times was most of a long
    page's time), and once per process in each language (the labels are its only
    words)."""
    return _owner_fields_in(get_language())


@admin.register(Case)
class CaseAdmin(OwnerNamingMixin, DecidingMixin, admin.ModelAdmin):
    list_display = ["reference_and_kind", "deadline_badge", "title", "filer_and_organisation",
                    "status_for_desk", "assignee_name", "priority_badge"]
    list_display_links = ["reference_and_kind", "title"]
    list_select_related = ["filer", "assignee", "organisation"]
    list_filter = [DeadlineStateFilter, StatusFilter, "kind", "law", AssigneeFilter,
                   AIProductFilter, "language", NoticeLanguageFilter, "escalated", "priority"]
    search_fields = ["reference"]  # shows the box; get_search_results decides how
    search_help_text = gettext_lazy(
        "A reference (KT-2026-000123), a filer's e-mail, an output URL, or words of a "
        "title or work title."
    )
    ordering = [F("next_due_at").asc(nulls_last=True), "pk"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100
    autocomplete_fields = ["assignee"]
    actions = ["assign_to_me", "assign_to_colleague", "set_priority", "link_cases",
               "merge_duplicates"]
    change_form_template = "admin/complaints/case/change_form.html"
    form = CaseDeskForm
    _desk_forms: dict = {}  # CaseAdmin.get_form's, built once each
    # The case page's own form holds only what an operator sets directly; everything the
    # filer sent is shown by the desk template, read-only.
    fields = ["assignee", "priority"]

    class Media:
        css = {"all": ["kotae/desk.css"]}

    # --- The queue ------------------------------------------------------------------
    @admin.display(description=gettext_lazy("reference"), ordering="reference")
    def reference_and_kind(self, obj):
        return format_html("{}<br><small class='quiet'>{}</small>", obj.reference,
                           obj.get_kind_display())

    @admin.display(description=gettext_lazy("filer"), ordering="filer__email")
    def filer_and_organisation(self, obj):
        name = obj.filer.display_name or obj.filer.email
        second = obj.organisation or obj.filer.email
        return format_html("{}<br><small class='quiet'>{}</small>", name, second)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_for_desk(self, obj):
        return obj.get_desk_status_display()

    @admin.display(description=gettext_lazy("assignee"), ordering="assignee__display_name")
    def assignee_name(self, obj):
        if obj.assignee is None:
            return format_html("<span class='quiet'>{}</span>", _("unassigned"))
        return obj.assignee.display_name or obj.assignee.email

    @admin.display(description=gettext_lazy("priority"), ordering="priority")
    def priority_badge(self, obj):
        if obj.priority in ("high", "urgent"):
            return format_html('<span class="badge badge-priority-{}">{}</span>',
                               obj.priority, obj.get_priority_display())
        return obj.get_priority_display()

    @admin.display(description=gettext_lazy("next deadline"), ordering="next_due_at")
    def deadline_badge(self, obj):
        state = deadline_state(obj)
        if state == "none":
            return "—"
        when = when_filter(obj.next_due_at)
        if state == "later":
            return when
        return format_html('<span class="badge badge-{}">{}</span> {}', state,
                           BADGES[state], when)

    @admin.display(description=gettext_lazy("remedies asked for"))
    def remedies_asked(self, obj):
        return listing(obj.remedy_labels)

    def get_search_results(self, request, queryset, search_term):
        """Search by what the term looks like, so each kind of term uses an index."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if REFERENCE.fullmatch(term):
            return queryset.filter(reference=term.upper()), False
        if "@" in term and " " not in term:
            return queryset.filter(filer__email=term.lower()), False
        if "://" in term:
            return queryset.filter(pk__in=OutputLocation.objects.filter(url=term)
                                   .values_list("case_id", flat=True)), False
        # Words: the matching ids first, each from its own (trigram-indexed) table, so the
        # queue is then read by primary key rather than by scanning every case.
        ids, left_out = case_ids_by_words(term, SEARCH_CAP)
        if left_out:
            self.message_user(request, _(
                "Many cases match “%(term)s”; only some of them are shown. Add a word or a "
                "filter to narrow the search.") % {"term": term}, messages.WARNING)
        return queryset.filter(pk_among(ids)), False

    def get_paginator(self, request, queryset, per_page, orphans=0,
                      allow_empty_first_page=True):
        paginator = KeysFirstPaginator if request.GET.get("q", "").strip() else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_ordering(self, request):
        if request.GET.get("q", "").strip():
            # Search results are a few thousand ids at most: sorting them beats walking
            # the deadline index until enough of them turn up.
            return [Coalesce("next_due_at", Value(FAR_FUTURE)).asc(), "pk"]
        return super().get_ordering(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["widget"] = AssigneeSelect(db_field, self.admin_site,
                                              using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form class built once per language (the autocomplete's), the fields asked
        for, and whether the viewer may change the case (the admin leaves out the fields
        of one who may only view it): the admin builds it anew for every page."""
        key = (get_language(), change, tuple(kwargs.get("fields") or ()),
               tuple(self.get_readonly_fields(request, obj)),
               self.has_change_permission(request, obj), tuple(sorted(kwargs)))
        form = self._desk_forms.get(key)
        if form is None:
            form = super().get_form(request, obj, change, **kwargs)
            # Its fields are built: the callback that built them holds this request (its
            # user, session and data), which the kept class would hold for good.
            form.Meta.formfield_callback = form._meta.formfield_callback = None
            self._desk_forms[key] = form
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "assignee":
            # Choosing a colleague only: without the admin's links to add, change, delete
            # or view a user beside it (and their rendering).
            formfield.widget = formfield.widget.widget
        return formfield

    def has_add_permission(self, request):
        return False  # cases are filed by filers, through the portal or the API

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        case = Case.objects.select_related("assignee").get(pk=obj.pk)
        case_desk_update(case=case, actor=request.user,
                         assignee=form.cleaned_data.get("assignee"),
                         priority=form.cleaned_data.get("priority"))

    # --- Actions ---------------------------------------------------------------------
    def _each(self, request, queryset, work, done_message):
        count = 0
        with transaction.atomic():
            for case in queryset.select_related("assignee"):
                work(case)
                count += 1
        self.message_user(request, done_message(count), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._each(request, queryset,
                   lambda case: case_assign(case=case, actor=request.user,
                                            assignee=request.user),
                   lambda n: ngettext("%(n)d case assigned to you.",
                                      "%(n)d cases assigned to you.", n) % {"n": n})

    def _intermediate(self, request, queryset, form, title, action):
        context = {**self.admin_site.each_context(request), "title": title,
                   "form": form, "queryset": queryset, "action": action,
                   "opts": self.model._meta,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/complaints/case/action_form.html", context)

    @admin.action(description=gettext_lazy("Assign to a colleague…"), permissions=["change"])
    def assign_to_colleague(self, request, queryset):
        form = ColleagueForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            assignee = form.cleaned_data["assignee"]
            self._each(request, queryset,
                       lambda case: case_assign(case=case, actor=request.user,
                                                assignee=assignee),
                       lambda n: ngettext("%(n)d case assigned to %(who)s.",
                                          "%(n)d cases assigned to %(who)s.", n)
                       % {"n": n, "who": assignee})
            return None
        return self._intermediate(request, queryset, form, _("Assign to a colleague"),
                                  "assign_to_colleague")

    @admin.action(description=gettext_lazy("Set priority…"), permissions=["change"])
    def set_priority(self, request, queryset):
        form = PriorityForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            priority = form.cleaned_data["priority"]
            self._each(request, queryset,
                       lambda case: case_priority_set(case=case, actor=request.user,
                                                      priority=priority),
                       lambda n: ngettext("Priority set on %(n)d case.",
                                          "Priority set on %(n)d cases.", n) % {"n": n})
            return None
        return self._intermediate(request, queryset, form, _("Set priority"), "set_priority")

    @admin.action(description=gettext_lazy("Link as related"), permissions=["change"])
    def link_cases(self, request, queryset):
        try:
            cases_link(cases=list(queryset), actor=request.user)
        except ValidationError as exc:
            self.message_user(request, in_a_row(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("The cases are linked."), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Merge duplicates…"), permissions=["change"])
    def merge_duplicates(self, request, queryset):
        form = MergeForm(request.POST if "apply" in request.POST else None)
        form.fields["primary"].queryset = queryset
        if form.is_valid():
            primary = form.cleaned_data["primary"]
            try:
                cases_merge(primary=primary, duplicates=[c for c in queryset if c != primary],
                            actor=request.user)
            except ValidationError as exc:
                self.message_user(request, in_a_row(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request, _("Merged into %(reference)s; each filer was told.")
                    % {"reference": primary.reference}, messages.SUCCESS)
            return None
        return self._intermediate(request, queryset, form, _("Merge duplicates"),
                                  "merge_duplicates")

    # --- The case page -----------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/message/", view(self.message_view),
                 name="complaints_case_message"),
            path("<int:object_id>/merge/", view(self.merge_view),
                 name="complaints_case_merge"),
        ] + self.owner_urls() + self.deciding_urls() + super().get_urls()

    def _case_for_work(self, request, object_id) -> Case:
        case = get_object_or_404(Case.objects.select_related("filer"), pk=object_id)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        return case

    def get_object(self, request, object_id, from_field=None):
        # The change view already loaded the case with everything its page shows.
        case = getattr(request, "_desk_case", None)
        if case is not None and str(case.pk) == str(object_id):
            return case
        return super().get_object(request, object_id, from_field)

    def _compose_context(self, request, case, works, **forms) -> dict:
        """The forms to write, decide and answer with: only an open case shows them."""
        if not case.is_open:
            return {}
        chosen = request.GET.get("canned", "")
        # The canned responses name every work: the page of works holds them all, mostly.
        every_work = (list(works) if works.number == 1 and not works.has_next() else None)
        canned = canned_for_case(case=case, works=every_work)
        initial_body = next((text for c, text in canned if str(c.pk) == chosen), "")
        return {"canned": canned, "canned_chosen": chosen,
                "message_form": forms.get("message_form") or DeskMessageForm(
                    initial={"body": initial_body}),
                "decision_form": forms.get("decision_form") or decision_form_for(
                    case, request.user),
                "answer_form": forms.get("answer_form") or answer_form_for(case)}

    def _desk_context(self, request, case, **forms):
        read = case.read_with  # the page's other queries, sent with the case's (change_view)
        pages = case_rows_pages(case, request.GET, desk=True, first_rows=read)
        return {**self._compose_context(request, case, pages["works"], **forms),
            "case": case,
            "thread": case.desk_messages,
            "events": case.desk_events,
            "deadlines": case.deadlines.all(),
            "works": pages["works"],
            "locations": pages["locations"],
            "retractions": case.desk_retractions,
            "evidence": case.evidence.all(),
            "decision": getattr(case, "decision", None),
            **related_for_desk(case, read["related"]),
            "orders": read["orders"],
            # Shown, never edited: the owner's statements are theirs (no admin form has them).
            **counter_notices_for_desk(case),
            "first_decision": getattr(case.appeal_of, "decision", None) if case.appeal_of_id
            else None,
            "message_url": reverse("admin:complaints_case_message", args=[case.pk]),
            "decide_url": reverse("admin:complaints_case_decide", args=[case.pk]),
            "answer_url": reverse("admin:complaints_case_answer", args=[case.pk]),
            "merge_url": reverse("admin:complaints_case_merge", args=[case.pk]),
            "owner_url": reverse("admin:complaints_case_owner", args=[case.pk]),
            "owner_fields": _owner_fields() if pages["locations"].object_list else "",
        }

    def get_changelist(self, request, **kwargs):
        return DeskChangeList  # the same changelist, its rows written in one pass

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Case queue"),
                                                 **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = None
        if str(object_id).isdecimal():  # with the page's other queries: one round trip
            pk = int(object_id)
            case = case_get_for_desk(pk, also={
                **first_rows_calls(pk, request.GET, desk=True),
                "related": cases_related_call(pk), "orders": enforcement_orders_call(pk)})
        if case is None:
            return super().change_view(request, object_id, form_url, extra_context)
        request._desk_case = case
        forms = getattr(request, "_desk_forms", {})  # a compose form that came back invalid
        context = {**self._desk_context(request, case, **forms),
                   # Owners of the outputs named who reach the repeat-infringer threshold.
                   "repeat_infringers": owners_flagged(owner_ids=case_owner_ids(case)),
                   "title": f"{case.reference} · {case.title}", "subtitle": None,
                   **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = media_rendered_once(context["media"])
        return super().render_change_form(request, context, *args, **kwargs)

    def _back_with_errors(self, request, case, **forms):
        for form in forms.values():
            for field, errors in form.errors.items():
                for error in errors:
                    label = form.fields[field].label if field in form.fields else ""
                    messages.error(request, labelled(label, error) if label else error)
        request._desk_forms = forms
        request.method = "GET"  # show the page; the case's own form was not submitted
        return self.change_view(request, str(case.pk))

    def _done(self, request, case, message):
        messages.success(request, message)
        return redirect("admin:complaints_case_change", case.pk)

    def message_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST":
            return redirect("admin:complaints_case_change", case.pk)
        form = DeskMessageForm(request.POST)
        if form.is_valid():
            kind, body = form.cleaned_data["visibility"], form.cleaned_data["body"]
            try:
                if kind == DeskMessageForm.REQUEST_INFO:
                    info_request(case=case, actor=request.user, body=body)
                else:
                    message_post(case=case, author=request.user, body=body, visibility=kind)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return self._done(request, case, _("Your message was posted."))
        return self._back_with_errors(request, case, message_form=form)

    def merge_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST":
            return redirect("admin:complaints_case_change", case.pk)
        chosen = request.POST.getlist("duplicate")
        if not all(pk.isascii() and pk.isdigit() for pk in chosen):
            messages.error(request, _("The cases to merge could not be read. Tick them under "
                                      "Related cases and try again."))
            return redirect("admin:complaints_case_change", case.pk)
        duplicates = list(Case.objects.filter(pk__in=chosen))
        if not duplicates:
            messages.error(request, _("Choose the cases to merge into this one."))
            return redirect("admin:complaints_case_change", case.pk)
        try:
            cases_merge(primary=case, duplicates=duplicates, actor=request.user)
        except ValidationError as exc:
            messages.error(request, in_a_row(exc.messages))
            return redirect("admin:complaints_case_change", case.pk)
        return self._done(request, case, _("Merged; each filer was told."))


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_display = ["name", "language", "active"]
    list_filter = ["language", "active"]
    search_fields = ["name", "body"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        canned_responses_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        canned_responses_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        canned_responses_changed()
