"""/api/v1/: filing agents' view of their cases. Each view checks its input, calls a
service or a selector, and presents the result; only the caller's own and their
organisations' cases exist here (anything else is a 404)."""
import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors
from complaints.api import serializers as s
from complaints.api.errors import ErrorSerializer, validation_error_body
from complaints.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from complaints.models import Case, CaseKind
from complaints.services.cases import case_submit, case_withdraw
from complaints.services.evidence import case_upload_bytes, evidence_attach
from complaints.services.messages import message_post
from complaints.status import Status

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="The request has mistakes; `fields` "
                                                      "names them."),
    401: OpenApiResponse(ErrorSerializer, description="No valid token or session."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
    429: OpenApiResponse(ErrorSerializer, description="Quota used up; see Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such case of yours.")}
IDEMPOTENCY_ERRORS = {422: OpenApiResponse(ErrorSerializer, description="The "
                      "Idempotency-Key was used for a different request.")}


class KotaeApiView(APIView):
    """Answers in the caller's language: Accept-Language if sent, else their account's."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and request.user.is_authenticated:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = request.user.language


def _case_for(request, reference) -> Case:
    return selectors.case_get_for_portal(request.user, reference)


def _created(case: Case) -> Response:
    return Response(s.CaseDetailSerializer(_reload(case)).data, status=status.HTTP_201_CREATED)


def _reload(case: Case) -> Case:
    return selectors.case_get_for_api(case.pk)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    reference = django_filters.CharFilter(field_name="reference", lookup_expr="iexact")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="last_activity_at", lookup_expr="gte",
        help_text="Only cases changed at or after this time (ISO 8601, with its zone).")

    class Meta:
        model = Case
        fields = ["status", "kind", "reference", "updated_since"]


class CaseCursorPagination(CursorPagination):
    ordering = "-pk"  # newest first; stable while cases change
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseListCreate(KotaeApiView, generics.ListAPIView):
    serializer_class = s.CaseSummarySerializer
    pagination_class = CaseCursorPagination
    filterset_class = CaseFilter

    def get_queryset(self):
        return selectors.cases_visible_to(self.request.user)

    @extend_schema(summary="List your cases and your organisations' cases",
                   responses={200: s.CaseSummarySerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="File a case", request=s.CaseCreateSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.CaseDetailSerializer, **ERRORS, **IDEMPOTENCY_ERRORS})
    def post(self, request, *args, **kwargs):
        def create():
            serializer = s.CaseCreateSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            return _created(case_submit(filer=request.user, draft=serializer.draft()))
        return idempotent(request, create)


class CaseBulkCreate(KotaeApiView):
    @extend_schema(
        summary="File up to 500 cases at once",
        description="Each item is checked and filed on its own: the answer lists, item by "
                    "item, the reference made or the errors. An item with errors leaves "
                    "nothing behind; the others are filed.",
        request=s.BulkCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.BulkResultSerializer, **ERRORS, **IDEMPOTENCY_ERRORS})
    def post(self, request):
        outer = s.BulkCreateSerializer(data=request.data)
        outer.is_valid(raise_exception=True)

        def create():
            results = []
            for index, item in enumerate(outer.validated_data["cases"]):
                serializer = s.CaseCreateSerializer(data=item, context={"request": request})
                if not serializer.is_valid():
                    results.append({"index": index, "errors":
                                    validation_error_body(serializer.errors)["fields"]})
                    continue
                try:
                    with transaction.atomic():  # a failed item leaves nothing half-made
                        case = case_submit(filer=request.user, draft=serializer.draft())
                except DjangoValidationError as exc:
                    results.append({"index": index,
                                    "errors": {"non_field_errors": exc.messages}})
                    continue
                results.append({"index": index, "reference": case.reference})
            created = sum(1 for r in results if "reference" in r)
            return Response({"created": created, "failed": len(results) - created,
                             "results": results})
        return idempotent(request, create)


class CaseDetail(KotaeApiView):
    @extend_schema(summary="Read a case: status, deadlines, decision and public messages",
                   responses={200: s.CaseDetailSerializer, **ERRORS, **NOT_FOUND})
    def get(self, request, reference):
        case = _case_for(request, reference)
        return Response(s.CaseDetailSerializer(_reload(case)).data)


class CaseReply(KotaeApiView):
    @extend_schema(summary="Reply on a case (the desk sees it at once)",
                   request=s.ReplySerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.MessageSerializer, **ERRORS, **NOT_FOUND,
                              **IDEMPOTENCY_ERRORS})
    def post(self, request, reference):
        case = _case_for(request, reference)

        def create():
            serializer = s.ReplySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = message_post(case=case, author=request.user,
                                   body=serializer.validated_data["body"])
            return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        return idempotent(request, create)


class CaseEvidenceUpload(KotaeApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="Add an evidence file to a case (multipart, field `file`)",
                   request={"multipart/form-data": s.EvidenceUploadSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.EvidenceSerializer, **ERRORS, **NOT_FOUND,
                              **IDEMPOTENCY_ERRORS})
    def post(self, request, reference):
        case = _case_for(request, reference)

        def create():
            serializer = s.EvidenceUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            upload = serializer.validated_data["file"]
            with transaction.atomic():
                case_upload_bytes(case=case)  # the limit counts what is already there
                evidence = evidence_attach(case=case, uploaded_by=request.user, upload=upload)
            return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
        return idempotent(request, create)


class CaseWithdraw(KotaeApiView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(summary="Withdraw a case you filed", request=s.WithdrawSerializer,
                   responses={200: s.CaseDetailSerializer, **ERRORS, **NOT_FOUND})
    def post(self, request, reference):
        case = _case_for(request, reference)
        serializer = s.WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_withdraw(case=case, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(s.CaseDetailSerializer(_reload(case)).data)


class CaseAppeal(KotaeApiView):
    @extend_schema(summary="Appeal against the decision on a case",
                   description="Within six months of the decision; not for an appeal's own "
                               "decision, nor while another appeal is open.",
                   request=s.AppealCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: s.CaseDetailSerializer, **ERRORS, **NOT_FOUND,
                              **IDEMPOTENCY_ERRORS})
    def post(self, request, reference):
        case = _case_for(request, reference)

        def create():
            serializer = s.AppealCreateSerializer(data=request.data,
                                                  context={"request": request})
            serializer.is_valid(raise_exception=True)
            return _created(case_submit(filer=request.user, draft=serializer.draft(case)))
        return idempotent(request, create)
