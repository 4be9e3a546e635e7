"""The admin site: Django's, with the desk's own screens that belong to no model."""
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_noop, ngettext_lazy


class KotaeAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # Staff pass the second factor (accounts/two_factor.py) before any admin page opens.
        return super().has_permission(request) and request.user.is_verified()

    def each_context(self, request):
        """Django's, but the list of every app and model the user may use (built from
        each model admin's permissions) only when a template reads it: with the nav sidebar
        off (complaints/admin/__init__.py) only the index does, and it took a tenth of the
        case page's time."""
        request._apps_when_read = True
        try:
            return super().each_context(request)
        finally:
            del request._apps_when_read

    def get_app_list(self, request, app_label=None):
        if getattr(request, "_apps_when_read", False):
            return SimpleLazyObject(lambda: super(KotaeAdminSite, self).get_app_list(
                request, app_label))
        return super().get_app_list(request, app_label)

    def login(self, request, extra_context=None):
        """A signed-in staff member without the second factor goes on to it, not to
        "you are not authorised"; a password login here leads there too."""
        from accounts.two_factor_views import second_step_needed, second_step_redirect

        if second_step_needed(request):
            return second_step_redirect(request.POST.get(REDIRECT_FIELD_NAME)
                                        or request.GET.get(REDIRECT_FIELD_NAME)
                                        or reverse("admin:index", current_app=self.name))
        response = super().login(request, extra_context)
        if (request.method == "POST" and response.status_code == 302
                and request.user.is_authenticated and request.user.is_staff):
            return second_step_redirect(response.url)
        return response

    def get_urls(self):
        from complaints.admin.health import health_view
        from complaints.admin.quality import quality_view

        # Before the site's own URLs, whose app pages would take these paths otherwise.
        return [path("quality/", self.admin_view(quality_view), name="answer_quality"),
                path("health/", self.admin_view(health_view), name="health"),
                *super().get_urls()]


class KotaeAdminConfig(AdminConfig):
    default_site = "config.admin.KotaeAdminSite"


# Django's admin says these in Japanese with ASCII punctuation (「テーマを切り替え (現在の
# テーマ: 自動)」, 「担当者:」, 「期限 で絞り込む」); listed here so `make messages` keeps our
# full-width versions, which come first because LOCALE_PATHS is searched before Django's
# own catalogues. Plural ones are listed with ngettext_lazy (makemessages keeps both
# forms; the 0 is never used). Django's admin, auth and forms catalogues; two of its
# templates are ours for what no catalogue holds (templates/admin/pagination.html,
# search_form.html).
DJANGO_STRINGS_REWORDED = [
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    # Forms: the label suffix (「担当者：」) and the endings after which none is added.
    gettext_noop(":"),
    gettext_noop(":?.!"),
    # The lists: actions, filters, counts, selection.
    gettext_noop("Action:"),
    gettext_noop(" By %(filter_title)s "),
    ngettext_lazy("%(counter)s result", "%(counter)s results", 0),
    gettext_noop("%(full_result_count)s total"),
    gettext_noop("0 of %(cnt)s selected"),
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", 0),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Select this object for an action - {}"),
    # Titles, links and buttons, and what they report.
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    ngettext_lazy("%(count)s %(name)s was changed successfully.",
                  "%(count)s %(name)s were changed successfully.", 0),
    gettext_noop("Change history: %s"),
    # Labels, help, messages and history.
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("%(app)s administration"),
    gettext_noop("Sorting priority: %(priority_number)s"),
    gettext_noop("Delete?"),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Date:"),
    gettext_noop("Time:"),
    gettext_noop("Currently:"),
    gettext_noop("Change:"),
    gettext_noop("New password:"),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Changed {fields}."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    # Deleting.
    gettext_noop('Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All '
                 "of the following related items will be deleted:"),
    gettext_noop("Deleting the %(object_name)s '%(escaped_object)s' would result in deleting "
                 "related objects, but your account doesn't have permission to delete the "
                 "following types of objects:"),
    gettext_noop("Deleting the %(object_name)s '%(escaped_object)s' would require deleting the "
                 "following protected related objects:"),
    gettext_noop("Are you sure you want to delete the selected %(objects_name)s? All of the "
                 "following objects and their related items will be deleted:"),
    gettext_noop("Deleting the selected %(objects_name)s would result in deleting related "
                 "objects, but your account doesn't have permission to delete the following "
                 "types of objects:"),
    gettext_noop("Deleting the selected %(objects_name)s would require deleting the following "
                 "protected related objects:"),
    # Accounts (django.contrib.auth).
    gettext_noop("Password confirmation"),
    gettext_noop("New password confirmation"),
    gettext_noop("Change password: %s"),
    ngettext_lazy("Your password must contain at least %(min_length)d character.",
                  "Your password must contain at least %(min_length)d characters.", 0),
    gettext_noop("Whether the user will be able to authenticate using a password or not. If "
                 "disabled, they may still be able to authenticate using other backends, such "
                 "as Single Sign-On or LDAP."),
]
