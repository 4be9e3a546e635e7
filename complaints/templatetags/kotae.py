"""What pages and e-mails share: dates, lists and titles as the reader's language writes
them, audit events in sentences, and the parts of every e-mail (greeting, signature)."""
from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from complaints.domain import event_sentences, events, kinds, text
from complaints.domain.counter_notices import MISTAKE_STATEMENT, jurisdiction_statement
from complaints.domain.kinds import kind_in_a_sentence, limit_help
from complaints.models import Notification
from complaints.selectors.notice_copy import SHORT_COPY_ROWS, case_notice_copy

register = template.Library()


@register.filter
def when(value):
    """A moment in the active time zone, with the zone: "3 Dec 2026, 18:00 JST" /
    「2026年12月3日 18:00 JST」 (config/formats, which the admin uses too)."""
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@register.filter
def day(value):
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


@register.filter
def number(value):
    """A count grouped in thousands, as the limits' messages write it: "1,234"."""
    return text.number(value)


@register.filter
def listing(items):
    """「A、B」 in Japanese, "A, B" in English."""
    return text.listing(items)


@register.filter
def quoted(title):
    """「title」 in Japanese, “title” in English."""
    return text.quoted(title)


@register.filter
def titles(works):
    """Works' titles, each quoted, as a list: 「A」、「B」 / “A”, “B”."""
    return text.listing(text.quoted(work.title) for work in works)


@register.filter
def kind_noun(kind):
    """A kind of case as running text names it: "inquiry" / 「お問い合わせ」."""
    return kind_in_a_sentence(kind)


@register.simple_tag
def redress(kind, appeal_deadline, on="page"):
    """How to seek redress against a decision on a case of this kind, as the case page
    (`on="page"`) or the decision e-mail (`on="email"`) says it: the domain's words."""
    return kinds.redress(kind, when(appeal_deadline), on=on)
@register.filter
def email_kinds(pairs):
    """Kinds of e-mail with how many of each, [[kind, count], …], as a list a person
    reads: 「受付完了のお知らせ（2件）、判断（1件）」 / "Receipt to the filer (2), …"."""
    labels = dict(Notification.Kind.choices)
    return text.listing(
        pgettext("a kind of e-mail and how many", "%(kind)s (%(count)s)")
        % {"kind": labels.get(kind, kind), "count": count} for kind, count in pairs)


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


@register.simple_tag(takes_context=True)
def greeting(context):
    """「山田 太郎 様」 / "Dear Taro Yamada,": the e-mail's recipient, else the case's filer;
    with no name known, the polite form for a reader not known by name."""
    person = context.get("recipient") or context.get("filer")
    name = getattr(person, "display_name", "")
    if name:
        return _("Dear %(name)s,") % {"name": name}
    return _("Hello,")


def _signature(context) -> dict:
    language = _language()
    return {"company": settings.KOTAE_COMPANY_NAME.get(language,
                                                       settings.KOTAE_COMPANY_NAME["en"]),
            "desk": settings.KOTAE_DESK_NAME.get(language, settings.KOTAE_DESK_NAME["en"]),
            "site_url": context.get("site_url") or settings.SITE_URL}


@register.inclusion_tag("emails/parts/signature.txt", takes_context=True)
def signature_text(context):
    """The desk's signature block and the send-only line, in plain text."""
    return _signature(context)


@register.inclusion_tag("emails/parts/signature.html", takes_context=True)
def signature_html(context):
    """The same block in HTML."""
    return _signature(context)


@register.filter
def event_label(event_type):
    """An audit event's type as a person names it ("Deadline missed")."""
    return events.event_label(event_type)


@register.filter
def event_label_for_filer(event_type):
    """`event_label` as the filer's own page names it."""
    return events.event_label(event_type, for_filer=True)


@register.filter
def event_sentence(event):
    """What an audit event says happened, in a sentence in the reader's language and
    time zone; plain text, escaped by the page like any other value."""
    return event_sentences.event_sentence(event.event_type, event.old_value, event.new_value,
                                 when=when)


@register.filter
def event_sentence_for_filer(event):
    """`event_sentence` as the filer's timeline tells it: never naming another filer's
    case."""
    return event_sentences.event_sentence(event.event_type, event.old_value, event.new_value,
                                 when=when, for_filer=True)


@register.simple_tag
def colon():
    """Between a label and its value: 「受付番号：KT-…」 / "Reference: KT-…"."""
    return pgettext("between a label and its value", ": ")


@register.simple_tag
def dot():
    """Between the parts of a line: 「「星空クエスト」・権利留保」 / "“Quest” · Reservation"."""
    return pgettext("between the parts of a line", " · ")


@register.simple_tag
def counter_notice_statements(notice):
    """The statements a counter-notice made, in the domain's words (the form's, the copy's
    and the desk's alike)."""
    return text.sentences(str(MISTAKE_STATEMENT),
                          jurisdiction_statement(outside_us=notice.outside_us))


@register.simple_tag(takes_context=True)
def page_query(context, parameter, number):
    """The current page's query string with `parameter` set to `number` (the other list's
    page and any filter kept): for a pager of a case's locations or works."""
    query = context["request"].GET.copy()
    query[parameter] = number
    return "?" + query.urlencode()


@register.simple_tag
def filing_limits():
    """The filing's limits stated up front (complaints.domain.kinds.limit_help)."""
    return limit_help()


@register.simple_tag
def notice_copy_of(case):
    """The copy of what was sent that an e-mail carries: its fields, and the first
    SHORT_COPY_ROWS works and locations, with the printable page's link for the rest."""
    copy = case_notice_copy(case, limit=SHORT_COPY_ROWS)
    if copy is not None:
        copy.url = settings.SITE_URL + reverse("complaints:case_copy", args=[case.reference])
        copy.sha256 = case.content_sha256
    return copy
