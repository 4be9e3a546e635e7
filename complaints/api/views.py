"""/api/v1/: filing agents' view of their cases. Each view checks its input, calls a
service or a selector, and presents the result; only the caller's own and their
organisations' cases exist here (anything else is a 404)."""
from contextlib import contextmanager
from datetime import UTC

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api import error_messages, present
from complaints.api import serializers as s
from complaints.api.created import CaseCreatedSerializer
from complaints.api.errors import ErrorSerializer, validation_error_body
from complaints.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from complaints.api.language import speak_callers_language
from complaints.api.parsers import FormParser, JSONParser, MultiPartParser, body_read_up_to
from complaints.domain.moments import ERROR_MOMENT, MomentError, moment_parse
from complaints.domain.status import Status
from complaints.models import Case, CaseKind
from complaints.selectors import cases as selectors
from complaints.services.cases import case_submit, case_withdraw
from complaints.services.evidence import evidence_attach
from complaints.services.messages import message_post
from complaints.services.retractions import retraction_record

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="The request has mistakes; `fields` "
                                                      "names them."),
    401: OpenApiResponse(ErrorSerializer, description="No valid token or session."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
    429: OpenApiResponse(ErrorSerializer, description="Quota used up; see Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such case of yours.")}
CONFLICT = {409: OpenApiResponse(
    ErrorSerializer, description="The request conflicts with what is already there (see "
                                 "`code`): the Idempotency-Key was used for a different "
                                 "request, the case's state does not allow this now, or a "
                                 "limit is reached.")}

ROW_PAGE_PARAMETERS = [
    OpenApiParameter(name, int, description=f"Which page of the case's {what} (100 a page; "
                     "1 by default; past the last, the last).")
    for name, what in (("locations_page", "output locations"), ("works_page", "works"))]

TOO_LARGE = {413: OpenApiResponse(
    ErrorSerializer, description="The body is over 20 MB (`code`: `request_too_large`); "
                                 "other endpoints take bodies up to 5 MB.")}


class KotaeApiView(APIView):
    """Answers in the caller's language: Accept-Language if it names one of ours, else
    their account's (accounts/language.py).
    Times are given in UTC (RFC 3339, "…Z"), whatever the caller's time zone."""

    def initial(self, request, *args, **kwargs):
        timezone.activate(UTC)
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        super().perform_authentication(request)
        # Before the permission and quota checks, whose refusals are said at once.
        speak_callers_language(request)


FILE_ERRORS = {413: OpenApiResponse(ErrorSerializer, description="The file is too large."),
               415: OpenApiResponse(ErrorSerializer, description="Not a kind of file we "
                                                                 "accept."),
               503: OpenApiResponse(ErrorSerializer, description="The file could not be "
                                    "stored just now; send it again in a few minutes.")}
STATUS_FOR_CODE = {"file_too_large": 413, "case_too_large": 413, "file_type": 415,
                   "not_filer": 403, "store_unavailable": 503}


@contextmanager
def service_errors():
    """A service refusing what the present state does not allow answers 409 (or 413/415
    for files, 403 for someone else's case): the request itself was well formed."""
    try:
        yield
    except DjangoValidationError as exc:
        code = next((e.code for e in exc.error_list if e.code), "conflict") \
            if hasattr(exc, "error_list") else "conflict"
        raise ServiceRefused(" ".join(exc.messages), code=code,
                             status=STATUS_FOR_CODE.get(code, 409)) from exc


# The domain names a filing's parts as a CaseDraft does; the API nests a few of them.
API_FIELD = {"principal_name": "agent.principal_name",
             "authority_statement": "agent.authority_statement",
             "catalogue_identifiers": "catalogue.identifiers",
             "filer_postal_address": "postal_address", "filer_phone": "phone",
             "principal_postal_address": "agent.postal_address",
             "principal_phone": "agent.phone"}


def _filing_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    return {API_FIELD.get(name, name): messages for name, messages in exc.message_dict.items()}


@contextmanager
def filing_refusals():
    """A filing the domain refuses, part by part (a rule of its kind), is a request with
    mistakes: 400, with the fields named as the API names them."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(_filing_fields(exc)) from exc


class ServiceRefused(APIException):
    def __init__(self, detail, *, code, status):
        super().__init__(detail, code)
        self.status_code = status


def _case_for(request, reference) -> Case:
    return selectors.case_get_for_portal(request.user, reference)


def _created(case: Case) -> Response:
    """A case just filed by `case_submit`, which hands it back with all it shows."""
    return Response(present.case_created(case), status=status.HTTP_201_CREATED)


def _reload(case: Case) -> Case:
    return selectors.case_get_for_api(case.pk)


class AwareDateTimeField(forms.CharField):
    """RFC 3339 with its zone; far-off years are clamped instead of overflowing."""

    def __init__(self, **kwargs):
        kwargs["strip"] = False  # " " is not an absent value but a wrong one
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return moment_parse(value)
        except MomentError:
            raise forms.ValidationError(ERROR_MOMENT, code="invalid")


class AwareDateTimeFilter(django_filters.Filter):
    field_class = AwareDateTimeField


class AnyTextField(forms.CharField):
    """Any string, NUL included (the filter itself makes a NUL match nothing)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators
                           if not isinstance(v, ProhibitNullCharactersValidator)]


