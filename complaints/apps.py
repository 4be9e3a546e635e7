from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.backends.signals import connection_created

        from complaints.models.events import sqlite_functions_add

        connection_created.connect(sqlite_functions_add, dispatch_uid="kotae_audit_unlocked")
