import zoneinfo

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
