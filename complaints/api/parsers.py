"""Request bodies (settings: DEFAULT_PARSER_CLASSES): DRF's parsers, their errors said in
the caller's language. DRF answers a JSON mistake with Python's decoder in English ("JSON
parse error - Expecting value: line 1 column 1 (char 0)"), and JSON nested past Python's
recursion limit with a 500. Here each mistake is named, with its line and column, and a
body nested deeper than MAX_DEPTH is refused before any view walks it."""
import codecs
import json
import sys

from django.utils.translation import pgettext_lazy
from rest_framework import parsers, status
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from complaints.api import error_messages
from complaints.api.refusals import RequestRefused
from config import bodies

MAX_DEPTH = 64  # the deepest body the API reads nests 5 deep

# What the decoder found, by the start of its (English) message.
PROBLEMS = {
    "Expecting value": pgettext_lazy(
        "api", "JSON parse error - Expecting value: line %(line)d column %(column)d."),
    "Expecting property name": pgettext_lazy(
        "api", "JSON parse error - Expecting property name enclosed in double quotes: line "
               "%(line)d column %(column)d."),
    "Expecting ','": pgettext_lazy(
        "api", "JSON parse error - Expecting ',' delimiter: line %(line)d column %(column)d."),
    "Expecting ':'": pgettext_lazy(
        "api", "JSON parse error - Expecting ':' delimiter: line %(line)d column %(column)d."),
    "Unterminated string": pgettext_lazy(
        "api", "JSON parse error - Unterminated string starting at: line %(line)d column "
               "%(column)d."),
    "Invalid control character": pgettext_lazy(
        "api", "JSON parse error - Invalid control character at: line %(line)d column "
               "%(column)d."),
    "Invalid \\": pgettext_lazy(
        "api", "JSON parse error - Invalid \\escape: line %(line)d column %(column)d."),
    "Extra data": pgettext_lazy(
        "api", "JSON parse error - Extra data: line %(line)d column %(column)d."),
    "Illegal trailing comma": pgettext_lazy(
        "api", "JSON parse error - Illegal trailing comma: line %(line)d column %(column)d."),
}
ELSEWHERE = pgettext_lazy("api", "JSON parse error: line %(line)d column %(column)d.")
NOT_A_NUMBER = pgettext_lazy("api", "JSON parse error - NaN and Infinity are not JSON "
                                    "numbers.")
NOT_TEXT = pgettext_lazy("api", "JSON parse error - The body is not valid %(encoding)s text.")
TOO_DEEP = pgettext_lazy("api", "JSON parse error - The JSON is nested too deeply: at most "
                                "%(depth)d levels.")
CHARSET = pgettext_lazy("api", 'Unsupported charset "%(charset)s" in request Content-Type '
                               "header.")
MULTIPART = pgettext_lazy("api", "Multipart form parse error - The body is not valid "
                                 "multipart/form-data.")
TOO_MANY_DIGITS = pgettext_lazy("api", "JSON parse error - A number has more than %(digits)d "
                                       "digits.")
NOT_JSON = pgettext_lazy("api", "JSON parse error - The body is not valid JSON.")


def _encoding(parser_context) -> str:
    parser_context = parser_context or {}
    try:
        return parsers.get_encoding(parser_context)
    except ParseError:  # DRF says so in English only
        raise ParseError(CHARSET % {"charset": parser_context.get("encoding")}) from None


def _decoding_error(exc: ValueError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return NOT_TEXT % {"encoding": codecs.lookup(exc.encoding).name.upper()}
    if isinstance(exc, json.JSONDecodeError):
        where = {"line": exc.lineno, "column": exc.colno}
        problem = next((text for start, text in PROBLEMS.items()
                        if exc.msg.startswith(start)), ELSEWHERE)
        return problem % where
    if str(exc).startswith("Out of range float values"):  # strict_constant's
        return NOT_A_NUMBER
    if str(exc).startswith("Exceeds the limit"):  # int() of a number too long to read
        return TOO_MANY_DIGITS % {"digits": sys.get_int_max_str_digits()}
    return NOT_JSON


def _deeper_than(data, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` deep (without recursing)."""
    level = [data] if isinstance(data, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [child for item in level
                 for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, dict | list)]
    return False


def body_read_up_to(request, *, limit: int) -> None:
    """Read the body of a create under `limit` rather than DATA_UPLOAD_MAX_MEMORY_SIZE,
    which every other request keeps (DRF reads a JSON body through Django's `body`, which
    checks that setting; config/bodies.py): a body over it is refused with 413 in the API's
    shape, before any of it is parsed. Call it before anything reads `request.data`."""
    try:
        bodies.body_read_up_to(request._request, limit=limit)
    except bodies.BodyTooLarge:
        raise RequestRefused(error_messages.request_too_large(limit),
                             code="request_too_large",
                             status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE) from None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = _encoding(parser_context)
        try:
            data = json.load(codecs.getreader(encoding)(stream),
                             parse_constant=strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(TOO_DEEP % {"depth": MAX_DEPTH}) from None
        except ValueError as exc:
            raise ParseError(_decoding_error(exc)) from exc
        if _deeper_than(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP % {"depth": MAX_DEPTH})
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _encoding(parser_context)
        return super().parse(stream, media_type, parser_context)


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _encoding(parser_context)
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:  # Django's reason, in English
            raise ParseError(MULTIPART) from exc
