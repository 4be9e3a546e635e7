"""What the API reads and writes. Filing rules are the domain's (complaints/domain/kinds.py
and locations.py), as the portal's are: the same exact-location check, the same statements,
the same parts and rows a kind requires, refused with the same messages."""
from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import exceptions, serializers

from accounts.models import Language
from complaints.api.fields import (
    Choice,
    Dict,
    File,
    Flag,
    Input,
    List,
    LocationPattern,
    Moment,
    Rows,
    Statement,
    Text,
    Whole,
)
from complaints.domain.kinds import (
    ERROR_LAW_UNKNOWN,
    LIMITS,
    MAX_LOCATIONS,
    MAX_WORKS,
    MISSING,
    ROW_PARTS,
    parts_refused,
    too_many,
)
from complaints.domain.languages import ERROR_NOTICE_LANGUAGE, NOTICE_LANGUAGES
from complaints.domain.laws import Law, accuracy_statements_for_schema
from complaints.domain.locations import location_validate
from complaints.domain.retractions import STATEMENT_MAX
from complaints.models import (
    Case,
    CaseKind,
    FiledAs,
    Remedy,
    TrainingUse,
    Work,
)
from complaints.services.cases import CaseDraft, LocationData, WorkData

MAX_BULK = 500  # cases in one bulk request
FILABLE_KINDS = [CaseKind.OUTPUT_COMPLAINT, CaseKind.TRAINING_OBJECTION, CaseKind.INQUIRY]
FILABLE_KIND_CHOICES = [(k.value, k.label) for k in FILABLE_KINDS]


# --- Writing ------------------------------------------------------------------
# Every rule a request must meet is in the schema (required fields per kind, statements
# that must be true, an exact output location); what the schema allows is accepted.
def _kind(kind: str) -> Choice:
    return Choice(choices=[(kind, CaseKind(kind).label)])


def _part(name: str, **kwargs) -> Text:
    """Text a kind requires: missing or blank, it is refused with the domain's message."""
    said = dict.fromkeys(("required", "null", "blank"), MISSING[name])
    return Text(error_messages=said, pattern_message=MISSING[name], **kwargs)


def _rows(name: str, child, *, required: bool = True, limit: int = 10, **kwargs) -> List:
    """A list a kind requires (at least one) or allows, up to the domain's limit for its
    rows, refused with the domain's messages."""
    said = {}
    if name in LIMITS:
        limit = LIMITS[name]
        said["max_length"] = too_many(name)
        kwargs["too_many"] = partial(too_many, name)
        kwargs["help_text"] = (kwargs.get("help_text", "") + f" At most {limit:,} in one "
                               "case (a longer list is refused by its count first).").strip()
    if required:
        said.update(dict.fromkeys(("required", "null", "empty", "min_length"), MISSING[name]))
        kwargs["min_length"] = 1
    return Rows(child=child, max_length=limit, error_messages=said, required=required,
                **kwargs)


class WorkInSerializer(Input):
    title = Text(max_length=300)
    kind = Choice(choices=Work.Kind.choices)
    rights_holder = Text(max_length=200, required=False, allow_blank=True, default="")
    identifier = Text(max_length=500, required=False, allow_blank=True, default="",
                      help_text="The official page, an ISBN, a product code…")


class LocationInSerializer(Input):
    url = Text(max_length=1000, pattern_validator=LocationPattern(),
               help_text="The exact output: the web address (http or https) of the video "
                         "or image itself, with a path, query or fragment (not a site's "
                         "home page; spaces and fragments such as `#!/v/1` are fine), or "
                         "its generation id (letters, digits, _ and -, 6 to 200 "
                         "characters). An address without its scheme gets https://.")
    seen_at = Moment(required=False, allow_null=True, default=None,
                     help_text="When you saw it, with its time zone.")
    prompt = Text(required=False, allow_blank=True, default="", max_length=10000)
    works = List(child=Whole(min_value=1, max_value=MAX_WORKS), required=False, default=list,
                 max_length=MAX_WORKS, help_text="The works of this notice it copies, by "
                 "their numbers in `works` counting from 1 (the first work is 1).")

    def validate_url(self, value):
        try:
            return location_validate(value)
        except DjangoValidationError as exc:  # the pattern admits only what this accepts
            raise serializers.ValidationError(exc.messages) from exc


