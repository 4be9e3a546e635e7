"""/api/v1/webhooks/: a filer's URLs that hear of status changes on their cases, and
what was sent to each. Only the caller's own webhooks exist here (anything else is a 404).
How deliveries are signed and how to check them: complaints/services/outbox/webhooks.py."""
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from complaints.api.errors import ErrorSerializer
from complaints.api.fields import Input, Text
from complaints.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from complaints.api.views import (
    CONFLICT,
    ERRORS,
    KotaeApiView,
    KotaeCursorPagination,
    service_errors,
)
from complaints.domain.webhook_urls import WEBHOOK_URL_RULE
from complaints.models import WebhookDelivery, WebhookEndpoint
from complaints.services.webhooks import (
    MAX_ENDPOINTS,
    URL_MAX_LENGTH,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_url_check,
    webhook_url_pattern,
)

ERROR_NO_WEBHOOK = _("There is no such webhook, or it is not yours.")
WEBHOOK_NOT_FOUND = {404: OpenApiResponse(ErrorSerializer,
                                          description="No such webhook of yours.")}
MAX_ID = 2 ** 63 - 1
ID_PARAMETER = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH,
    description="The webhook's id.")
SIGNING = (
    "Each delivery is a POST of JSON with the headers `Kotae-Event`, `Kotae-Delivery` (the "
    "event's id, the same on every retry) and `Kotae-Signature: t=<unix time>,v1=<hex>`, "
    "where `v1` is the HMAC-SHA256, keyed with the webhook's secret, of `<t>.` followed by "
    "the raw body. Check it on the raw bytes, refuse old `t`, and answer 2xx within 10 "
    "seconds; anything else (a redirect too) is retried: 8 attempts, 1, 2, 4 … 64 minutes "
    "apart."
)


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "active", "created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Signs every delivery. Shown this once: keep it.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class _WebhookUrlValidator(RegexValidator):
    """Checks a URL with the service (and its messages); the schema shows its pattern."""

    def __init__(self):
        pass

    @property
    def regex(self):
        return re.compile(webhook_url_pattern())

    def __call__(self, value):
        try:
            webhook_url_check(value)
        except DjangoValidationError as exc:
            raise DjangoValidationError(exc.message_dict["url"]) from exc


class WebhookCreateSerializer(Input):
    url = Text(
        max_length=URL_MAX_LENGTH, validators=[_WebhookUrlValidator()],
        help_text=f"Where to POST the events. {WEBHOOK_URL_RULE}")
    description = Text(max_length=200, required=False, allow_blank=True, default="",
                       help_text="A note for you, e.g. what receives it.")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["event_type", "event_id", "status", "attempts", "response_status",
                  "last_error", "created_at", "delivered_at"]


def _endpoint_for(request, pk: str) -> WebhookEndpoint:
    """The caller's webhook; any other id (not a number, too large, someone else's) is
    a 404 in the API's JSON shape. (The route takes any text, so that no id falls
    through to the site's HTML 404.)"""
    try:
        if not (pk.isascii() and pk.isdigit() and 0 < int(pk) <= MAX_ID):
            raise Http404
        return get_object_or_404(WebhookEndpoint.objects.filter(owner=request.user),
                                 pk=int(pk))
    except Http404:
        raise exceptions.NotFound(ERROR_NO_WEBHOOK)


class WebhookListCreate(KotaeApiView, generics.ListAPIView):
    serializer_class = WebhookSerializer
    pagination_class = None  # at most MAX_ENDPOINTS
    queryset = WebhookEndpoint.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(owner=self.request.user)

    @extend_schema(summary="List your webhooks (without their secrets)",
                   responses={200: WebhookSerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Register a webhook for status changes on your cases",
                   description=f"Events: `case.status_changed`, for your cases and your "
                               f"organisations'. At most {MAX_ENDPOINTS} webhooks. The "
                               f"answer shows the signing secret, once. {SIGNING}",
                   request=WebhookCreateSerializer, parameters=[IDEMPOTENCY_PARAMETER],
                   responses={201: WebhookCreatedSerializer, **ERRORS, **CONFLICT})
    def post(self, request, *args, **kwargs):
        def create():
            serializer = WebhookCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():  # too many webhooks: 409
                endpoint = webhook_endpoint_create(owner=request.user,
                                                   **serializer.validated_data)
            return Response(WebhookCreatedSerializer(endpoint).data,
                            status=status.HTTP_201_CREATED)
        return idempotent(request, create)


class WebhookDetail(KotaeApiView):
    @extend_schema(summary="Delete a webhook (and its delivery log)", parameters=[ID_PARAMETER],
                   responses={204: None, **ERRORS, **WEBHOOK_NOT_FOUND})
    def delete(self, request, pk):
        webhook_endpoint_delete(endpoint=_endpoint_for(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveries(KotaeApiView, generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer
    pagination_class = KotaeCursorPagination
    queryset = WebhookDelivery.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        endpoint = _endpoint_for(self.request, self.kwargs["pk"])
        return WebhookDelivery.objects.filter(endpoint=endpoint).defer("payload")

    @extend_schema(summary="A webhook's delivery log, newest first",
                   parameters=[ID_PARAMETER],
                   responses={200: WebhookDeliverySerializer(many=True), **ERRORS,
                              **WEBHOOK_NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
