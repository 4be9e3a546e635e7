"""The complainant reports a court action while a counter-notice awaits restoring
(DMCA 512(g)(2)(C)): POST /api/v1/cases/<reference>/court-action/."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from complaints.api import present
from complaints.api.fields import Input, Text
from complaints.api.parsers import FormParser, JSONParser
from complaints.api.serializers import CaseDetailSerializer
from complaints.api.views import (
    CONFLICT,
    ERRORS,
    NOT_FOUND,
    KotaeApiView,
    _case_for,
    _reload,
    service_errors,
)
from complaints.services.counter_notices import court_action_report


class CourtActionSerializer(Input):
    court = Text(max_length=200, help_text="The court where the action was filed.")
    case_number = Text(max_length=100, required=False, allow_blank=True, default="",
                       help_text="The court's case number, if known.")
    filed_on = serializers.DateField(
        help_text="The day the action was filed (YYYY-MM-DD).",
        error_messages={"required": _("Give the date the action was filed."),
                        "null": _("Give the date the action was filed."),
                        "invalid": _("Give the date as YYYY-MM-DD."),
                        "datetime": _("Give the date as YYYY-MM-DD.")})


class CaseCourtAction(KotaeApiView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Report a court action against a counter-notice",
        description="While a counter-notice from the output's owner awaits restoring, the "
                    "complainant (or a member of their organisation) reports that they filed "
                    "an action seeking a court order: the output is then not restored and "
                    "its owner is told. Refused (409) when no counter-notice awaits "
                    "restoring, also after the output was restored.",
        request=CourtActionSerializer,
        responses={200: CaseDetailSerializer, **ERRORS, **NOT_FOUND, **CONFLICT})
    def post(self, request, reference):
        case = _case_for(request, reference)
        serializer = CourtActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            try:
                court_action_report(complaint=case, actor=request.user,
                                    **serializer.validated_data)
            except DjangoValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise ValidationError(exc.message_dict) from exc
                raise
        return Response(present.case_detail(_reload(case)))
