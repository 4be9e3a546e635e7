import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django_otp.middleware import OTPMiddleware

from accounts.backends import FORCE_LOGIN_BACKEND, reading_with
from accounts.language import speak_programs_language


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's (request.user, read when first used, and request.auser), but Django's
    get_user runs while the session is the one being read: its store reads the user it
    names in the same statement, and accounts.backends.UserBackend hands that user over
    instead of reading it again."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))


def _signed_in_user(request):
    with reading_with(request.session):
        return auth_middleware.get_user(request)


class UserPreferencesMiddleware:
    """Activates a signed-in user's language and time zone for the request.

    Runs after LocaleMiddleware, so a user's saved preference beats the browser's
    Accept-Language; an explicit switch on the page updates the preference.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz_name = None
        if user is not None and user.is_authenticated:
            if request.path.startswith("/api/"):
                # A program may ask for one of our languages with Accept-Language.
                speak_programs_language(request, lambda: user)
            else:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            tz_name = user.time_zone
        try:
            if tz_name:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            else:
                timezone.deactivate()
        except zoneinfo.ZoneInfoNotFoundError:
            timezone.deactivate()
        response = self.get_response(request)
        return response


class StaffSessionMiddleware:
    """Ends a staff member's session after 30 minutes idle and 12 hours at most (OWASP
    ASVS 3.3); creators keep the site's usual session length. Runs after
    AuthenticationMiddleware: an ended session reaches the view as a visitor's, so a page
    that needs a login asks for one again."""

    STARTED, SEEN = "kotae_staff_started", "kotae_staff_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        now = int(timezone.now().timestamp())
        session = request.session
        started, seen = session.get(self.STARTED), session.get(self.SEEN)
        if started is not None and seen is not None and (
                now - seen > settings.KOTAE_STAFF_SESSION_IDLE.total_seconds()
                or now - started > settings.KOTAE_STAFF_SESSION_MAX.total_seconds()):
            logout(request)  # flushes the session; request.user is now anonymous
            return
        # Stamped at login (staff_session_start); a session from before then is stamped
        # now. Written at most once a minute, not on every request.
        if started is None or seen is None or now - seen >= 60:
            staff_session_stamp(session, now=now, started=started)


def staff_session_stamp(session, *, now: int, started: int | None = None) -> None:
    session[StaffSessionMiddleware.STARTED] = now if started is None else started
    session[StaffSessionMiddleware.SEEN] = now
    session.set_expiry(settings.KOTAE_STAFF_SESSION_IDLE)


def staff_session_start(sender, request, user, **kwargs) -> None:
    """At a staff login: the 12 hours and the 30 idle minutes start now (written with the
    login's own session save, so the first page costs no session write)."""
    if user.is_staff and hasattr(request, "session"):
        staff_session_stamp(request.session, now=int(timezone.now().timestamp()))


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.otp_device and request.user.is_verified()),
    plus one case: a session begun by Client.force_login through the dev and test settings'
    ForceLoginPassesSecondFactor counts as verified, so tests and benchmarks keep logging
    staff in with force_login. Production never lists that backend (its settings refuse
    to start with it), and Django treats a session naming an unlisted backend as logged
    out, so there the extra case cannot arise."""

    @staticmethod
    def _finalize_device(request, user, device):
        # OTPMiddleware calls this in its sync and async paths alike, for a signed-in user.
        device = OTPMiddleware._finalize_device(request, user, device)
        if (device is None and request.session.get(BACKEND_SESSION_KEY) == FORCE_LOGIN_BACKEND
                and FORCE_LOGIN_BACKEND in settings.AUTHENTICATION_BACKENDS):
            user.is_verified = lambda: True
        return device


class SecondStepMiddleware:
    """A staff member who has given the password but not yet the second factor may do
    nothing else: every page but the second step (and logging out) leads to it, and the
    API treats them as a visitor (their session is no credential there; a token is). So no
    staff power — the register's export, any case's evidence, a new API token — is had
    with a password alone. After SecondFactorMiddleware."""

    OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/language/",
            "/healthz", "/metrics", "/csp-report/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and user.is_staff and not user.is_verified()
                and not request.path.startswith(self.OPEN)):
            if request.path.startswith("/api/"):
                request.user = AnonymousUser()
            else:
                return redirect_to_second_step(request)
        return self.get_response(request)


def redirect_to_second_step(request):
    """To the second step (the app's code, or setting the app up), then back here."""
    onward = request.get_full_path() if request.method in ("GET", "HEAD") else "/admin/"
    return HttpResponseRedirect(
        f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': onward})}")