US_CONTACT_HELP = "Required when `law` is `us_dmca` (DMCA 512(c)(3)(A)(iv))."


class AgentInSerializer(Input):
    principal_name = _part("principal_name", max_length=200,
                           help_text="The rights holder you act for.")
    authority_statement = _part("authority_statement", max_length=5000,
                                help_text="How you are authorised to act for them.")
    postal_address = Text(max_length=500, required=False, allow_blank=True, default="",
                          help_text="The rights holder's postal address. " + US_CONTACT_HELP)
    phone = Text(max_length=40, required=False, allow_blank=True, default="",
                 help_text="The rights holder's telephone number. " + US_CONTACT_HELP)


class CatalogueInSerializer(Input):
    identifiers = _part("catalogue_identifiers", max_length=20000,
                        help_text="Sites, domains or title lists that identify the "
                                  "catalogue, one a line.")


class _FilingIn(Input):
    """Who files, and the statements every filing makes."""

    agent = AgentInSerializer(required=False,
                              help_text="Only when you file as an agent for a rights holder.")
    organisation = Whole(required=False, min_value=1, max_value=2**63 - 1,
                         help_text="Id of one of your organisations, to share the case "
                                   "with its members.")
    accuracy_statement = Statement(
        help_text="The accuracy statement (must be true), worded as the notice's law "
                  "says: " + accuracy_statements_for_schema())
    signature = _part("signature", max_length=200,
                      help_text="Your full name, typed: it signs the statements.")
    postal_address = Text(max_length=500, required=False, allow_blank=True, default="",
                          help_text="Your postal address. " + US_CONTACT_HELP)
    phone = Text(max_length=40, required=False, allow_blank=True, default="",
                 help_text="Your telephone number. " + US_CONTACT_HELP)

    def validate_organisation(self, value):
        user = self.context["request"].user
        if not user.memberships.filter(organisation_id=value).exists():
            raise exceptions.PermissionDenied(
                _("You are not a member of this organisation."))
        return value

    def _common(self) -> dict:
        data = self.validated_data
        agent = data.get("agent")
        return dict(
            filed_as=FiledAs.AGENT if agent else FiledAs.RIGHTS_HOLDER,
            principal_name=agent["principal_name"] if agent else "",
            authority_statement=agent["authority_statement"] if agent else "",
            filer_postal_address=data.get("postal_address", ""),
            filer_phone=data.get("phone", ""),
            principal_postal_address=agent["postal_address"] if agent else "",
            principal_phone=agent["phone"] if agent else "",
            notice_language=data.get("notice_language", ""),
            organisation_id=data.get("organisation"),
            accuracy_statement=True, signature=data["signature"],
        )

    def _language(self) -> str:
        return self.validated_data.get("language") or self.context["request"].user.language


LAW_HELP = ("The law the notice is made under: `us_dmca` (17 U.S.C. § 512), `eu_dsa` "
            "(Digital Services Act), `japan` (Copyright Act) or `other`. It decides the "
            "statements' wording, whether the output's owner may send a counter-notice, "
            "and the restore clock's calendar.")


def _law(*, required: bool) -> Choice:
    said = {"invalid_choice": ERROR_LAW_UNKNOWN}
    if required:
        said.update(dict.fromkeys(("required", "null", "blank"), MISSING["law"]))
        return Choice(choices=Law.choices, error_messages=said, help_text=LAW_HELP)
    return Choice(choices=Law.choices, required=False, error_messages=said,
                  help_text=LAW_HELP + " Optional.")


