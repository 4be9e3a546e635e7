"""The hidden fields of the portal's review page, as a browser sends them back with Send:
for bench_big_notice and the tests that file through the review step."""
from html.parser import HTMLParser


class _Hidden(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data, self.inside = {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-review" in attrs:
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.data.setdefault(attrs["name"], []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def review_form_fields(html: str) -> dict[str, list[str]]:
    """Each hidden field of the review form, its values listed."""
    parser = _Hidden()
    parser.feed(html)
    return parser.data
