"""Which language a program's request is answered in (the API, for a token or a signed-in
browser): the one its Accept-Language asks for, if the site has it; else the account's.
A header that names no language of ours (`*`, `fr`, `de-DE`, an empty one) asks for
nothing, and the account's language stands. (Pages always speak the account's language:
accounts/middleware.py.)"""
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    language_code_re,
    parse_accept_lang_header,
)


def language_asked_for(request) -> str | None:
    """The language of settings.LANGUAGES that the request's Accept-Language asks for
    first, as LocaleMiddleware reads it; None if it asks for none of them."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break  # "any language": the account's
        if not language_code_re.search(code):
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def speak_programs_language(request, account: Callable[[], Any]) -> None:
    """Activate the language asked for, else the account's. `account()` gives the user;
    it is asked only when needed (for the API that may mean authenticating the request),
    and may give None or an anonymous user: then the language stays as LocaleMiddleware
    set it."""
    language = language_asked_for(request)
    if language is None:
        user = account()
        if user is None or not user.is_authenticated:
            return
        language = user.language
    translation.activate(language)
    request.LANGUAGE_CODE = language
