"""The policies on the desk: their settings (supervisors change them), the repeat
infringers with the account action recommended and the form recording what the product
did, and filer suspensions that a supervisor can lift with a reason."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints.domain.policies import OwnerAction
from complaints.models import FilerSuspension, OwnerAccountAction, OwnerStanding, PolicySettings
from complaints.selectors.policies import (
    owner_recommended,
    owners_standing,
    policy_settings_current,
)
from complaints.services.policies import filer_suspension_lift, owner_account_action_record


@admin.register(PolicySettings)
class PolicySettingsAdmin(admin.ModelAdmin):
    """One row, made by the migration: changed, never added or deleted."""

    list_display = ["__str__", "owner_window_days", "owner_threshold", "filer_window_days",
                    "filer_warning_after", "filer_suspension_after", "suspension_days",
                    "changed_at"]
    fieldsets = [
        (_("Repeat infringers (DMCA 512(i))"), {"fields": ["owner_window_days",
                                                           "owner_threshold"]}),
        (_("Manifestly unfounded notices (DSA Art. 23)"), {"fields": [
            "filer_window_days", "filer_warning_after", "filer_suspension_after",
            "suspension_days"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FlaggedFilter(admin.SimpleListFilter):
    title = _("repeat infringer")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("Flagged")), ("no", _("Not flagged"))]

    def queryset(self, request, queryset):
        threshold = policy_settings_current().owner_threshold
        if self.value() == "yes":
            return queryset.filter(removals__gte=threshold)
        if self.value() == "no":
            return queryset.filter(removals__lt=threshold)
        return queryset


@admin.register(OwnerStanding)
class OwnerStandingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ai_product", "account_id", "removals_shown", "flag",
                    "recommendation", "record_link"]
    list_filter = [FlaggedFilter, "ai_product"]
    search_fields = ["handle", "account_id", "email"]
    fields = ["ai_product", "account_id", "handle", "email", "language"]
    readonly_fields = fields

    def get_queryset(self, request):
        self._policy = policy_settings_current()
        return owners_standing().order_by("-removals", "pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("upheld removals in the window"), ordering="removals")
    def removals_shown(self, owner):
        return owner.removals

    @admin.display(description=_("repeat infringer"), boolean=True)
    def flag(self, owner):
        return owner.removals >= self._policy.owner_threshold

    @admin.display(description=_("recommended account action"))
    def recommendation(self, owner):
        recommended = owner_recommended(owner, self._policy)
        return OwnerAction(recommended).label if recommended else "—"

    @admin.display(description=_("what the product did"))
    def record_link(self, owner):
        url = reverse("admin:complaints_owneraccountaction_add")
        return format_html('<a href="{}?owner={}&removals_counted={}">{}</a>', url, owner.pk,
                           owner.removals, _("Record an account action"))


class OwnerAccountActionForm(forms.ModelForm):
    class Meta:
        model = OwnerAccountAction
        fields = ["owner", "action", "taken_at", "note", "removals_counted"]


@admin.register(OwnerAccountAction)
class OwnerAccountActionAdmin(admin.ModelAdmin):
    """Append-only: recorded, then only read."""

    form = OwnerAccountActionForm
    list_display = ["owner", "action", "taken_at", "removals_counted", "recorded_by",
                    "recorded_at"]
    list_filter = ["action"]
    list_select_related = ["owner", "recorded_by"]
    raw_id_fields = ["owner"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = owner_account_action_record(
            owner=data["owner"], action=data["action"], taken_at=data["taken_at"],
            note=data.get("note", ""), removals_counted=data.get("removals_counted") or 0,
            recorded_by=request.user)
        obj.pk = saved.pk


class SuspensionLiftForm(forms.ModelForm):
    class Meta:
        model = FilerSuspension
        fields = ["lift_reason"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.lifted_at is None and not cleaned.get("lift_reason", "").strip():
            self.add_error("lift_reason", _("Give the reason for lifting the suspension."))
        return cleaned


@admin.register(FilerSuspension)
class FilerSuspensionAdmin(admin.ModelAdmin):
    """A suspension is made by the misuse policy; a supervisor lifts it with a reason."""

    form = SuspensionLiftForm
    list_display = ["user", "starts_at", "ends_at", "decided_by", "lifted_at", "lifted_by"]
    list_select_related = ["user", "decided_by", "lifted_by"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "starts_at", "ends_at", "reasons", "decided_by", "lifted_at",
                       "lifted_by"]
    fields = [*readonly_fields, "lift_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.lifted_at is not None:
            return [*self.readonly_fields, "lift_reason"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.lifted_at is not None:
            return
        try:
            filer_suspension_lift(suspension=obj, actor=request.user,
                                  reason=form.cleaned_data["lift_reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
