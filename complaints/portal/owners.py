"""The output owner's page: what concerns their output in a notice, the decision on it,
their redress, and their appeal, reached through the signed link in their e-mail (no
login). The token is the only key: the page is never indexed, never cached, and never
sends it onwards in a Referer."""
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from complaints.portal.owner_forms import OwnerAppealForm, OwnerLanguageForm, OwnerLinkRenewForm
from complaints.selectors.owners import owner_page
from complaints.services.cases import appeal_check
from complaints.services.owners import (
    OwnerAccess,
    OwnerAppeal,
    OwnerLinkExpired,
    OwnerLinkInvalid,
    owner_appeal_submit,
    owner_language,
    owner_language_set,
    owner_link_renew,
    owner_link_resolve,
)
from config.client_ip import client_network
from config.rate_limits import window_hit

RENEW_WINDOW = 3600


def owner_page_private(response):
    """The token in the address is the key to the page: no Referer carries it to another
    site, no search engine or shared cache keeps it. Same-origin, not no-referrer: under
    no-referrer a browser sends `Origin: null` with the page's own forms, and Django's
    CSRF check refuses them."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _resolve(token: str) -> OwnerAccess | None:
    """The owner and case, or None for an expired link; 404 for an altered one."""
    try:
        return owner_link_resolve(token)
    except OwnerLinkExpired:
        return None
    except OwnerLinkInvalid:
        raise Http404 from None


def owner_link_expired_page(request, token: str, form=None, *, status=410):
    """A genuine but expired link: the form that sends a fresh one (every owner page)."""
    return owner_page_private(render(request, "complaints/owner/expired.html", {
        "token": token, "form": form or OwnerLinkRenewForm()}, status=status))


def _page(request, token: str, access: OwnerAccess, *, appeal_form=None, status=200):
    with translation.override(owner_language(owner=access.owner, case=access.case)):
        page = owner_page(owner=access.owner, case=access.case, query=request.GET)
        try:
            appeal_check(case=access.case, output_owner_id=access.owner.pk)
            appeal_refusal = ""
        except ValidationError as exc:
            appeal_refusal = " ".join(exc.messages)
        response = render(request, "complaints/owner/case.html", {
            "token": token, "page": page, "owner": access.owner, "case": access.case,
            "appeal_form": appeal_form or OwnerAppealForm(),
            "appeal_refusal": appeal_refusal,
            "language_now": translation.get_language(),
        }, status=status)
    return owner_page_private(response)


@require_http_methods(["GET"])
def owner_case(request, token):
    access = _resolve(token)
    if access is None:
        return owner_link_expired_page(request, token)
    return _page(request, token, access)


@require_POST
def owner_language_switch(request, token):
    access = _resolve(token)
    if access is None:
        return owner_link_expired_page(request, token)
    form = OwnerLanguageForm(request.POST)
    if form.is_valid():
        owner_language_set(owner=access.owner, language=form.cleaned_data["language"])
    back = ("portal:owner_counter_notice" if request.POST.get("back") == "counter_notice"
            else "portal:owner_case")
    return owner_page_private(redirect(back, token=token))


@require_POST
def owner_appeal(request, token):
    access = _resolve(token)
    if access is None:
        return owner_link_expired_page(request, token)
    form = OwnerAppealForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeal = owner_appeal_submit(access=access, appeal=OwnerAppeal(
                grounds=data["appeal_grounds"],
                good_faith_statement=data["good_faith_statement"],
                accuracy_statement=data["accuracy_statement"], signature=data["signature"]))
        except ValidationError as exc:
            for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict")
                                 else [(None, exc.messages)]):
                form.add_error(name if name in form.fields else None, errors)
        else:
            with translation.override(owner_language(owner=access.owner, case=access.case)):
                messages.success(request, _(
                    "Your appeal was received (%(reference)s). We have sent you a receipt "
                    "by e-mail.") % {"reference": appeal.reference})
            return owner_page_private(redirect("portal:owner_case", token=token))
    return _page(request, token, access, appeal_form=form, status=400)


def _renew_wait(request, email: str) -> int | None:
    """Counted as password-reset requests are: per client, and per address per client."""
    client = client_network(request) or "unknown"
    waited = window_hit(key=f"owner-link:ip:{client}",
                        limit=settings.KOTAE_PASSWORD_RESET_PER_IP, seconds=RENEW_WINDOW)
    if waited is not None:
        return waited
    digest = hashlib.sha256(f"{email.strip().lower()}|{client}".encode()).hexdigest()
    return window_hit(key=f"owner-link:email:{digest}",
                      limit=settings.KOTAE_PASSWORD_RESET_PER_EMAIL, seconds=RENEW_WINDOW)


@require_POST
def owner_link_renew_view(request, token):
    """Whatever is typed, the same answer: a fresh link goes to the owner's address on
    file only when the typed address is that one."""
    form = OwnerLinkRenewForm(request.POST)
    if not form.is_valid():
        return owner_link_expired_page(request, token, form, status=400)
    email = form.cleaned_data["email"]
    wait = _renew_wait(request, email)
    if wait is not None:
        minutes = max(1, -(-wait // 60))
        form.add_error("email", ngettext(
            "We have had too many requests for a fresh link from your network or for this "
            "address. Please try again in %(minutes)d minute.",
            "We have had too many requests for a fresh link from your network or for this "
            "address. Please try again in %(minutes)d minutes.", minutes)
            % {"minutes": minutes})
        return owner_link_expired_page(request, token, form, status=429)
    owner_link_renew(token=token, email=email)
    return owner_page_private(render(request, "complaints/owner/renew_sent.html", {}))