class _CaseIn(_FilingIn):
    title = _part("title", max_length=200)

    def to_internal_value(self, data):
        """A list of rows the kind does not hold (an inquiry's `locations`) is refused
        with the domain's words, beside any other mistake, not dropped."""
        refused = parts_refused(data.get("kind"), [part for part in ROW_PARTS
                                                   if data.get(part)]) \
            if isinstance(data, dict) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if refused and isinstance(exc.detail, dict):
                exc.detail.update(serializers.ValidationError(refused).detail)
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value
    language = Choice(
        choices=Language.choices, required=False,
        help_text="The language the filer wants answers in; your account's by default.")
    notice_language = Choice(
        choices=[(code, code) for code in NOTICE_LANGUAGES], required=False,
        allow_blank=True, error_messages={"invalid_choice": ERROR_NOTICE_LANGUAGE},
        help_text="The language the notice is written in: an ISO 639-1 code, two lowercase "
        "letters (ja, en, zh, mt, sw…; every code of ISO 639-1, none of ISO 639-3). Left "
        "out or empty (\"\"): not given, and the notice is taken to be written in "
        "`language`.")


class OutputComplaintInSerializer(_CaseIn):
    """An AI output that copies your work."""

    kind = _kind(CaseKind.OUTPUT_COMPLAINT)
    law = _law(required=True)
    ai_product = _part("ai_product", max_length=200,
                       help_text="The service that made the output.")
    ai_model = Text(max_length=200, required=False, allow_blank=True, default="")
    similarity = _part("similarity", max_length=20000,
                       help_text="What is similar, in your words.")
    remedies = _rows(
        "remedies", Choice(choices=[c for c in Remedy.choices if c[0] != Remedy.OTHER]),
        help_text="What you ask for (at least one).")
    remedy_other = Text(max_length=500, required=False, allow_blank=True, default="",
                        help_text="Anything else you ask for.")
    good_faith_statement = Statement(help_text="The use is not authorised (must be true).")
    works = _rows("works", WorkInSerializer())
    locations = _rows("locations", LocationInSerializer())

    def draft(self) -> CaseDraft:
        data = self.validated_data
        remedies = list(dict.fromkeys(data["remedies"]))
        if data["remedy_other"].strip():
            remedies.append(Remedy.OTHER)
        return CaseDraft(
            kind=CaseKind.OUTPUT_COMPLAINT, title=data["title"], language=self._language(),
            law=data["law"], ai_product=data["ai_product"], ai_model=data["ai_model"],
            similarity=data["similarity"], remedies=remedies,
            remedy_other=data["remedy_other"], good_faith_statement=True,
            works=[WorkData(**w) for w in data["works"]],
            locations=[LocationData(**{**loc, "works": tuple(loc["works"])})
                       for loc in data["locations"]], **self._common())


class TrainingObjectionInSerializer(_CaseIn):
    """Do not train on these works (or on a whole catalogue)."""

    kind = _kind(CaseKind.TRAINING_OBJECTION)
    law = _law(required=False)
    training_uses = _rows("training_uses", Choice(choices=TrainingUse.choices),
                          help_text="The uses you object to (at least one).")
    # Works are required unless `catalogue` is given: the domain's rule (case_submit),
    # refused with the same words as in the portal.
    works = _rows("works", WorkInSerializer(), required=False, default=list,
                  help_text="The works (at least one), or with `catalogue` a few of them "
                            "or none.")
    catalogue = CatalogueInSerializer(required=False,
                                      help_text="Only when the objection covers the rights "
                                                "holder's whole catalogue.")
    good_faith_statement = Statement(help_text="The use is not authorised (must be true).")

    def draft(self) -> CaseDraft:
        data = self.validated_data
        catalogue = data.get("catalogue")
        return CaseDraft(
            kind=CaseKind.TRAINING_OBJECTION, title=data["title"], language=self._language(),
            law=data.get("law", ""),
            training_uses=list(dict.fromkeys(data["training_uses"])),
            whole_catalogue=bool(catalogue),
            catalogue_identifiers=catalogue["identifiers"] if catalogue else "",
            good_faith_statement=True, works=[WorkData(**w) for w in data["works"]],
            **self._common())


