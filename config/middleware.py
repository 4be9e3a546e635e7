"""Input no view can use, refused in one place before any view reads it.

A NUL character in an address, a query or a form field reaches PostgreSQL as a string it
refuses ("A string literal cannot contain NUL"), and a lone surrogate cannot be encoded at
all: each was a 500 somewhere. Here they are a 400 (config/urls.py's handler400: the page
in the reader's language, or the API's error shape under /api/). The API's JSON bodies are
checked field by field by its serializers, which name the field; its query strings are
checked here.
"""
import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

# NUL, and the UTF-16 surrogates, which are no character on their own.
IMPOSSIBLE = re.compile("[\x00\ud800-\udfff]")
# Longer than any address, filter or search the site makes (gunicorn refuses a request line
# over 4 KB already); a value past it is no one's input.
MAX_QUERY_VALUE = 4096
API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ImpossibleInput(BadRequest):
    message = _("The address or a form field contains something that cannot be read: a NUL "
                "character, an incomplete character, or a value far too long. Check the "
                "address or what you entered, and try again.")

    def __init__(self):
        super().__init__(str(self.message))


def _impossible(text: str, *, limit: int | None = None) -> bool:
    return bool(IMPOSSIBLE.search(text)) or (limit is not None and len(text) > limit)


def _form_values(request):
    """The fields and file names of a form sent to a page (not the API: its parsers and
    serializers read its bodies)."""
    if request.method != "POST" or request.path_info.startswith(API_PREFIX):
        return
    if request.content_type not in FORM_TYPES:
        return
    for name, values in request.POST.lists():
        yield name
        yield from values
    for name, uploads in request.FILES.lists():
        yield name
        yield from (upload.name or "" for upload in uploads)


class ImpossibleInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _impossible(request.path_info, limit=MAX_QUERY_VALUE):
            raise ImpossibleInput
        for name, values in request.GET.lists():
            if any(_impossible(text, limit=MAX_QUERY_VALUE) for text in (name, *values)):
                raise ImpossibleInput
        if any(_impossible(text) for text in _form_values(request)):
            raise ImpossibleInput
        return self.get_response(request)
