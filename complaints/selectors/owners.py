"""What an output owner's page shows: the notice's content and the complainant's name,
the owner's own output locations (never another owner's), the decision and its redress,
and the owner's appeals. Never the complainant's e-mail, phone or address."""
from dataclasses import dataclass

from django.core.paginator import Page

from complaints.domain.decisions import Action
from complaints.domain.laws import counter_notice_offered
from complaints.models import Case, CounterNotice, Decision, OutputOwner
from complaints.selectors.decisions import decision_in_force
from complaints.selectors.rows import PAGE_PARAMETERS, rows_page

RESTRICTING = frozenset({Action.OUTPUT_REMOVED, Action.PROMPT_BLOCKED})


@dataclass(frozen=True)
class OwnerPage:
    complainant: str
    principal: str  # the rights holder an agent acts for ("" when the filer is it)
    works: Page  # of Work, complaints.selectors.rows
    locations: Page  # of the owner's OutputLocation
    decision: Decision | None
    restricted: bool
    counter_notice: bool
    appeals: list[Case]


def owner_page(*, owner: OutputOwner, case: Case, query=None) -> OwnerPage:
    """In a fixed number of queries, whatever the notice holds: the works a page at a
    time (`query`'s `works_page`), and the owner's own locations a page at a time
    (`locations_page`), with whether any of them all is still restricted."""
    # What stands now: an appeal's reversal over the first decision; nothing restricted
    # any more once their own counter-notice had the output restored.
    decision = decision_in_force(case)
    query = query or {}
    mine = case.locations.filter(owner=owner)
    locations = rows_page(mine, query.get(PAGE_PARAMETERS["locations"]))
    unretracted = mine.filter(retraction__isnull=True).exists()
    restored = CounterNotice.objects.filter(complaint=case, case__output_owner=owner,
                                            state=CounterNotice.State.RESTORED).exists()
    return OwnerPage(
        complainant=case.signature,
        principal=case.principal_name if case.filed_as == "agent" else "",
        works=rows_page(case.works.all(), query.get(PAGE_PARAMETERS["works"])),
        locations=locations,
        decision=decision,
        # Not when the notice was retracted for every output of theirs.
        restricted=bool(decision and not restored and RESTRICTING & set(decision.actions)
                        and unretracted),
        counter_notice=counter_notice_offered(case.law),
        appeals=list(case.appeals.filter(output_owner=owner).order_by("submitted_at")),
    )
