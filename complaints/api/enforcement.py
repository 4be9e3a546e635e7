"""/api/v1/enforcement-orders/: what the AI product must do to act on the desk's decisions
(remove an output, block a prompt or character, exclude works from training, restore an
output), for the product's own account only; and its acknowledgement of each, with when
it was done. The same orders reach the product's webhook as `enforcement.ordered`
(complaints/services/enforcement.py)."""
import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from complaints.api import error_messages
from complaints.api.errors import ErrorSerializer
from complaints.api.fields import Input, Moment, Text
from complaints.api.parsers import FormParser, JSONParser
from complaints.api.views import ERRORS, KotaeApiView, KotaeCursorPagination
from complaints.domain.enforcement import NOTE_MAX, EnforcementAction, EnforcementState
from complaints.models import EnforcementOrder
from complaints.selectors.enforcement import enforcement_orders, enforcement_orders_in_state
from complaints.services.enforcement import (
    EVENT_ENFORCEMENT_ORDERED,
    enforcement_acknowledge,
    enforcement_payload,
    may_act_for_product,
)

ERROR_NO_ORDER = _("There is no such enforcement order.")
MAX_ID = 2 ** 63 - 1
ORDER_NOT_FOUND = {404: OpenApiResponse(ErrorSerializer,
                                        description="No such enforcement order.")}
ID_PARAMETER = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH,
    description="The order's id (`order_id` in the webhook).")


class IsProduct(BasePermission):
    message = _("Only the AI product's account may read and acknowledge enforcement orders.")

    def has_permission(self, request, view):
        return may_act_for_product(request.user)


class OrderLocationSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The exact output location (URL, share link or "
                                          "generation id).")
    prompt = serializers.CharField(help_text="The prompt, if the filer knew it.")


class OrderWorkSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField(help_text="anime, manga, game, film, illustration, "
                                           "character, music or other.")
    rights_holder = serializers.CharField()
    identifier = serializers.CharField(help_text="Official URL or identifier.")


class EnforcementOrderSerializer(serializers.Serializer):
    """One order, as the API lists it; the webhook's `data` carries the same fields."""

    order_id = serializers.IntegerField()
    action = serializers.ChoiceField(
        choices=EnforcementAction.choices,
        help_text="`remove`: take the outputs at `locations` down; `block_prompt`: block "
                  "the prompts at `locations` and the characters of `works`; "
                  "`exclude_training`: keep `works` out of training; `restore`: put the "
                  "outputs at `locations` back.")
    case_reference = serializers.CharField()
    decision_id = serializers.IntegerField(allow_null=True, help_text="Empty for a restore "
                                           "after a counter-notice.")
    locations = OrderLocationSerializer(many=True)
    works = OrderWorkSerializer(many=True)
    ordered_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="Acknowledge by then, or the desk sees "
                                                 "the order as overdue.")
    acknowledge_url = serializers.URLField()
    state = serializers.ChoiceField(choices=EnforcementState.choices)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


def present(order: EnforcementOrder) -> dict:
    data = enforcement_payload(order)["data"]
    return {**data, "state": str(order.state), "note": order.note,
            "acknowledged_at": _moment(order.acknowledged_at),
            "done_at": _moment(order.done_at)}


def _moment(value):
    return serializers.DateTimeField().to_representation(value) if value else None


class AcknowledgeSerializer(Input):
    done_at = Moment(help_text="When the action was done (RFC 3339, with its zone): not in "
                               "the future, not before the order was made.")
    note = Text(max_length=NOTE_MAX, required=False, allow_blank=True, default="",
                help_text="Anything the desk should know, e.g. what was done.")


class OrderFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=EnforcementState.choices, method="in_state",
                                        error_messages=error_messages.FORM_CHOICE,
                                        help_text="pending: not yet acknowledged and not "
                                                  "yet due; overdue: not acknowledged "
                                                  "by its due time; done: acknowledged.")

    def in_state(self, queryset, name, value):
        return enforcement_orders_in_state(queryset, state=value, now=timezone.now())

    class Meta:
        model = EnforcementOrder
        fields = ["state"]


class OrderPagination(KotaeCursorPagination):
    ordering = "pk"  # oldest first: the order to work through them


def _order_for(pk: str) -> EnforcementOrder:
    """Any id that is not an order's (not a number, too large, unknown) is a 404."""
    try:
        if not (pk.isascii() and pk.isdigit() and 0 < int(pk) <= MAX_ID):
            raise Http404
        return get_object_or_404(enforcement_orders(), pk=int(pk))
    except Http404:
        raise exceptions.NotFound(ERROR_NO_ORDER)


class EnforcementOrderList(KotaeApiView, generics.ListAPIView):
    permission_classes = [IsAuthenticated, IsProduct]
    serializer_class = EnforcementOrderSerializer
    pagination_class = OrderPagination
    filterset_class = OrderFilter
    queryset = EnforcementOrder.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return enforcement_orders()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([present(order) for order in page])

    @extend_schema(
        summary="Enforcement orders for the AI product, oldest first",
        description=f"The AI product's account only. Each order is also POSTed, signed, to "
                    f"the product account's webhooks as `{EVENT_ENFORCEMENT_ORDERED}` "
                    f"(its `data` holds the same fields). Poll `?state=pending` and "
                    f"`?state=overdue` for work to do.",
        responses={200: EnforcementOrderSerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        if request.query_params.get("state") == "":
            raise exceptions.ValidationError({"state": [_("Leave it out, or give a value.")]})
        return super().get(request, *args, **kwargs)


class EnforcementAcknowledge(KotaeApiView):
    permission_classes = [IsAuthenticated, IsProduct]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="Acknowledge an enforcement order: say when it was done",
        description="Once: acknowledging an order again changes nothing and answers with "
                    "the order as first acknowledged. A `done_at` in the future or before "
                    "the order was made is refused (400, `fields.done_at`).",
        parameters=[ID_PARAMETER], request=AcknowledgeSerializer,
        responses={200: EnforcementOrderSerializer, **ERRORS, **ORDER_NOT_FOUND})
    def post(self, request, pk):
        order = _order_for(pk)
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            order = enforcement_acknowledge(order=order, actor=request.user,
                                            **serializer.validated_data)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(present(order))
