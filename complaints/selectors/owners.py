"""What an output owner's page shows: the notice's content and the complainant's name,
the owner's own output locations (never another owner's), the decision and its redress,
and the owner's appeals. Never the complainant's e-mail, phone or address."""
from dataclasses import dataclass

from complaints.domain.decisions import Action
from complaints.domain.laws import counter_notice_offered
from complaints.models import Case, CounterNotice, Decision, OutputLocation, OutputOwner, Work
from complaints.selectors.decisions import decision_in_force

RESTRICTING = frozenset({Action.OUTPUT_REMOVED, Action.PROMPT_BLOCKED})


@dataclass(frozen=True)
class OwnerPage:
    complainant: str
    principal: str  # the rights holder an agent acts for ("" when the filer is it)
    works: list[Work]
    locations: list[OutputLocation]
    decision: Decision | None
    restricted: bool
    counter_notice: bool
    appeals: list[Case]


def owner_page(*, owner: OutputOwner, case: Case) -> OwnerPage:
    """In a fixed number of queries, whatever the notice holds."""
    # What stands now: an appeal's reversal over the first decision; nothing restricted
    # any more once their own counter-notice had the output restored.
    decision = decision_in_force(case)
    locations = list(case.locations.filter(owner=owner))
    restored = CounterNotice.objects.filter(complaint=case, case__output_owner=owner,
                                            state=CounterNotice.State.RESTORED).exists()
    return OwnerPage(
        complainant=case.signature,
        principal=case.principal_name if case.filed_as == "agent" else "",
        works=list(case.works.all()),
        locations=locations,
        decision=decision,
        # Not when the notice was retracted for every output of theirs.
        restricted=bool(decision and not restored and RESTRICTING & set(decision.actions)
                        and any(loc.retraction_id is None for loc in locations)),
        counter_notice=counter_notice_offered(case.law),
        appeals=list(case.appeals.filter(output_owner=owner).order_by("submitted_at")),
    )