class AnyTextFilter(django_filters.CharFilter):
    field_class = AnyTextField


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices,
                                         error_messages=error_messages.FORM_CHOICE)
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices,
                                       error_messages=error_messages.FORM_CHOICE)
    reference = AnyTextFilter(method="reference_filter")
    updated_since = AwareDateTimeFilter(
        field_name="last_activity_at", lookup_expr="gte",
        help_text="Only cases changed at or after this time (RFC 3339, with its zone).")

    def reference_filter(self, queryset, name, value):
        if "\x00" in value:  # no reference holds one, and PostgreSQL refuses them
            return queryset.none()
        return queryset.filter(reference__iexact=value)

    class Meta:
        model = Case
        fields = ["status", "kind", "reference", "updated_since"]


class KotaeCursorPagination(CursorPagination):
    ordering = "-pk"  # newest first; stable while rows change
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                int(raw)
            except ValueError:
                raise ValidationError({self.page_size_query_param: [
                    _("Give a whole number of results per page (at most 200).")]}) from None
        return super().get_page_size(request)  # 0 or less: the default; more: 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:  # a cursor names a page; a damaged one names none
            raise NotFound(_("There is no page at this cursor. Use the `next` or "
                             "`previous` link of a page.")) from exc



class CaseListCreate(KotaeApiView, generics.ListAPIView):
    serializer_class = s.CaseSummarySerializer
    pagination_class = KotaeCursorPagination
    filterset_class = CaseFilter

    def get_queryset(self):
        # Plain rows of only what a summary shows (see complaints.api.present).
        cases = selectors.cases_visible_to(self.request.user)
        return selectors.cases_with_lateness(cases).values(*present.SUMMARY_COLUMNS)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(present.case_summaries(page))

    @extend_schema(summary="List your cases and your organisations' cases",
                   responses={200: s.CaseSummarySerializer(many=True), **ERRORS,
                              404: OpenApiResponse(ErrorSerializer,
                                                   description="No page at this cursor.")})
    def get(self, request, *args, **kwargs):
        blank = {name: [_("Leave it out, or give a value.")]
                 for name in ("status", "kind", "updated_since", "page_size")
                 if request.query_params.get(name) == ""}
        if blank:
            raise ValidationError(blank)
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="File a case", request=s.CASE_CREATE_SCHEMA,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: CaseCreatedSerializer, **ERRORS, **CONFLICT,
                              **TOO_LARGE})
    def post(self, request, *args, **kwargs):
        body_read_up_to(request, limit=settings.KOTAE_API_CREATE_MAX_BYTES)

        def create():
            serializer = s.case_in_serializer(request.data, request=request)
            serializer.is_valid(raise_exception=True)
            with service_errors(), filing_refusals():
                case = case_submit(filer=request.user, draft=serializer.draft())
            return _created(case)
        return idempotent(request, create)


class CaseBulkCreate(KotaeApiView):
    @extend_schema(
        summary="File up to 500 cases at once",
        description="Each item is checked and filed on its own: the answer lists, item by "
                    "item, the reference made or the errors. An item with errors leaves "
                    "nothing behind; the others are filed.",
        request=s.BulkCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.BulkResultSerializer, **ERRORS, **CONFLICT, **TOO_LARGE})
    def post(self, request):
        body_read_up_to(request, limit=settings.KOTAE_API_CREATE_MAX_BYTES)
        outer = s.BulkCreateSerializer(data=request.data)
        outer.is_valid(raise_exception=True)

        def create():
            results = []
            for index, item in enumerate(outer.validated_data["cases"]):
                serializer = s.case_in_serializer(item, request=request)
                try:
                    valid = serializer.is_valid()
                except PermissionDenied as exc:  # e.g. an organisation not the caller's
                    results.append({"index": index, "errors": {"organisation": [str(exc.detail)]}})
                    continue
                if not valid or not hasattr(serializer, "draft"):
                    results.append({"index": index, "errors":
                                    validation_error_body(serializer.errors)["fields"]})
                    continue
                try:
                    with transaction.atomic():  # a failed item leaves nothing half-made
                        case = case_submit(filer=request.user, draft=serializer.draft())
                except DjangoValidationError as exc:
                    results.append({"index": index, "errors": _filing_fields(exc)
                                    if hasattr(exc, "error_dict")
                                    else {"non_field_errors": exc.messages}})
                    continue
                results.append({"index": index, "reference": case.reference})
            created = sum(1 for r in results if "reference" in r)
            return Response({"created": created, "failed": len(results) - created,
                             "results": results})
        return idempotent(request, create)


