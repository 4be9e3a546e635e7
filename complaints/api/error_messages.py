"""The API's own words where DRF (or Python, or Django) would speak for itself.

DRF's messages come in English, or in DRF's Japanese, which is stiff, misses some ("Not a
valid string.") and cannot translate its quota message at all (it translates the sentence
after putting the number in). Each is given here as a string of our catalogue, in the
context "api" (apart from Django's and DRF's entries with the same English, which other
pages use). The English stays DRF's, which programs may have matched; what was Python's
(a type called "str", the JSON decoder's text) is said as JSON says it.

Field messages are keyed as DRF's fields key them (complaints/api/fields.py gives them to
the fields); the request's own errors are functions of what they name.
"""
from django.utils.translation import gettext as _
from django.utils.translation import npgettext, pgettext, pgettext_lazy

from complaints.domain.text import listing

COMMON = {
    "required": pgettext_lazy("api", "This field is required."),
    "null": pgettext_lazy("api", "This field may not be null."),
}
TEXT = {
    **COMMON,
    "invalid": pgettext_lazy("api", "Not a valid string."),
    "blank": pgettext_lazy("api", "This field may not be blank."),
    "max_length": pgettext_lazy(
        "api", "Ensure this field has no more than {max_length} characters."),
    "min_length": pgettext_lazy(
        "api", "Ensure this field has at least {min_length} characters."),
}
SURROGATE = pgettext_lazy("api", "Surrogate characters are not allowed: U+{code_point:X}.")
CHOICE = {
    **COMMON,
    "invalid_choice": pgettext_lazy("api", '"{input}" is not a valid choice.'),
}
INTEGER = {
    **COMMON,
    "invalid": pgettext_lazy("api", "A valid integer is required."),
    "max_value": pgettext_lazy(
        "api", "Ensure this value is less than or equal to {max_value}."),
    "min_value": pgettext_lazy(
        "api", "Ensure this value is greater than or equal to {min_value}."),
    "max_string_length": pgettext_lazy("api", "String value too large."),
}
DATETIME = {  # (its "invalid": complaints/api/fields.py, Moment)
    **COMMON,
    "date": pgettext_lazy("api", "Expected a datetime but got a date."),
    "make_aware": pgettext_lazy("api", 'Invalid datetime for the timezone "{timezone}".'),
    "overflow": pgettext_lazy("api", "Datetime value out of range."),
}
LIST = {
    **COMMON,
    "not_a_list": pgettext_lazy(
        "api", 'Expected a list of items but got type "{input_type}".'),
    "empty": pgettext_lazy("api", "This list may not be empty."),
    "min_length": pgettext_lazy(
        "api", "Ensure this field has at least {min_length} elements."),
    "max_length": pgettext_lazy(
        "api", "Ensure this field has no more than {max_length} elements."),
}
DICT = {
    **COMMON,
    "not_a_dict": pgettext_lazy(
        "api", 'Expected a dictionary of items but got type "{input_type}".'),
    "empty": pgettext_lazy("api", "This dictionary may not be empty."),
}
OBJECT = {  # a nested serializer, or the whole body
    **COMMON,
    "invalid": pgettext_lazy(
        "api", "Invalid data. Expected a dictionary, but got {datatype}."),
}
FILE = {
    **COMMON,
    "required": pgettext_lazy("api", "No file was submitted."),
    "invalid": pgettext_lazy(
        "api", "The submitted data was not a file. Check the encoding type on the form."),
    "no_name": pgettext_lazy("api", "No filename could be determined."),
    "empty": pgettext_lazy("api", "The submitted file is empty."),
    "max_length": pgettext_lazy(
        "api", "Ensure this filename has at most {max_length} characters (it has {length})."),
}
# django-filter's and Django forms' choice fields (the list's filters, the export's format).
FORM_CHOICE = {
    "invalid_choice": pgettext_lazy(
        "api", "Select a valid choice. %(value)s is not one of the available choices."),
}


def json_type(value) -> str:
    """What JSON calls a value's type, in the reader's language (Python would say "str")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return pgettext("JSON type", "boolean")
    if isinstance(value, int | float):
        return pgettext("JSON type", "number")
    if isinstance(value, str):
        return pgettext("JSON type", "string")
    if isinstance(value, list | tuple):
        return pgettext("JSON type", "array")
    if hasattr(value, "keys"):
        return pgettext("JSON type", "object")
    return pgettext("JSON type", "file") if hasattr(value, "read") else type(value).__name__


# --- The request's own errors --------------------------------------------------------
def not_authenticated() -> str:
    return pgettext("api", "Authentication credentials were not provided.")


def permission_denied() -> str:
    return pgettext("api", "You do not have permission to perform this action.")


def no_such_endpoint() -> str:
    return _("There is no such endpoint. The API's endpoints are listed at /api/v1/docs/.")


def method_not_allowed(method: str) -> str:
    return pgettext("api", 'Method "%(method)s" not allowed.') % {"method": method}


def not_acceptable(media_types) -> str:
    return pgettext("api", "Could not satisfy the request Accept header. This endpoint "
                           "answers in %(types)s.") % {"types": listing(media_types)}


def unsupported_media_type(media_type: str, media_types) -> str:
    return pgettext("api", 'Unsupported media type "%(media_type)s" in request. Use one of: '
                           "%(types)s.") % {"media_type": media_type,
                                            "types": listing(media_types)}


def throttled(wait: int | None) -> str:
    if wait is None:
        return pgettext("api", "Request was throttled.")
    return npgettext("api", "Request was throttled. Expected available in %(wait)d second.",
                     "Request was throttled. Expected available in %(wait)d seconds.",
                     wait) % {"wait": wait}


def bad_tokens_throttled(wait: int) -> str:
    return npgettext(
        "api", "Too many requests with a token that is not valid came from your address. "
        "Try again in %(wait)d second, with a valid token.",
        "Too many requests with a token that is not valid came from your address. "
        "Try again in %(wait)d seconds, with a valid token.", wait) % {"wait": wait}


def request_too_large(limit_bytes: int) -> str:
    return _("The request body is too large: at most %(megabytes)d MB, not counting "
             "uploaded files.") % {"megabytes": max(1, limit_bytes // (1024 * 1024))}


def too_many_fields(limit: int) -> str:
    return _("The request has too many fields: at most %(count)d.") % {"count": limit}


def too_many_files(limit: int) -> str:
    return _("The request has too many files: at most %(count)d.") % {"count": limit}


def malformed() -> str:
    return pgettext("api", "Malformed request.")


def host_not_served() -> str:
    return _("The request's Host header names a host this server does not serve.")


def request_refused() -> str:
    return _("This request was refused. Check it and send it again.")


def server_error() -> str:
    return _("A server error occurred. Try again in a while.")
