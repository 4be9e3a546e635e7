"""A request refused as it is read. Its own small module: the parsers need it, and
complaints/api/errors.py imports DRF's views, whose settings import the parsers (so the
parsers importing errors.py was an import circle when errors.py was imported first)."""
from rest_framework import exceptions


class RequestRefused(exceptions.APIException):
    """A request Django refuses as it reads it (too large, too many fields)."""

    def __init__(self, detail, *, code, status):
        super().__init__(detail, code)
        self.status_code = status
