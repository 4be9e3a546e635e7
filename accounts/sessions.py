"""The session store (SESSION_ENGINE): Django's database sessions, kept in
accounts.models.Session, which also names the user signed in. Every signed-in request
reads its session and its user: here that is one statement, compiled once
(config/queries.py), where Django's store and ModelBackend built two through the ORM
(0.8 ms and 0.5 ms of the case page's request, and two round trips; README "Speed").

The session is read as Django's store reads it: the key given, not yet expired (the expiry
compared here, with the same clock). The user read with it waits in `user_read` for
accounts.backends.UserBackend, which still takes only the user Django's `get_user` asks
for (its checks of the backend and the session's hash are Django's own). Writing, ending
and clearing sessions are Django's.
"""
import functools

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone

from config.queries import CompiledQuery


def _model():
    return apps.get_model("accounts", "Session")  # (its model names this store: no import)


@functools.cache  # at the first use, once the models are loaded
def _session_by_key() -> CompiledQuery:
    Session = _model()
    return CompiledQuery(
        Session, lambda key: Session.objects.filter(session_key=key).select_related("user"),
        text=True)


class SessionStore(db.SessionStore):
    user_read = None  # the user named by the session, read with it

    @classmethod
    def get_model_class(cls):
        return _model()

    def _get_session_from_db(self):
        key = self.session_key  # None for a key Django would not accept (too short)
        found = _session_by_key().list(key) if key is not None else []
        session = found[0] if found else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None  # as Django's store: a new key if anything is saved
            return None
        if self.model.user.is_cached(session):
            self.user_read = session.user
        return session

    def delete(self, session_key=None):
        """Django's, and the same key in Django's own table, where migration accounts.0004
        left a copy for workers of the release before: a session ended here is ended there."""
        key = session_key if session_key is not None else self.session_key
        super().delete(session_key)
        if key is not None:
            apps.get_model("sessions", "Session").objects.filter(session_key=key).delete()

    async def adelete(self, session_key=None):
        key = session_key if session_key is not None else self.session_key
        await super().adelete(session_key)
        if key is not None:
            await apps.get_model("sessions", "Session").objects.filter(
                session_key=key).adelete()

    def create_model_instance(self, data):
        return _naming_its_user(super().create_model_instance(data), data)

    async def acreate_model_instance(self, data):
        return _naming_its_user(await super().acreate_model_instance(data), data)


def _naming_its_user(session, data: dict):
    try:
        session.user_id = int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):  # no one signed in
        session.user_id = None
    return session


def sessions_clear_expired() -> int:
    """Delete expired sessions, and those Django's own table still holds from before
    migration accounts.0004 (left there for workers of the release before, until they
    expire). Beat runs it every hour (complaints.tasks.sessions_clear_task)."""
    now = timezone.now()
    deleted, _ = _model().objects.filter(expire_date__lt=now).delete()
    legacy, _ = apps.get_model("sessions", "Session").objects.filter(
        expire_date__lt=now).delete()
    return deleted + legacy
