"""What an exact output location is: the web address of the output itself (http or https,
with something after the host: a path, a query or a fragment), or a generation id of the
product. Never a whole site (`https://example.com/`), never another scheme
(`javascript:`, `data:`, `file:`). Spaces and fragments inside an address are fine (a file
name with a space, `https://d.tube/#!/v/…`); an address written without its scheme gets
https://.

One rule, written once as a pattern: the portal and the API check a location with
`location_validate`, and the API's schema publishes the same pattern (`LOCATION`), so a
program can check it before sending and both faces accept and refuse the same things
with the same message.
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_NOT_EXACT = _(
    "This points to a whole site or channel. Give the exact output: the URL of the video "
    "or image itself, a share link, or the generation id."
)
ERROR_LOCATION_FORMAT = _(
    "Give a web address starting with http:// or https://, or a generation id "
    "without spaces."
)

GENERATION_ID = r"[A-Za-z0-9_-]{6,200}"
_HOST = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?"
_CHAR = r"[^\x00-\x20\x7f]"  # a visible character; spaces may come between them
_ANY = r"[^\x00-\x1f\x7f]"
# After the host, something that names the output: a path that is more than "/", a query
# or a fragment.
# A bare "#!" (or "#!/") after the host is a hashbang site's home page, not an output.
_REST = (rf"(?!/*#!/*(?![\s\S]))"
         rf"(?:/+[^\x00-\x20\x7f/?#]|/*[?#]{_CHAR})(?:{_ANY}*{_CHAR})?")
_ADDRESS = rf"(?:[Hh][Tt][Tt][Pp][Ss]?://)?{_HOST}{_REST}"
# For the API's schema (ECMA and Python alike): the whole value, and nothing after it.
LOCATION = rf"^(?:{_ADDRESS}|{GENERATION_ID})(?![\s\S])"
_BARE_SITE = re.compile(rf"(?:[Hh][Tt][Tt][Pp][Ss]?://)?{_HOST}/*(?:#!/*)?")


LOCATION_MAX = 1000  # characters, as stored (OutputLocation.url)
ERROR_LOCATION_LONG = _("An output location is at most 1,000 characters long, as stored "
                        "(with https:// added to an address without it).")


def location_validate(value: str) -> str:
    """The location as stored (an address gets https:// if it had no scheme), or a
    ValidationError saying what an exact location is."""
    value = value.strip()
    if re.fullmatch(GENERATION_ID, value):
        return value
    if re.fullmatch(_ADDRESS, value):
        stored = value if "://" in value else f"https://{value}"
        if len(stored) > LOCATION_MAX:  # the column's size: never a database error
            raise ValidationError(ERROR_LOCATION_LONG, code="too_long")
        return stored
    if _BARE_SITE.fullmatch(value):
        raise ValidationError(ERROR_NOT_EXACT, code="not_exact")
    raise ValidationError(ERROR_LOCATION_FORMAT, code="format")


def is_web_address(value: str) -> bool:
    """Whether a stored location may be shown as a link (only http and https)."""
    return value.lower().startswith(("http://", "https://"))
