"""The law a notice is made under, and what it decides: which statements the notice must
make, whether the output's owner is offered a counter-notice (DMCA 512(g)) or only an
internal complaint (DSA Art. 20), and on which calendar the restore clock counts.

A case filed before the law was asked for has it empty ("not stated"): it is treated as
"other".
"""
from django.utils.translation import gettext_lazy as _

from complaints.domain.choices import Choices


class Law(Choices):
    US_DMCA = "us_dmca", _("United States: DMCA (17 U.S.C. § 512)")
    EU_DSA = "eu_dsa", _("European Union: Digital Services Act")
    JAPAN = "japan", _("Japan: Copyright Act")
    OTHER = "other", _("Another law")


# DMCA 512(g)(2)(C): restore "not less than 10, nor more than 14, business days" after
# the complainant received the counter-notice, unless they report a court action.
RESTORE_EARLIEST_BUSINESS_DAYS = 10
RESTORE_LATEST_BUSINESS_DAYS = 14


def counter_notice_offered(law: str) -> bool:
    """A counter-notice under 512(g) exists only for a notice made under US law; under
    every law the owner may complain internally (DSA Art. 20, the owner's appeal)."""
    return law == Law.US_DMCA


def restore_calendar_country(law: str) -> str | None:
    """The public holidays the restore clock skips: the United States' for a DMCA notice
    (holidays' US calendar), else None (the desk's default calendar)."""
    return "US" if law == Law.US_DMCA else None


def law_or_other(law: str) -> str:
    return law if law in Law.values else Law.OTHER


# The accuracy statement in the words of the law the notice is made under: DMCA
# 512(c)(3)(A)(vi) asks for it under penalty of perjury; DSA Art. 16(2)(d) asks for a bona
# fide belief that the notice is accurate and complete; Japan's practice a confirmation that
# it is true. The portal's form, the API's schema, the e-mails and the printable copy take
# their words from here; a case keeps its law, so the wording agreed is read back from it.
ACCURACY_STATEMENTS = {
    Law.US_DMCA: _("The information in this notice is accurate, and under penalty of perjury, "
                   "I am the rights holder or authorised to act on their behalf."),
    Law.EU_DSA: _("I believe in good faith that the information and allegations in this "
                  "notice are accurate and complete."),
    Law.JAPAN: _("I confirm that the information in this notice is true and accurate, and "
                 "that I am the rights holder or authorised to act on their behalf."),
}
ACCURACY_STATEMENT_ANY = _("The information in this notice is accurate, and I am the rights "
                           "holder or authorised to act for them.")


def accuracy_statement_label(law: str):
    """The accuracy statement as a notice made under this law words it (lazy: a form's
    label)."""
    return ACCURACY_STATEMENTS.get(law, ACCURACY_STATEMENT_ANY)


def accuracy_statement_text(law: str) -> str:
    """The accuracy statement a filer agreed to under this law, in the active language
    (an e-mail, the printable copy, the desk's case page)."""
    return str(accuracy_statement_label(law))


def accuracy_statements_for_schema() -> str:
    """The wording for each law, in English, for the API's schema."""
    from django.utils import translation

    with translation.override("en"):
        lines = [f"`{law}`: “{accuracy_statement_text(law)}”" for law in Law.values]
        lines.append(f"none: “{accuracy_statement_text('')}”")
    return " ".join(lines)
