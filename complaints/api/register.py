"""/api/v1/register/: the training-use register for the company's data pipeline, as JSON
lines or CSV, streamed. Staff tokens only."""
from django import forms
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated

from complaints.api import error_messages
from complaints.api.errors import ErrorSerializer
from complaints.api.views import ERRORS, AwareDateTimeField, KotaeApiView
from complaints.models import RegisterEntry, TrainingUse
from complaints.selectors.register import FORMATS, MEDIA_TYPES, register_export_lines


class IsStaff(BasePermission):
    message = _("Only the company's staff may read the training-use register.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_active and request.user.is_staff)


class JsonErrorsNegotiation(BaseContentNegotiation):
    """`format` here names the export's format, not a renderer: errors are always JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportQueryForm(forms.Form):
    format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], required=False,
                               error_messages=error_messages.FORM_CHOICE)
    updated_since = AwareDateTimeField(required=False)

    def clean_format(self):
        return self.cleaned_data["format"] or "jsonl"


class RegisterLineSerializer(serializers.Serializer):
    """One line of the JSON-lines export (CSV: the same columns; lists joined by " | ")."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RegisterEntry.Kind.choices,
                                   help_text="`reservation`: do not use; `permission`: the "
                                             "company may use.")
    status = serializers.ChoiceField(choices=RegisterEntry.Status.choices)
    scope = serializers.ChoiceField(choices=RegisterEntry.Scope.choices,
                                    help_text="`work`: one work; `catalogue`: everything of "
                                              "the rights holder.")
    rights_holder = serializers.CharField()
    title = serializers.CharField(help_text="The work's title (empty for a catalogue).")
    titles = serializers.ListField(child=serializers.CharField())
    urls = serializers.ListField(child=serializers.CharField())
    domains = serializers.ListField(child=serializers.CharField(),
                                    help_text="Lower case, without `www.`.")
    image_hashes = serializers.ListField(
        child=serializers.CharField(), help_text="pHash (imagehash.phash, 64 bits) of the "
                                                 "reference images, 16 hex digits each.")
    uses = serializers.ListField(child=serializers.ChoiceField(choices=TrainingUse.choices))
    snapshot = serializers.CharField(help_text="The dataset snapshot it is applied from.")
    reason = serializers.CharField(help_text="Why it is not possible.")
    case_reference = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    applied_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class RegisterExport(KotaeApiView):
    permission_classes = [IsAuthenticated, IsStaff]
    content_negotiation_class = JsonErrorsNegotiation

    @extend_schema(
        operation_id="register_export",
        summary="Export the training-use register (staff only)",
        description="Every entry, or those changed at or after `updated_since`, ordered by "
                    "`updated_at` then `id`: one JSON object a line (`format=jsonl`, the "
                    "default) or CSV with a header line (`format=csv`). Keep the largest "
                    "`updated_at` you read and pass it next time; rows at exactly that time "
                    "come again, so key them by `id`.",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(FORMATS),
                             description="`jsonl` (default) or `csv`."),
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME,
                             description="Only entries changed at or after this time (RFC "
                                         "3339, with its zone)."),
        ],
        responses={
            (200, "application/jsonl"): OpenApiResponse(
                RegisterLineSerializer, description="One entry a line."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR,
                                               description="A header line, then one entry "
                                                           "a line."),
            **ERRORS,
            403: OpenApiResponse(ErrorSerializer, description="Not a staff token."),
        },
    )
    def get(self, request):
        blank = {name: [_("Leave it out, or give a value.")]
                 for name in ("format", "updated_since") if request.query_params.get(name) == ""}
        if blank:
            raise ValidationError(blank)
        form = ExportQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({name: [error["message"] for error in errors]
                                   for name, errors in form.errors.get_json_data().items()})
        fmt = form.cleaned_data["format"]
        lines = register_export_lines(fmt=fmt,
                                      updated_since=form.cleaned_data["updated_since"])
        response = StreamingHttpResponse((line.encode() for line in lines),
                                         content_type=MEDIA_TYPES[fmt])
        if fmt == "csv":
            response["Content-Disposition"] = 'attachment; filename="register.csv"'
        return response
