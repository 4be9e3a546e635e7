"""/api/v1/drafts/: a notice too large for one request (or built up over time) sent a
page at a time. Open a draft with what the notice says, add its output locations and
works in pages of up to 1,000, read the counts, then submit it: one case, one receipt,
one set of clocks. Only the draft's owner reaches it (anyone else: 404); it expires
KOTAE_API_DRAFT_DAYS after its last change. The whole notice is checked at submission as
a notice sent in one request is (complaints.api.serializers)."""
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from complaints.api import present
from complaints.api import serializers as s
from complaints.api.created import CaseCreatedSerializer
from complaints.api.fields import Input, Rows
from complaints.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from complaints.api.parsers import JSONParser, body_read_up_to
from complaints.api.views import (
    CONFLICT,
    ERRORS,
    TOO_LARGE,
    KotaeApiView,
    filing_refusals,
    service_errors,
)
from complaints.domain.kinds import LIMITS, ROW_PARTS, parts_refused
from complaints.selectors.drafts import filing_draft_for_owner
from complaints.services.cases import case_submit
from complaints.services.filing_drafts import (
    filing_draft_close,
    filing_draft_counts,
    filing_draft_notice,
    filing_draft_notice_change,
    filing_draft_open,
    filing_draft_rows_add,
)

PAGE_ROWS = 1_000  # rows in one page added to a draft
ERROR_PAGE = _("Send at most %(num)s rows in one page, and %(sent)s were sent: send the "
               "rest in further pages.")
NOT_YOURS = {404: OpenApiResponse(description="No such draft of yours (or it expired, or "
                                              "it was submitted).")}
PART_NAMES = ROW_PARTS  # the lists a draft takes in pages


class DraftSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Rows the draft holds: `locations`, `works`.")
    limits = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="The most a case holds, and a page may add.")
    expires_at = serializers.DateTimeField(help_text="Gone after this, unless changed.")


def _limits() -> dict[str, int]:
    return {"locations": LIMITS["locations"], "works": LIMITS["works"], "page": PAGE_ROWS}


def _present(draft) -> dict:
    return {"id": str(draft.public_id), "kind": draft.data.get("kind", ""),
            "counts": filing_draft_counts(draft), "limits": _limits(),
            "expires_at": present.moment(draft.expires_at)}


