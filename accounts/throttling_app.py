"""django-axes as installed here: its app under a name a reader of the admin understands,
in their language (axes names it "Axes")."""
from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginThrottlingConfig(AxesAppConfig):
    verbose_name = _("Login throttling")
