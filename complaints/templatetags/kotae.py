from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()

# "3 Dec 2026, 18:00 JST" / "2026年12月3日 18:00 JST": always with the zone, so a
# deadline is never ambiguous for a filer abroad.
FORMATS = {"ja": "Y年n月j日 H:i T", "en": "j M Y, H:i T"}


@register.filter
def when(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    return formats.date_format(local, FORMATS.get((get_language() or "en")[:2], FORMATS["en"]))


@register.filter
def day(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    return formats.date_format(local, "Y年n月j日" if (get_language() or "en")[:2] == "ja"
                               else "j M Y")
