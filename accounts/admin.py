from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, OrganisationInvitation, User
from accounts.time_zones import time_zone_choices
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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "language", "time_zone", "is_active"]
    list_filter = ["is_staff", "is_active", "language", "groups"]
    search_fields = ["email", "display_name"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language", "time_zone", "email_verified")}),
        (_("Role and permissions"), {"fields": ("is_active", "is_staff", "is_superuser",
                                                "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1",
                           "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

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
