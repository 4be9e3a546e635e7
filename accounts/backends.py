"""Who a session belongs to, read with a query compiled once; and the development and
test settings' stand-in for a second factor, for Client.force_login.

`UserBackend` is Django's ModelBackend (passwords, permissions, `is_active`) but for the
reads every signed-in request makes: the user comes with the session, in its statement
(accounts/sessions.py), or else by a query compiled once (config/queries.py), where
`User.objects.get(pk=…)` built through the ORM took 0.5 ms; and a colleague's own and
their groups' permissions come in one query, not two round trips (README "Speed").
`ForceLoginPassesSecondFactor` is never in production: config/settings/prod.py refuses to
start with it.
"""
import contextlib
import functools
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value

from config.queries import CompiledQuery

USER_BACKEND = "accounts.backends.UserBackend"
FORCE_LOGIN_BACKEND = "accounts.backends.ForceLoginPassesSecondFactor"


@functools.cache  # at the first use, once the models are loaded
def _user_by_id() -> CompiledQuery:
    model = get_user_model()
    return CompiledQuery(model, lambda pk: model._default_manager.filter(pk=pk))


_session: ContextVar = ContextVar("kotae_session_being_read", default=None)


@contextlib.contextmanager
def reading_with(session):
    """While Django's get_user runs: the request's session, whose store reads the user it
    names with it (accounts/sessions.py, accounts.middleware.AuthenticationMiddleware)."""
    token = _session.set(session)
    try:
        yield
    finally:
        _session.reset(token)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = getattr(_session.get(), "user_read", None)  # read with the session
        if user is None or str(user.pk) != str(user_id):
            try:
                found = _user_by_id().list(user_id)
            except (TypeError, ValueError):  # not an id: no one
                return None
            user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's: for a superuser every permission, for anyone else their own and
        their groups'; none for an inactive user. Here one UNION, not two queries, which
        also brings the names of the user's groups (their role: User.group_names)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = _pairs(Permission.objects.all())
            else:
                groups = (Group.objects.filter(user=user_obj)
                          .values_list(Value(_GROUP, output_field=CharField()), "name"))
                rows = _pairs(self._get_user_permissions(user_obj)).union(
                    _pairs(self._get_group_permissions(user_obj)), groups.order_by())
            rows = list(rows)
            user_obj._perm_cache = {f"{app}.{name}" for app, name in rows if app != _GROUP}
            if not user_obj.is_superuser:
                user_obj._group_names = {name for app, name in rows if app == _GROUP}
        return user_obj._perm_cache


_GROUP = " group"  # no application's label: it has a space


def permissions_forget(user) -> None:
    """Forget what was read of `user`'s permissions and groups (their role changed)."""
    for read in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_group_names"):
        user.__dict__.pop(read, None)


def _pairs(permissions):
    return permissions.values_list("content_type__app_label", "codename").order_by()


class ForceLoginPassesSecondFactor(UserBackend):
    """First in the dev and test settings' AUTHENTICATION_BACKENDS, so Client.force_login
    (which takes the first backend with get_user) logs in through it; such a session counts
    as having passed the second factor (accounts.middleware.SecondFactorMiddleware). No
    password login goes through it: authenticate() always answers None, so the usual
    backends (and any lockout backend) still see every password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None
