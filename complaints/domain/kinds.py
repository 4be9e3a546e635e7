"""The kinds of case, as people name them.

A kind's label ("Inquiry") heads a page or a column; running text names it in the middle
of a sentence ("We have received your inquiry", 「お問い合わせを受け付けました」), which in
English wants lower case and in Japanese the glossary's term.
"""
from django.utils.translation import pgettext_lazy

IN_A_SENTENCE = {
    "output_complaint": pgettext_lazy("kind in a sentence", "output complaint"),
    "training_objection": pgettext_lazy("kind in a sentence", "training objection"),
    "inquiry": pgettext_lazy("kind in a sentence", "inquiry"),
    "appeal": pgettext_lazy("kind in a sentence", "appeal"),
}


ANY_KIND = pgettext_lazy("kind in a sentence", "case")


def kind_in_a_sentence(kind: str) -> str:
    """A kind added without its sentence form still reads ("your case"), never as code."""
    return str(IN_A_SENTENCE.get(kind, ANY_KIND))