class CaseDetail(KotaeApiView):
    @extend_schema(summary="Read a case: status, deadlines, decision and public messages",
                   description="Works and output locations come 100 at a time; `pages` "
                               "says which page and how many there are.",
                   parameters=ROW_PAGE_PARAMETERS,
                   responses={200: s.CaseDetailSerializer, **ERRORS, **NOT_FOUND})
    def get(self, request, reference):
        case = _case_for(request, reference)
        return Response(present.case_detail(
            selectors.case_get_for_api(case.pk, request.query_params)))


class CaseReply(KotaeApiView):
    @extend_schema(summary="Reply on a case (the desk sees it at once)",
                   request=s.ReplySerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.MessageSerializer, **ERRORS, **NOT_FOUND, **CONFLICT})
    def post(self, request, reference):
        case = _case_for(request, reference)

        def create():
            serializer = s.ReplySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                message = message_post(case=case, author=request.user,
                                       body=serializer.validated_data["body"])
            return Response(present.message(message), status=status.HTTP_201_CREATED)
        return idempotent(request, create)


class CaseEvidenceUpload(KotaeApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="Add an evidence file to a case (multipart, field `file`)",
                   request={"multipart/form-data": s.EvidenceUploadSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.EvidenceSerializer, **ERRORS, **NOT_FOUND, **CONFLICT,
                              **FILE_ERRORS})
    def post(self, request, reference):
        case = _case_for(request, reference)

        def create():
            serializer = s.EvidenceUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            upload = serializer.validated_data["file"]
            with service_errors(), transaction.atomic():
                evidence = evidence_attach(case=case, uploaded_by=request.user, upload=upload)
            return Response(present.evidence(evidence), status=status.HTTP_201_CREATED)
        return idempotent(request, create)


class CaseWithdraw(KotaeApiView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(summary="Withdraw a case you filed", request=s.WithdrawSerializer,
                   responses={200: s.CaseDetailSerializer, **ERRORS, **NOT_FOUND,
                              **CONFLICT})
    def post(self, request, reference):
        case = _case_for(request, reference)
        serializer = s.WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            case_withdraw(case=case, actor=request.user,
                          reason=serializer.validated_data["reason"])
        return Response(present.case_detail(_reload(case)))


class CaseRetract(KotaeApiView):
    # JSON only: `whole` is a JSON boolean and `locations` a list, which a form cannot say.
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Retract a notice you filed, wholly or for some output locations",
        description="At any time, also after the decision: the case then stays decided, the "
                    "retraction is recorded against the decision and the desk undoes the "
                    "actions taken for the retracted part. Retracting the whole notice "
                    "before its decision withdraws the case. Only the filer may retract. "
                    "What is refused about the choice or the statement is named in `fields` "
                    "(400); what the case's state refuses is a 409.",
        request=s.RetractSerializer,
        responses={200: s.CaseDetailSerializer, **ERRORS, **NOT_FOUND, **CONFLICT})
    def post(self, request, reference):
        case = selectors.case_get_for_filer(request.user, reference)
        serializer = s.RetractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            try:
                retraction_record(case=case, actor=request.user, whole=data["whole"],
                                  urls=data["locations"], statement=data["statement"])
            except DjangoValidationError as exc:
                if hasattr(exc, "error_dict"):  # the choice or the statement: as fields
                    raise ValidationError(exc.message_dict) from exc
                raise
        return Response(present.case_detail(_reload(case)))


class CaseAppeal(KotaeApiView):
    @extend_schema(summary="Appeal against the decision on a case",
                   description="Within six months of the decision; not for an appeal's own "
                               "decision, nor while another appeal is open.",
                   request=s.AppealCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: CaseCreatedSerializer, **ERRORS, **NOT_FOUND,
                              **CONFLICT})
    def post(self, request, reference):
        case = _case_for(request, reference)

        def create():
            serializer = s.AppealCreateSerializer(data=request.data,
                                                  context={"request": request})
            serializer.is_valid(raise_exception=True)
            with service_errors(), filing_refusals():
                appeal = case_submit(filer=request.user, draft=serializer.draft(case))
            return _created(appeal)
        return idempotent(request, create)
