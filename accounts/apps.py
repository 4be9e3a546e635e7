from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_ensure(sender, **kwargs):
    from accounts.services import roles_ensure

    roles_ensure()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Permissions exist only after migrate, so the role groups are kept in step then.
        post_migrate.connect(_roles_ensure, dispatch_uid="accounts_roles_ensure")
