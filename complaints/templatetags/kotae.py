from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

from complaints.domain import events

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


@register.filter
def event_label(event_type):
    """An audit event's type as a person names it ("Deadline missed")."""
    return events.event_label(event_type)


@register.filter
def event_sentence(event):
    """What an audit event says happened, in a sentence in the reader's language and
    time zone; plain text, escaped by the page like any other value."""
    return events.event_sentence(event.event_type, event.old_value, event.new_value,
                                 when=when)


@register.filter
def event_sentence_for_filer(event):
    """`event_sentence` as the filer's timeline tells it: never naming another filer's
    case."""
    return events.event_sentence(event.event_type, event.old_value, event.new_value,
                                 when=when, for_filer=True)