class InquiryInSerializer(_CaseIn):
    """Questions, each answered on its own."""

    kind = _kind(CaseKind.INQUIRY)
    ai_product = Text(max_length=200, required=False, allow_blank=True, default="")
    ai_model = Text(max_length=200, required=False, allow_blank=True, default="")
    questions = _rows("questions", Text(max_length=4000))
    works = _rows("works", WorkInSerializer(), required=False, default=list)

    def draft(self) -> CaseDraft:
        data = self.validated_data
        return CaseDraft(
            kind=CaseKind.INQUIRY, title=data["title"], language=self._language(),
            ai_product=data["ai_product"], ai_model=data["ai_model"],
            questions=list(data["questions"]), works=[WorkData(**w) for w in data["works"]],
            **self._common())


CASE_IN = {
    CaseKind.OUTPUT_COMPLAINT: OutputComplaintInSerializer,
    CaseKind.TRAINING_OBJECTION: TrainingObjectionInSerializer,
    CaseKind.INQUIRY: InquiryInSerializer,
}
# The mapping from each kind to its body is given, not guessed: guessed from the serializers'
# fields, it came out as {null: InquiryInRequest}, and a client generated from the schema
# would refuse a valid inquiry.
CASE_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="CaseCreate",
    serializers={kind.value: serializer for kind, serializer in CASE_IN.items()},
    resource_type_field_name="kind")


class _KindOnly(Input):
    kind = Choice(choices=FILABLE_KIND_CHOICES)


def case_in_serializer(data, *, request) -> serializers.Serializer:
    """The serializer for the kind the body names (or one that says what is wrong)."""
    if isinstance(data, dict) and isinstance(data.get("kind"), str) and data["kind"] in CASE_IN:
        return CASE_IN[data["kind"]](data=data, context={"request": request})
    return _KindOnly(data=data)


class AppealCreateSerializer(_FilingIn):
    appeal_grounds = _part("appeal_grounds", max_length=20000,
                           help_text="Why the decision should change.")
    good_faith_statement = Statement(
        help_text="You believe in good faith the decision was wrong (must be true).")

    def draft(self, case: Case) -> CaseDraft:
        common = self._common()
        common["organisation_id"] = common["organisation_id"] or case.organisation_id
        return CaseDraft(
            kind=CaseKind.APPEAL, title=str(_("Appeal against %(reference)s")
                                            % {"reference": case.reference}),
            language=case.language, appeal_of_id=case.pk,
            appeal_grounds=self.validated_data["appeal_grounds"],
            good_faith_statement=True, **common)


class BulkCreateSerializer(Input):
    cases = List(
        child=Dict(), min_length=1, max_length=MAX_BULK,
        help_text="Up to 500 cases, each a `CaseCreate` object. Each is checked and filed "
                  "on its own; the answer says, item by item, what became of it.")


class ReplySerializer(Input):
    body = Text(max_length=20000)


class WithdrawSerializer(Input):
    reason = Text(max_length=2000, required=False, allow_blank=True, default="")


class RetractSerializer(Input):
    whole = Flag(required=False, default=False,
                 help_text="true: the whole notice. Before a decision this withdraws the case.")
    locations = List(child=Text(max_length=1000), required=False, default=list,
                     max_length=MAX_LOCATIONS,
                     help_text="Without `whole`: the output locations to retract, each as "
                               "the case's `locations[].url` gives it.")
    statement = Text(max_length=STATEMENT_MAX, required=False, allow_blank=True, default="",
                     help_text="Why you retract, in a sentence or two (required).")


class EvidenceUploadSerializer(Input):
    file = File(help_text="An image (PNG, JPEG, GIF, WebP), a PDF or a video (MP4, WebM), "
                          "checked by its content.")


# --- Reading: complaints.api.answers -------------------------------------------
from complaints.api.answers import (  # noqa: E402, F401  (re-exported by name)
    BulkItemResultSerializer,
    BulkResultSerializer,
    CaseDetailSerializer,
    CaseSummarySerializer,
    DeadlineSerializer,
    DecisionSerializer,
    EvidenceSerializer,
    LocationSerializer,
    MessageSerializer,
    QuestionSerializer,
    WorkSerializer,
)
