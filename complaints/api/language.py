"""The language the API answers in: Accept-Language if the caller sent it (LocaleMiddleware
has activated it), else their account's. The account is known only once the request is
authenticated, and some errors come before that (an Accept not served) or outside any view
(no such route): each of those asks here again."""
from django.utils import translation
from rest_framework.exceptions import APIException


def speak_callers_language(request) -> None:
    """Activate the caller's account language unless they sent Accept-Language. `request`
    is DRF's; asking for its user authenticates it if that has not happened yet (a bad
    token then leaves the language as it is: nobody's account to ask)."""
    if request is None or "HTTP_ACCEPT_LANGUAGE" in request.META:
        return
    try:
        user = request.user
    except APIException:
        return
    if user is not None and user.is_authenticated:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
