"""Request bodies read under an allowance of their own rather than the site's
DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB), which every other request keeps.

Two faces need it: the API's creates (complaints/api/parsers.py) and the portal's filing
pages, whose paste boxes hold a notice as large as the limits allow (10,000 locations of
1,000 characters: complaints/domain/pasted.py NOTICE_FORM_MAX_BYTES). A view asks for it
with @body_allowance; BodyAllowanceMiddleware reads its form before anything else does
(config.middleware and the CSRF check read request.POST before any view runs).
"""
import io
import types
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user
from django.http import multipartparser
from django.urls import Resolver404, resolve
from django.utils.datastructures import ImmutableList

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"The request body is over {limit} bytes.")
        self.limit = limit


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def body_read_up_to(request, *, limit: int) -> None:
    """Read the whole body of a (Django) request if it is at most `limit` bytes, as
    Django's `body` keeps it, so that nothing checks it against the site's limit again;
    over it, BodyTooLarge, before any of it is parsed."""
    if hasattr(request, "_body") or request._read_started:
        return
    if _declared_length(request) > limit:
        raise BodyTooLarge(limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge(limit)
    # What Django's `body` keeps once it has read it (django.http.request.HttpRequest.body).
    request._body = body
    request._stream = io.BytesIO(body)


class _SettingsWithAllowance:
    """The settings as Django's multipart parser reads them, but for the form's fields'
    allowance."""

    def __init__(self, limit: int):
        self.DATA_UPLOAD_MAX_MEMORY_SIZE = limit

    def __getattr__(self, name):
        return getattr(settings, name)


class _MultiPartParser(multipartparser.MultiPartParser):
    """Django's own parser (files streamed to the upload handlers as always), reading the
    fields up to `limit` bytes in all. Django reads the limit from its module's `settings`,
    so this request's run of it sees one of its own: no setting changes for another
    request, in this thread or any other."""

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        parse = multipartparser.MultiPartParser._parse
        scope = {**parse.__globals__, "settings": _SettingsWithAllowance(limit)}
        self._parse = types.MethodType(
            types.FunctionType(parse.__code__, scope, parse.__name__, parse.__defaults__,
                               parse.__closure__), self)


def form_read_up_to(request, *, limit: int) -> None:
    """Read a form sent to a page with its fields up to `limit` bytes (a url-encoded form
    whole; a multipart form's files do not count, as with Django's own limit)."""
    if request.method != "POST" or hasattr(request, "_post"):
        return
    if request.content_type != "multipart/form-data":
        body_read_up_to(request, limit=limit)
        return
    if request._read_started:
        return
    # As Django's own parse_file_upload: no handler changes once the upload is read.
    request.upload_handlers = ImmutableList(
        request.upload_handlers,
        warning="You cannot alter upload handlers after the upload has been processed.")
    parser = _MultiPartParser(request.META, request, request.upload_handlers,
                              request.encoding, limit=limit)
    try:
        request._post, request._files = parser.parse()
    except multipartparser.RequestDataTooBig:
        request._mark_post_parse_error()
        raise BodyTooLarge(limit) from None
    except Exception:
        request._mark_post_parse_error()
        raise


def body_allowance(limit: Callable[[], int], *, too_large: Callable):
    """Mark a view whose form may be larger than the site's limit, up to `limit()` bytes
    for a signed-in visitor; over it, `too_large(request, limit)` answers (a page saying
    what to do, not Django's bare 400)."""
    def mark(view):
        view.body_allowance = (limit, too_large)
        return view
    return mark


class BodyAllowanceMiddleware:
    """Reads the form of a view marked with @body_allowance under its allowance. Before
    the middleware that reads request.POST; after the session's and the language's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marked = self._allowance(request)
        if marked is not None:
            limit, too_large = marked
            if not get_user(request).is_authenticated:  # a visitor keeps the site's limit
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                form_read_up_to(request, limit=limit)
            except BodyTooLarge:
                return too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def _allowance(request):
        """The (limit, too_large) of the view a form larger than the site's limit is
        sent to, if it has one (a smaller form is read as any other)."""
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        site_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if site_limit is None or _declared_length(request) <= site_limit:
            return None
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
        marked = getattr(match.func, "body_allowance", None)
        return (marked[0](), marked[1]) if marked else None
