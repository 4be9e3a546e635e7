"""The statements a filing makes, in the words the filer confirms: the good-faith
statement worded by the kind of case, the accuracy statement by the notice's law
(complaints.domain.laws) or, for a question or an output owner's appeal, to the best of
the filer's knowledge. The portal's forms show these words, and the copy of what was sent
keeps them (complaints.services.notice_copy)."""
from django.utils.translation import gettext_lazy as _

from complaints.domain.laws import accuracy_statement_label

GOOD_FAITH_STATEMENTS = {
    "output_complaint": _("I have a good-faith belief that the use described is not "
                          "authorised by the rights holder, its agent, or the law."),
    "training_objection": _("I have a good-faith belief that the use of these works by the "
                            "AI company is not authorised by the rights holder."),
    "appeal": _("I believe in good faith that the decision was wrong."),
}
# A question asserts no infringement, and an output's owner holds no rights to assert:
# their accuracy statement is to the best of their knowledge, not a law's.
ACCURACY_AS_KNOWN = _("The information I give here is accurate to the best of my knowledge.")
STATEMENTS = ("good_faith_statement", "accuracy_statement")


def good_faith_statement_label(kind: str):
    """The good-faith statement of a filing of this kind (lazy: a form's label)."""
    return GOOD_FAITH_STATEMENTS.get(kind, GOOD_FAITH_STATEMENTS["output_complaint"])


def statement_label(name: str, *, kind: str, law: str, by_output_owner: bool = False):
    """The words of the statement `name` ("good_faith_statement", "accuracy_statement") in
    a filing of this kind made under this law (lazy); `by_output_owner`: an output owner's
    appeal."""
    if name == "good_faith_statement":
        return good_faith_statement_label(kind)
    if kind == "inquiry" or by_output_owner:
        return ACCURACY_AS_KNOWN
    return accuracy_statement_label(law)


def statements_made(*, kind: str, law: str, made: dict[str, bool],
                    by_output_owner: bool = False) -> dict[str, str]:
    """The words of each statement made (`made`: name → whether it was), in the active
    language."""
    return {name: str(statement_label(name, kind=kind, law=law,
                                      by_output_owner=by_output_owner))
            for name in STATEMENTS if made.get(name) is True}
