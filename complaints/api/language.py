"""The language the API answers in: the one Accept-Language asks for if the site has it,
else the caller's account's (the rule: accounts/language.py). The account is known only
once the request is authenticated, and some errors come before that (an Accept not served)
or outside any view (no such route): each of those asks here again."""
from rest_framework.exceptions import APIException

from accounts.language import speak_programs_language


def speak_callers_language(request) -> None:
    """Activate the language the caller asked for, else their account's. `request` is
    DRF's; asking for its user authenticates it if that has not happened yet (a bad token
    then leaves the language as it is: nobody's account to ask)."""
    if request is None:
        return

    def account():
        try:
            return request.user
        except APIException:
            return None

    speak_programs_language(request, account)
