"""Input fields that accept exactly what the OpenAPI schema says, no more.

DRF's own fields are lenient: a CharField takes the number 12 as "12", a BooleanField takes
"yes", blank-looking text passes once trimmed. A program reading the schema must be able
to trust it both ways: what the schema allows is accepted, what it forbids is refused.
Each rule here is also written into the schema (type, enum, pattern).

Every input field and serializer of the API is one of these (or a subclass of `Input`), so
that each of DRF's messages is said in our words (complaints/api/error_messages.py).
"""
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.utils import html
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from complaints.api import error_messages as m
from complaints.domain.kinds import ERROR_STATEMENT
from complaints.domain.locations import ERROR_LOCATION_FORMAT, LOCATION, location_validate
from complaints.domain.moments import ERROR_MOMENT
from complaints.domain.text import SPACE

# No NUL characters anywhere (PostgreSQL cannot store them); "text" also has a visible
# character. The same patterns go into the schema and are checked here. Whitespace is
# spelled out rather than written `\s`, which means different characters in Python and
# in the ECMA regular expressions of JSON Schema.
NO_NUL = r"^[^\x00]*$"
TEXT = rf"^[^\x00]*[^{SPACE}][^\x00]*$"
IDEMPOTENCY_KEY = r"^[!-~]{1,200}$"  # printable ASCII, no spaces


class NoSurrogates(ProhibitSurrogateCharactersValidator):
    message = m.SURROGATE


NUL_MESSAGE = _("This value may not contain NUL characters.")


class NoNul(ProhibitNullCharactersValidator):
    """Django's check, in our words (Django's Japanese says 「何か文字を入力してください。」)."""

    message = NUL_MESSAGE


class _Pattern(RegexValidator):
    """The field's pattern (also the schema's). A NUL is NoNul's to name, once."""

    def __call__(self, value):
        if "\x00" not in str(value):
            super().__call__(value)


class LocationPattern(_Pattern):
    """The exact-location pattern (published in the schema), refusing with the domain's
    own message: the same words as the portal's."""

    def __init__(self):
        super().__init__(re.compile(LOCATION))

    def __call__(self, value):
        if "\x00" in str(value) or self.regex.search(str(value)):
            return
        location_validate(value.strip())  # raises the domain's message
        raise DjangoValidationError(ERROR_LOCATION_FORMAT, code="format")  # spaces around


def _in_our_words(validator):
    """DRF's and Django's checks of every CharField, with our messages."""
    if isinstance(validator, ProhibitSurrogateCharactersValidator):
        return NoSurrogates()
    if isinstance(validator, ProhibitNullCharactersValidator):
        return NoNul()
    return validator


class Text(serializers.CharField):
    """A string (not a number or a boolean). Required text must hold a visible character."""

    default_error_messages = m.TEXT

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        pattern = kwargs.pop("pattern", None) or (
            NO_NUL if kwargs.get("allow_blank") else TEXT)
        message = kwargs.pop("pattern_message", None) or (
            _("Enter some text (not only spaces).") if pattern == TEXT else NUL_MESSAGE)
        checker = kwargs.pop("pattern_validator", None) or _Pattern(re.compile(pattern), message)
        kwargs["validators"] = [*kwargs.get("validators", []), checker]
        super().__init__(**kwargs)
        self.validators = [_in_our_words(v) for v in self.validators]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    """true or false, as JSON booleans only."""

    default_error_messages = {**m.COMMON,
                              "invalid": pgettext_lazy("api", "Must be a valid boolean.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


@extend_schema_field({"type": "boolean", "enum": [True]})
class Statement(Flag):
    """A statement the filer must make: only `true` is accepted."""

    # The domain's words, as the portal says them (in Japanese 表明, never 宣誓).
    default_error_messages = dict.fromkeys(("required", "null", "invalid"), ERROR_STATEMENT)

    def to_internal_value(self, data):
        if data is not True:
            self.fail("invalid")
        return data


@extend_schema_field(OpenApiTypes.INT)
class Whole(serializers.IntegerField):
    """A whole number, as a JSON number (not "12", not true)."""

    default_error_messages = m.INTEGER

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Moment(serializers.DateTimeField):
    """A date and time with its zone (RFC 3339); a time without a zone is refused."""

    default_error_messages = {
        **m.DATETIME,
        "invalid": ERROR_MOMENT,  # as the list's `updated_since` says it
        "naive": _("Give the time with its zone, e.g. 2026-11-20T10:30:00+09:00."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="RFC 3339")
        try:  # well formed but no such day (month 13, 30 February): not a 500
            parsed = parse_datetime(value.strip())
        except ValueError:
            self.fail("invalid", format="RFC 3339")
        if parsed is not None and parsed.tzinfo is None:
            self.fail("naive")
        try:
            return super().to_internal_value(value)
        except (OverflowError, ValueError):  # e.g. year 1 in a zone east of UTC
            self.fail("invalid", format="RFC 3339")


class Choice(serializers.ChoiceField):
    default_error_messages = m.CHOICE


class List(serializers.ListField):
    """A JSON array; anything else is named by its JSON type (not Python's "str")."""

    default_error_messages = m.LIST

    def to_internal_value(self, data):
        if not html.is_html_input(data) and (isinstance(data, str | Mapping)
                                             or not hasattr(data, "__iter__")):
            self.fail("not_a_list", input_type=m.json_type(data))
        return super().to_internal_value(data)


class Rows(List):
    """A list with a limit, refused by its count before any of its rows is read: a list
    over the limit says that first (with how many were sent), not 10,000 row errors."""

    def __init__(self, *, too_many=None, **kwargs):
        self.too_many = too_many  # the message for a count: too_many(sent)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if (self.max_length is not None and self.too_many is not None
                and isinstance(data, list) and len(data) > self.max_length):
            raise serializers.ValidationError(self.too_many(len(data)), code="max_length")
        return super().to_internal_value(data)


class Dict(serializers.DictField):
    """A JSON object; anything else is named by its JSON type."""

    default_error_messages = m.DICT

    def to_internal_value(self, data):
        if not html.is_html_input(data) and not isinstance(data, dict):
            self.fail("not_a_dict", input_type=m.json_type(data))
        return super().to_internal_value(data)


class File(serializers.FileField):
    default_error_messages = m.FILE


# What the API reads: a JSON object; anything else is named by its JSON type. (No docstring:
# the schema would give it as the description of every serializer without one.)
class Input(serializers.Serializer):
    default_error_messages = m.OBJECT

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [
                self.error_messages["invalid"].format(datatype=m.json_type(data))]},
                code="invalid")
        return super().to_internal_value(data)
