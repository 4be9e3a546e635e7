"""What an exact output location is: the web address of the output itself, a share link
or a generation id, never a whole site or channel.

Two rules live here, moved as they were: the portal's (`location_validate`, which also
accepts an address without its scheme and adds https://) and the API's (`LOCATION`, a
pattern written into the OpenAPI schema, checked before `location_validate`). Making
them one rule is the work of a later change.
"""
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.domain.text import SPACE

ERROR_NOT_EXACT = _(
    "This points to a whole site or channel. Give the exact output: the URL of the video "
    "or image itself, a share link, or the generation id."
)
ERROR_LOCATION_FORMAT = _(
    "Give a web address starting with http:// or https://, or a generation id "
    "without spaces."
)


def location_validate(value: str) -> str:
    """An exact output: a URL with a path, query or fragment, or a generation id."""
    value = value.strip()
    if "://" in value or value.startswith("www.") or "." in value.split("/")[0]:
        url = value if "://" in value else f"https://{value}"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(ERROR_LOCATION_FORMAT, code="format")
        if parts.path.strip("/") == "" and not parts.query and not parts.fragment:
            raise ValidationError(ERROR_NOT_EXACT, code="not_exact")
        return url
    if " " in value or len(value) < 6:
        raise ValidationError(ERROR_LOCATION_FORMAT, code="format")
    return value


# An exact output location: a web address with a path (not a site's or channel's home
# page), or a generation id of letters, digits, "_" and "-".
LOCATION = (rf"^(https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{{1,5}})?/[^{SPACE}/?#]"
            rf"[^{SPACE}]*|[A-Za-z0-9_-]{{6,200}})(?![\s\S])")  # the very end, in both dialects
