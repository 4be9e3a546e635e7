"""Input fields that accept exactly what the OpenAPI schema says, no more.

DRF's own fields are lenient: a CharField takes the number 12 as "12", a BooleanField takes
"yes", blank-looking text passes once trimmed. A program reading the schema must be able
to trust it both ways: what the schema allows is accepted, what it forbids is refused.
Each rule here is also written into the schema (type, enum, pattern).
"""
import re

from django.core.validators import RegexValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.domain.text import SPACE

# No NUL characters anywhere (PostgreSQL cannot store them); "text" also has a visible
# character. The same patterns go into the schema and are checked here. Whitespace is
# spelled out rather than written `\s`, which means different characters in Python and
# in the ECMA regular expressions of JSON Schema.
NO_NUL = r"^[^\x00]*$"
TEXT = rf"^[^\x00]*[^{SPACE}][^\x00]*$"
IDEMPOTENCY_KEY = r"^[!-~]{1,200}$"  # printable ASCII, no spaces


class Text(serializers.CharField):
    """A string (not a number or a boolean). Required text must hold a visible character."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        pattern = kwargs.pop("pattern", None) or (
            NO_NUL if kwargs.get("allow_blank") else TEXT)
        message = kwargs.pop("pattern_message", None) or (
            _("Enter some text (not only spaces).") if pattern == TEXT
            else _("This value may not contain NUL characters."))
        kwargs["validators"] = [*kwargs.get("validators", []),
                                RegexValidator(re.compile(pattern), message)]
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    """true or false, as JSON booleans only."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


@extend_schema_field({"type": "boolean", "enum": [True]})
class Statement(Flag):
    """A statement the filer must make: only `true` is accepted."""

    default_error_messages = {"required": _("This statement is required."),
                              "invalid": _("This statement is required.")}

    def to_internal_value(self, data):
        if data is not True:
            self.fail("invalid")
        return data


@extend_schema_field(OpenApiTypes.INT)
class Whole(serializers.IntegerField):
    """A whole number, as a JSON number (not "12", not true)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Moment(serializers.DateTimeField):
    """A date and time with its zone (RFC 3339); a time without a zone is refused."""

    default_error_messages = {
        "naive": _("Give the time with its zone, e.g. 2026-11-20T10:30:00+09:00."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="RFC 3339")
        parsed = parse_datetime(value.strip())
        if parsed is not None and parsed.tzinfo is None:
            self.fail("naive")
        try:
            return super().to_internal_value(value)
        except (OverflowError, ValueError):  # e.g. year 1 in a zone east of UTC
            self.fail("invalid", format="RFC 3339")
