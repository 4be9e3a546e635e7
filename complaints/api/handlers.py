"""Django's own error answers (settings: handler400/404/500 in config/urls.py): under /api/
the API's JSON shape in the caller's language, elsewhere Django's pages. They answer what
no API view does: a route that does not exist, a request refused before any view, a crash."""
from contextlib import suppress

from django.http import HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.views import defaults
from rest_framework.request import Request

from complaints.api import error_messages
from complaints.api.authentication import ApiTokenAuthentication
from complaints.api.errors import error_body, refused_by_django
from complaints.api.language import speak_callers_language
from config.middleware import ImpossibleInput

API_PREFIX = "/api/"


def _for_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _answer(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code=code, message=message), status=status,
                        json_dumps_params={"ensure_ascii": False})


def _speak_callers_language(request) -> None:
    """A signed-in browser's language is active already (accounts.middleware); a token's
    account is found here."""
    with suppress(Exception):  # an error page must not fail for want of a language
        speak_callers_language(Request(request, authenticators=[ApiTokenAuthentication()]))


def page_not_found(request, exception):
    if not _for_api(request):
        return defaults.page_not_found(request, exception)
    _speak_callers_language(request)
    return _answer("not_found", error_messages.no_such_endpoint(), 404)


def bad_request(request, exception):
    if not _for_api(request):
        # A page of its own that needs nothing of the request (which is the trouble).
        reason = (ImpossibleInput.message if isinstance(exception, ImpossibleInput)
                  else error_messages.request_refused())
        return HttpResponseBadRequest(loader.render_to_string("400.html", {"reason": reason}))
    _speak_callers_language(request)
    refused = refused_by_django(exception)  # (Django has logged it)
    return _answer(refused.get_codes(), str(refused.detail), refused.status_code)


def server_error(request):
    if not _for_api(request):
        return defaults.server_error(request)
    # The language of the view that failed, if it got that far: nothing more is asked of
    # what may be failing (the database, the cache).
    return _answer("server_error", error_messages.server_error(), 500)
