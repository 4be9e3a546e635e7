from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


def _roles_ensure(sender, **kwargs):
    from accounts.services import roles_ensure

    roles_ensure()


def _user_tokens_forget(sender, instance, **kwargs):
    """A user saved (deactivated, say) or deleted: their tokens are read afresh."""
    from accounts.models import ApiToken
    from accounts.services import api_tokens_forget

    if instance.pk is not None:
        api_tokens_forget(key_hashes=ApiToken.objects.filter(user_id=instance.pk)
                          .values_list("key_hash", flat=True))


def _token_forget(sender, instance, **kwargs):
    from accounts.services import api_tokens_forget

    api_tokens_forget(key_hashes=[instance.key_hash])


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Permissions exist only after migrate, so the role groups are kept in step then.
        post_migrate.connect(_roles_ensure, dispatch_uid="accounts_roles_ensure")
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import staff_session_start

        user_logged_in.connect(staff_session_start, dispatch_uid="accounts_staff_session")
        from accounts.models import ApiToken, User

        # Tokens are cached for authentication (accounts.services.api_token_authenticate).
        for name, signal in (("saved", post_save), ("deleted", pre_delete)):
            signal.connect(_user_tokens_forget, sender=User,
                           dispatch_uid=f"accounts_user_{name}_tokens_forget")
            signal.connect(_token_forget, sender=ApiToken,
                           dispatch_uid=f"accounts_token_{name}_forget")
