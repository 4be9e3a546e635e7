"""The operator desk in the Django admin: the queue, the case page, and the records."""
from django.contrib import admin
from django.utils.translation import gettext_lazy

# Imported for their effect: the model admins register, quality adds its screen.
from complaints.admin import (  # noqa: F401
    case,
    clock,
    dsa_statements,
    enforcement,
    policies,
    quality,
    records,
    register,
    retractions,
)

admin.site.site_header = gettext_lazy("Kotae desk")
admin.site.site_title = gettext_lazy("Kotae desk")
admin.site.index_title = gettext_lazy("Cases, deadlines and notifications")
# The desk needs the width: the model list lives on the admin's index page.
admin.site.enable_nav_sidebar = False
