"""/api/v1/cases/<reference>/locations/<id>/owner/: the AI product's account names the
owner of an output location as the product knows them (account id, handle, e-mail,
language). Only the product's account (Role.PRODUCT, with complaints.act_for_product)
may; anyone else is refused with 403 before any case is looked up."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.models import Language, Role
from complaints.api.errors import ErrorSerializer
from complaints.api.fields import Choice, Input, Text
from complaints.api.parsers import JSONParser
from complaints.api.views import ERRORS, KotaeApiView
from complaints.models import OutputLocation
from complaints.services.owners import owner_name

ERROR_NOT_PRODUCT = _("Only the AI product's account may name the owners of outputs.")
ERROR_EMAIL = _("Enter a valid e-mail address.")


class ActsForProduct(BasePermission):
    message = ERROR_NOT_PRODUCT

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role == Role.PRODUCT
                    and user.has_perm("complaints.act_for_product"))


class OwnerInSerializer(Input):
    account_id = Text(max_length=200, required=False, allow_blank=True, default="",
                      help_text="The owner's account id in the AI product.")
    handle = Text(max_length=200, required=False, allow_blank=True, default="",
                  help_text="The owner's public handle in the product.")
    email = Text(max_length=254, required=False, allow_blank=True, default="",
                 help_text="The owner's e-mail address, where the product knows it: the "
                           "statement of reasons goes there.")
    language = Choice(choices=Language.choices, required=False,
                      help_text="The owner's language in the product; the complaint's "
                                "language when left out.")
    ai_product = Text(max_length=200, required=False,
                      help_text="The product the account is in; the case's AI product when "
                                "left out.")

    def validate_email(self, value):
        if value:
            try:
                EmailValidator()(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(str(ERROR_EMAIL)) from exc
        return value


class OwnerOutSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    url = serializers.CharField()
    owner_id = serializers.IntegerField()
    ai_product = serializers.CharField()
    account_id = serializers.CharField()
    handle = serializers.CharField()
    email = serializers.CharField()
    language = serializers.CharField(help_text="Empty: the complaint's language.")


class LocationOwner(KotaeApiView):
    parser_classes = [JSONParser]
    permission_classes = [ActsForProduct]

    @extend_schema(
        summary="Name the owner of an output location (the AI product's account only)",
        description="Sent by the AI product when it looks the output up: the owner's "
                    "account id (an owner is one per product and account id), handle, "
                    "e-mail and language. Give at least one of account id, handle or "
                    "e-mail. If the case's decision already restricted the output, the "
                    "owner is sent their statement of reasons.",
        request=OwnerInSerializer,
        responses={200: OwnerOutSerializer, **ERRORS,
                   404: OpenApiResponse(ErrorSerializer,
                                        description="No such case or location.")})
    def put(self, request, reference, location_id):
        location = get_object_or_404(
            OutputLocation.objects.select_related("case", "case__decision"),
            pk=location_id, case__reference=reference)
        serializer = OwnerInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            owner = owner_name(location=location,
                               ai_product=data.get("ai_product") or location.case.ai_product,
                               account_id=data["account_id"], handle=data["handle"],
                               email=data["email"], language=data.get("language", ""),
                               actor=request.user)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response({"location": location.pk, "url": location.url, "owner_id": owner.pk,
                         "ai_product": owner.ai_product, "account_id": owner.account_id,
                         "handle": owner.handle, "email": owner.email,
                         "language": owner.language})
