"""Who a session belongs to, read with a query compiled once; and the development and
test settings' stand-in for a second factor, for Client.force_login.

`UserBackend` is Django's ModelBackend (passwords, permissions, `is_active`) but for the
read every signed-in request makes: `User.objects.get(pk=…)` built through the ORM took
0.5 ms, the same query compiled once (config/queries.py) 0.2 (README "Speed").
`ForceLoginPassesSecondFactor` is never in production: config/settings/prod.py refuses to
start with it.
"""
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from config.queries import CompiledQuery

USER_BACKEND = "accounts.backends.UserBackend"
FORCE_LOGIN_BACKEND = "accounts.backends.ForceLoginPassesSecondFactor"


@functools.cache  # at the first use, once the models are loaded
def _user_by_id() -> CompiledQuery:
    model = get_user_model()
    return CompiledQuery(model, lambda pk: model._default_manager.filter(pk=pk))


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            found = _user_by_id().list(user_id)
        except (TypeError, ValueError):  # not an id: no one
            return None
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


class ForceLoginPassesSecondFactor(UserBackend):
    """First in the dev and test settings' AUTHENTICATION_BACKENDS, so Client.force_login
    (which takes the first backend with get_user) logs in through it; such a session counts
    as having passed the second factor (accounts.middleware.SecondFactorMiddleware). No
    password login goes through it: authenticate() always answers None, so the usual
    backends (and any lockout backend) still see every password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None
