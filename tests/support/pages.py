"""Reading a page as a person does."""
import html as html_lib
import re


def text_of(html: str) -> str:
    """What a reader sees: the page's words without its tags, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
