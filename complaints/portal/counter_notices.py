"""The owner's counter-notice page (reached through their signed link, no password) and the
complainant's report of a court action on their case page: parse, call the service, show."""
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_http_methods

from complaints.domain.counter_notices import (
    JURISDICTION_IN_US,
    JURISDICTION_OUTSIDE_US,
    MISTAKE_STATEMENT,
)
from complaints.domain.kinds import MISSING
from complaints.portal.owners import owner_link_expired_page, owner_page_private
from complaints.services.counter_notices import (
    CounterNoticeData,
    counter_notice_awaiting,
    counter_notice_locations,
    counter_notice_submit,
)
from complaints.services.owners import (
    OwnerLinkExpired,
    OwnerLinkInvalid,
    owner_language,
    owner_link_resolve,
)

_MESSAGES = {name: {"required": MISSING[name]} for name in MISSING}
_BOTH_JURISDICTIONS = gettext_lazy("With an address in the United States: “%(in_us)s” "
                                   "Outside it: “%(outside)s”")


class CounterNoticeForm(forms.Form):
    locations = forms.TypedMultipleChoiceField(
        label=gettext_lazy("The removed outputs you answer for"), coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one removed output.")})
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200,
                                error_messages=_MESSAGES["full_name"])
    postal_address = forms.CharField(
        label=gettext_lazy("Postal address"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000, error_messages=_MESSAGES["postal_address"],
        help_text=gettext_lazy("Where the complainant can serve court papers on you."))
    outside_us = forms.BooleanField(
        label=gettext_lazy("My address is outside the United States"), required=False)
    phone = forms.CharField(label=gettext_lazy("Telephone number"), max_length=50,
                            error_messages=_MESSAGES["phone"])
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254,
                             error_messages=_MESSAGES["email"])
    mistake_statement = forms.BooleanField(label=MISTAKE_STATEMENT,
                                           error_messages=_MESSAGES["mistake_statement"])
    jurisdiction_consent = forms.BooleanField(
        label=gettext_lazy("I consent to the jurisdiction of a United States federal court "
                           "and will accept service of process, as follows:"),
        error_messages=_MESSAGES["jurisdiction_consent"],
        help_text=lazy(lambda: str(_BOTH_JURISDICTIONS) % {
            "in_us": JURISDICTION_IN_US, "outside": JURISDICTION_OUTSIDE_US}, str)())
    signature = forms.CharField(
        label=gettext_lazy("Signature (type your full name)"), max_length=200,
        error_messages=_MESSAGES["signature"])

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].choices = [(loc.pk, loc.url) for loc in locations]

    def data_for_service(self) -> CounterNoticeData:
        return CounterNoticeData(language=get_language()[:2], **self.cleaned_data)


def _access(token: str):
    """The owner and complaint the link names: 404 for an altered link; None for one that
    has expired (the page then says so)."""
    try:
        return owner_link_resolve(token)
    except OwnerLinkExpired:
        return None
    except OwnerLinkInvalid as exc:
        raise Http404 from exc


def _initial(owner, locations) -> dict:
    return {"email": owner.email, "full_name": "",
            "locations": [loc.pk for loc in locations]}


@require_http_methods(["GET", "POST"])
def owner_counter_notice(request, token):
    access = _access(token)
    if access is None:
        return owner_link_expired_page(request, token)
    # In the owner's language, as their page is (they switch it there and here).
    with translation.override(owner_language(owner=access.owner, case=access.case)):
        return owner_page_private(_counter_notice_page(request, token, access))


def _counter_notice_page(request, token, access):
    owner, complaint = access.owner, access.case
    try:
        locations = counter_notice_locations(owner=owner, complaint=complaint)
    except ValidationError as exc:
        sent = getattr(exc, "code", "") == "already_sent"
        return render(request, "complaints/counter_notice_refused.html",
                      {"complaint": complaint, "reasons": exc.messages, "sent": sent},
                      status=200 if sent else 403)
    if request.method == "POST":
        form = CounterNoticeForm(request.POST, locations=locations)
        if form.is_valid():
            try:
                case = counter_notice_submit(owner=owner, complaint=complaint,
                                             data=form.data_for_service())
            except ValidationError as exc:
                for name, errors in getattr(exc, "error_dict", {None: exc}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return render(request, "complaints/counter_notice_sent.html",
                              {"case": case, "notice": case.counter_notice,
                               "complaint": complaint})
    else:
        form = CounterNoticeForm(initial=_initial(owner, locations), locations=locations)
    return render(request, "complaints/counter_notice_form.html",
                  {"form": form, "complaint": complaint, "owner": owner, "token": token,
                   "language_now": get_language()},
                  status=400 if form.errors else 200)


class CourtActionForm(forms.Form):
    court = forms.CharField(label=gettext_lazy("Court"), max_length=200,
                            error_messages={"required": gettext_lazy("Name the court.")})
    case_number = forms.CharField(label=gettext_lazy("Court case number"), max_length=100,
                                  required=False)
    filed_on = forms.DateField(
        label=gettext_lazy("Filed on"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Give the date the action was filed."),
                        "invalid": gettext_lazy("Give the date as YYYY-MM-DD.")})


def court_action_context(case, form=None) -> dict:
    """What the case page shows of a counter-notice waiting on the complainant's case (and
    a refused report's form, with its reason, when none waits any more)."""
    notice = counter_notice_awaiting(case) if case.kind == "output_complaint" else None
    if notice is None:
        return {"court_action_form": form} if form is not None else {}
    return {"awaiting_counter_notice": notice,
            "court_action_form": form or CourtActionForm(
                initial={"filed_on": timezone.localdate()})}
