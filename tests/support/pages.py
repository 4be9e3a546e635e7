"""Reading a page as a person does."""
import html as html_lib
import re


def text_of(html: str) -> str:
    """What a reader sees: the page's words without its tags, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def written_back(text: str, html: str) -> bool:
    """Whether `text` (with no other character to escape than ') is in `html` as a form
    writes typed text back: escaped, its ' as &#39; (Django's Jinja2 widgets) or &#x27;
    (Django's escape). Unescaped, it was not escaped: no."""
    return any(text.replace("'", quote) in html for quote in ("&#39;", "&#x27;"))
