"""Naming an output location's owner on the desk's case page: a small form under each
location, saved by complaints.services.owners.owner_name."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Language
from complaints.domain.text import labelled
from complaints.services.owners import owner_name


class OwnerNameForm(forms.Form):
    location = forms.IntegerField(widget=forms.HiddenInput)
    account_id = forms.CharField(label=gettext_lazy("account id in the product"),
                                 max_length=200, required=False)
    handle = forms.CharField(label=gettext_lazy("handle"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("e-mail address"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("language"), required=False,
                                 choices=[("", gettext_lazy("The complaint's"))]
                                 + Language.choices)


class OwnerNamingMixin:
    """For CaseAdmin: `owner_urls()` and the view behind the owner forms."""

    def owner_urls(self):
        return [path("<int:object_id>/owner/", self.admin_site.admin_view(self.owner_view),
                     name="complaints_case_owner")]

    def owner_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST":
            return redirect("admin:complaints_case_change", case.pk)
        form = OwnerNameForm(request.POST)
        location = None
        if form.is_valid():
            location = case.locations.filter(pk=form.cleaned_data["location"]).first()
            if location is None:
                form.add_error(None, _("That output location is not on this case."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                owner_name(location=location, ai_product=case.ai_product,
                           account_id=data["account_id"], handle=data["handle"],
                           email=data["email"], language=data["language"],
                           actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The output's owner was named."))
            return redirect("admin:complaints_case_change", case.pk)
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, labelled(label, error) if label else error)
        return redirect("admin:complaints_case_change", case.pk)
