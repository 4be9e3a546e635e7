import zoneinfo

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone, translation

from accounts.language import speak_programs_language


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
        if started is None:
            session[self.STARTED] = now
        if seen is None or now - seen >= 60:  # a write a minute, not one a request
            session[self.SEEN] = now
        session.set_expiry(settings.KOTAE_STAFF_SESSION_IDLE)