def _draft_notice_class(base):
    """A kind's body as a draft takes it: every part may come later (only `kind` is
    required), and `locations`/`works` may bring a first page."""
    class DraftNotice(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                field.required = name == "kind"
            for part in PART_NAMES:
                if part in self.fields:
                    self.fields[part] = _page_rows(part, self.fields[part].child.__class__,
                                                   required=False)
    DraftNotice.__name__ = DraftNotice.__qualname__ = f"Draft{base.__name__}"
    return DraftNotice


def _draft_change_class(base):
    """What a change of a draft's notice may say: its kind's parts but `kind` (a draft
    keeps its kind) and the rows (added with the draft's `locations/` and `works/`)."""
    class DraftChange(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in ("kind", *PART_NAMES):
                self.fields.pop(name, None)
    DraftChange.__name__ = DraftChange.__qualname__ = \
        f"DraftChange{base.__name__.removeprefix('Draft')}"
    return DraftChange


DRAFT_IN = {kind: _draft_notice_class(serializer) for kind, serializer in s.CASE_IN.items()}
DRAFT_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="DraftCreate",
    serializers={kind.value: serializer for kind, serializer in DRAFT_IN.items()},
    resource_type_field_name="kind")
# The body names no kind (the draft has one), so a change is whatever fits the draft's
# kind: `anyOf` the kinds (complaints.api.schema.draft_change_fits_its_kind), since a
# change such as {"title": ...} fits every kind, and `oneOf` would refuse it for that.
DRAFT_CHANGE_SCHEMA = PolymorphicProxySerializer(
    component_name="DraftChange",
    serializers=[_draft_change_class(serializer)
                 for serializer in DRAFT_IN.values()],
    resource_type_field_name=None)


def _notice_checked(request, notice) -> tuple[dict, dict[str, list]]:
    """The notice without its rows, checked as far as it goes (parts may come later), and
    the first page of each list it brought."""
    if not isinstance(notice, dict) or not isinstance(notice.get("kind"), str) \
            or notice.get("kind") not in DRAFT_IN:
        serializer = s.case_in_serializer(notice, request=request)
        serializer.is_valid(raise_exception=True)
    serializer = DRAFT_IN[notice["kind"]](data=notice, context={"request": request})
    serializer.is_valid(raise_exception=True)
    rows = {part: _known(serializer.fields[part], notice[part]) for part in PART_NAMES
            if part in serializer.fields and notice.get(part)}
    return {k: _known(serializer.fields[k], v) for k, v in notice.items()
            if k in serializer.fields and k not in PART_NAMES}, rows


def _known(field, value):
    """What the field reads of a checked value: only the keys its serializers know, at every
    depth. A draft keeps nothing else (a stray key could not be stored, e.g. a NUL in
    PostgreSQL's JSON, and would come back at submission)."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField) and isinstance(
            value, list):
        child = getattr(field, "child", None)
        return [_known(child, item) for item in value] if child is not None else value
    if isinstance(field, serializers.Serializer) and isinstance(value, dict):
        return {k: _known(field.fields[k], v) for k, v in value.items() if k in field.fields}
    return value


def _page_rows(part: str, child_class, *, required: bool = True) -> Rows:
    return Rows(child=child_class(), min_length=1 if required else 0, max_length=PAGE_ROWS,
                required=required,
                too_many=lambda sent: ERROR_PAGE % {"num": f"{PAGE_ROWS:,}",
                                                    "sent": f"{sent:,}"})


def _page_in_class(part: str, child_class):
    """A page of `part`, as a class of its own: one shared class gave both pages one
    schema component, and the works page's body said it took `locations`."""
    class PageIn(Input):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields[part] = _page_rows(part, child_class)
    PageIn.__name__ = PageIn.__qualname__ = f"Draft{part.title()}Page"
    return PageIn


class DraftCreate(KotaeApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Open a draft of a notice, to add its rows in pages",
        description="The body is a `CaseCreate` of which only `kind` is required: each "
                    "part is checked as far as given, and what is missing is said at "
                    "submission. `locations` and `works` may bring a first page (up to "
                    "1,000 each); add the rest with the draft's `locations/` and `works/`. "
                    "A key the kind does not have is ignored (not kept), as in a new case.",
        request=DRAFT_CREATE_SCHEMA,
        responses={201: DraftSerializer, **ERRORS, **TOO_LARGE})
    def post(self, request):
        body_read_up_to(request, limit=settings.KOTAE_API_CREATE_MAX_BYTES)
        notice, rows = _notice_checked(request, request.data)
        with transaction.atomic():
            draft = filing_draft_open(owner=request.user, notice=notice)
            for part, page in rows.items():
                filing_draft_rows_add(draft=draft, part=part, rows=page)
        return Response(_present(draft), status=status.HTTP_201_CREATED)


class DraftDetail(KotaeApiView):
    parser_classes = [JSONParser]

    @extend_schema(summary="Read a draft: its counts, limits and expiry",
                   responses={200: DraftSerializer, **ERRORS, **NOT_YOURS})
    def get(self, request, draft_id):
        return Response(_present(filing_draft_for_owner(request.user, draft_id)))

    @extend_schema(summary="Change what the draft's notice says (not its rows)",
                   description="The fields given replace the draft's, checked as its "
                               "kind's are. Its `kind` stays, and so do its rows (add "
                               "them with `locations/` and `works/`): the body's `kind`, "
                               "`locations` and `works`, and any key the kind does not "
                               "have, are ignored, as a new case's unknown keys are.",
                   request=DRAFT_CHANGE_SCHEMA,
                   responses={200: DraftSerializer, **ERRORS, **NOT_YOURS})
    def patch(self, request, draft_id):
        draft = filing_draft_for_owner(request.user, draft_id)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        notice, _rows = _notice_checked(request, {
            **draft.data, **{k: v for k, v in request.data.items() if k not in PART_NAMES},
            "kind": draft.data.get("kind")})
        filing_draft_notice_change(draft=draft, notice=notice)
        return Response(_present(draft))

    @extend_schema(summary="Give up a draft", responses={204: None, **ERRORS, **NOT_YOURS})
    def delete(self, request, draft_id):
        filing_draft_close(draft=filing_draft_for_owner(request.user, draft_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _rows_view(part: str, child_class):
    page_class = _page_in_class(part, child_class)

    class DraftRows(KotaeApiView):
        parser_classes = [JSONParser]

        @extend_schema(
            summary=f"Add a page of {part} to a draft",
            description=f"Up to {PAGE_ROWS:,} {part} a request, after those already "
                        f"there, each checked as in a case; a case holds at most "
                        f"{LIMITS[part]:,}. A page with a mistake adds nothing.",
            request=page_class,
            parameters=[IDEMPOTENCY_PARAMETER],
            responses={200: DraftSerializer, **ERRORS, **NOT_YOURS, **CONFLICT, **TOO_LARGE},
            operation_id=f"drafts_{part}_add")
        def post(self, request, draft_id):
            body_read_up_to(request, limit=settings.KOTAE_API_CREATE_MAX_BYTES)
            draft = filing_draft_for_owner(request.user, draft_id)

            def add():
                refused = parts_refused(draft.data["kind"], [part])
                if refused:
                    raise ValidationError(refused)
                page = page_class(data=request.data)
                page.is_valid(raise_exception=True)
                with filing_refusals():
                    filing_draft_rows_add(draft=draft, part=part,
                                          rows=_known(page.fields[part], request.data[part]))
                return Response(_present(draft))
            return idempotent(request, add)
    DraftRows.__name__ = DraftRows.__qualname__ = f"Draft{part.title()}"
    return DraftRows


DraftLocations = _rows_view("locations", s.LocationInSerializer)
DraftWorks = _rows_view("works", s.WorkInSerializer)


class DraftSubmit(KotaeApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="File a draft as one case",
        description="The whole notice is checked as one request would be (a row's "
                    "mistake is named by its place in the whole list: `locations.5234.url`)."
                    " Filed, the draft is gone: a second submission finds nothing (404), "
                    "unless it repeats the Idempotency-Key.",
        request=None, parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CaseCreatedSerializer, **ERRORS, **NOT_YOURS, **CONFLICT})
    def post(self, request, draft_id):
        def submit():
            with transaction.atomic():
                draft = filing_draft_for_owner(request.user, draft_id, lock=True)
                serializer = s.case_in_serializer(filing_draft_notice(draft),
                                                  request=request)
                serializer.is_valid(raise_exception=True)
                with service_errors(), filing_refusals():
                    case = case_submit(filer=request.user, draft=serializer.draft())
                filing_draft_close(draft=draft)
            return Response(present.case_created(case), status=status.HTTP_201_CREATED)
        return idempotent(request, submit)
