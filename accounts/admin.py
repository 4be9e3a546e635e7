from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_totp import admin as otp_totp_admin

from accounts.models import Membership, Organisation, OrganisationInvitation, Role, User
from accounts.services import user_role_set
from accounts.time_zones import time_zone_choices
from accounts.two_factor import totp_device_confirmed, two_factor_reset
from config.pagination import CappedCountPaginator


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "time_zone" in self.fields:  # places by region, as on the preferences page
            self.fields["time_zone"].choices = time_zone_choices(self.instance.time_zone)


class UserRoleForm(UserEditForm):
    """A superuser's form: staff status and the role's group follow from the role."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = self.instance.role


# django-otp registers its device admins, which would show secrets and recovery codes:
# nobody needs them. A superuser resets a staff member's two-factor from the user list.
for _model in (otp_totp_admin.TOTPDevice, otp_static_admin.StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "language", "time_zone_name",
                    "is_active"]
    list_filter = ["is_staff", "is_active", "language", "groups"]
    search_fields = ["email", "display_name"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    # Superusers: everything, the role through user_role_set.
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language", "time_zone", "email_verified")}),
        (_("Role and permissions"), {"fields": ("role", "is_active", "is_superuser",
                                                "user_permissions", "two_factor")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    # Everyone else: no password, no staff flags, groups or permissions. A supervisor may
    # correct a creator's profile and deactivate the account, never change the address
    # (a reset link would then go to whoever typed it).
    desk_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Profile"), {"fields": ("display_name", "language", "time_zone", "email_verified")}),
        (_("Role and permissions"), {"fields": ("role_label", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1",
                           "password2")}),
    )
    readonly_fields = ["last_login", "date_joined", "two_factor"]
    actions = ["reset_two_factor"]
    desk_readonly_fields = ["email", "email_verified", "role_label", "last_login",
                            "date_joined"]

    @admin.display(description=_("time zone"), ordering="time_zone")
    def time_zone_name(self, obj):
        # The stored name, as the field's choices label it, without looking it up among
        # 600 choices on every row.
        return obj.time_zone

    @admin.display(description=_("Role"))
    def role_label(self, obj):
        return Role(obj.role).label

    @admin.display(description=_("Two-factor authentication"))
    def two_factor(self, obj):
        if not obj.is_staff:
            return _("Not needed (not staff)")
        return _("App set up") if totp_device_confirmed(obj) else _("Not set up yet")

    @admin.action(description=_("Reset two-factor authentication"), permissions=["reset"])
    def reset_two_factor(self, request, queryset):
        reset = 0
        for user in queryset:
            if two_factor_reset(user=user, actor=request.user):
                reset += 1
                # The user's admin history says who reset it and when (the name is
                # translated where the history is shown).
                self.log_change(request, user,
                                [{"changed": {"fields": ["Two-factor authentication"]}}])
        self.message_user(request, ngettext(
            "Two-factor authentication reset for %(count)d person: they set it up again "
            "at their next visit to the desk.",
            "Two-factor authentication reset for %(count)d people: they set it up again "
            "at their next visit to the desk.", reset) % {"count": reset})

    def has_reset_permission(self, request):
        return request.user.is_superuser

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and request.user.is_superuser:
            kwargs["form"] = UserRoleForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.desk_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return self.desk_readonly_fields

    def has_change_permission(self, request, obj=None):
        # Staff and superuser accounts are changed by superusers only.
        if obj is not None and not request.user.is_superuser and (
                obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "role" in form.changed_data:
            user_role_set(user=form.instance, role=form.cleaned_data["role"],
                          actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term)
        # The case assignee autocomplete offers desk staff only.
        if request.GET.get("field_name") == "assignee":
            queryset = queryset.filter(is_staff=True, is_active=True)
        return queryset, may_have_duplicates


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class InvitationInline(admin.TabularInline):
    """Invitations are a record here; administrators of the organisation send them."""

    model = OrganisationInvitation
    extra = 0
    fields = ["email", "invited_by", "created_at", "sent_at", "accepted_at"]  # never the token
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ja", "website", "created_at"]
    search_fields = ["name", "name_ja"]
    inlines = [MembershipInline, InvitationInline]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator


@admin.register(AccessAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """The wrong passwords django-axes counts, per account name and client address.
    Superusers only; deleting a row ends its pause at once (README "Login throttling")."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time",
                    "paused_until"]
    search_fields = ["username", "ip_address"]
    fields = readonly_fields = ["username", "ip_address", "failures_since_start",
                                "attempt_time", "paused_until", "path_info", "user_agent"]
    ordering = ["-attempt_time"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator

    @admin.display(description=_("Paused until"))
    def paused_until(self, obj):
        ends_at = obj.attempt_time + settings.AXES_COOLOFF_TIME
        if obj.failures_since_start < settings.AXES_FAILURE_LIMIT or ends_at <= timezone.now():
            return "—"
        return formats.date_format(timezone.localtime(ends_at), "DATETIME_FORMAT")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
