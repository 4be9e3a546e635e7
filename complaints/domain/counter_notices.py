"""The words of a counter-notice's statements (DMCA 512(g)(3)(C) and (D)): one text for the
owner's form, the copy to the complainant and the desk, so all three say the same."""
from django.utils.translation import gettext_lazy as _

MISTAKE_STATEMENT = _(
    "I state under penalty of perjury that I have a good faith belief that the material was "
    "removed or disabled as a result of mistake or misidentification of the material to be "
    "removed or disabled.")
JURISDICTION_IN_US = _(
    "I consent to the jurisdiction of the Federal District Court for the judicial district in "
    "which my address is located, and I will accept service of process from the person who "
    "provided the notice or their agent.")
JURISDICTION_OUTSIDE_US = _(
    "I consent to the jurisdiction of any judicial district in which the service provider may "
    "be found, and I will accept service of process from the person who provided the notice "
    "or their agent.")


def jurisdiction_statement(*, outside_us: bool) -> str:
    """512(g)(3)(D): the district of the owner's address, or, for an address outside the
    United States, any district where the service provider may be found."""
    return str(JURISDICTION_OUTSIDE_US if outside_us else JURISDICTION_IN_US)
