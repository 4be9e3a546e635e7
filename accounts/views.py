import copy
from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.backends import USER_BACKEND
from accounts.forms import (
    ApiTokenForm,
    InvitationForm,
    MemberForm,
    OrganisationForm,
    PreferencesForm,
    SignupForm,
)
from accounts.models import Membership
from accounts.selectors import (
    invitation_get_pending,
    membership_get_for_portal,
    memberships_for_portal,
    organisation_invitations_pending,
    organisation_members,
)
from accounts.services import (
    api_token_create,
    api_token_revoke,
    membership_promote,
    organisation_create,
    organisation_invitation_accept,
    organisation_invite,
    organisation_leave,
    user_preferences_update,
    user_signup,
    user_verify_email,
)
from accounts.throttling import login_pause_ends_at, login_username


def login_paused(request, original_response=None, credentials=None):
    """The answer to a login that django-axes holds (AXES_LOCKOUT_CALLABLE): 429, saying
    for which account and until when, with the way to a new password; in the admin's look
    on the admin's login."""
    ends_at = login_pause_ends_at(request, credentials)
    context = {
        "email": login_username(request, credentials) or "",
        "ends_at": formats.date_format(timezone.localtime(ends_at), "DATETIME_FORMAT")
        if ends_at else "",
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "title": _("Logging in is paused"),
    }
    template = "accounts/login_paused.html"
    if request.path.startswith(reverse("admin:index")):
        context.update(admin.site.each_context(request))
        template = "admin/login_paused.html"
    response = render(request, template, context, status=429)
    if ends_at:
        response["Retry-After"] = str(max(1, int((ends_at - timezone.now()).total_seconds())))
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with the request given to the form (its limits are per client)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def _safe_next(request) -> str:
    """The `next` path of the request, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return ""


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("complaints:case_list")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            user_signup(email=data["email"], password=data["password"],
                        display_name=data["display_name"], language=data["language"],
                        time_zone=data["time_zone"], next_path=_safe_next(request))
            return render(request, "accounts/signup_done.html", {"email": data["email"]})
    else:
        form = SignupForm(initial={"language": request.LANGUAGE_CODE[:2]})
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)},
                  status=400 if request.method == "POST" else 200)


def verify(request, uidb64, token):
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is not None and user_verify_email(user=user, token=token):
        login(request, user, backend=USER_BACKEND)
        messages.success(request, _("Your e-mail address is confirmed. Welcome to Kotae."))
        return redirect(_safe_next(request) or "complaints:case_list")
    return render(request, "accounts/verify_failed.html", status=400)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        # A copy: validating a ModelForm writes its values onto the instance, and the
        # service then saw nothing to change (and saved nothing).
        form = PreferencesForm(request.POST, instance=copy.copy(request.user))
        if form.is_valid():
            user_preferences_update(user=request.user, **form.cleaned_data)
            with translation.override(request.user.language):  # the page after is in it
                messages.success(request, _("Your preferences were saved."))
            return redirect("accounts:preferences")
        request.user.refresh_from_db()
    else:
        form = PreferencesForm(instance=request.user)
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def language_set(request):
    """Switch the page language; a signed-in user's preference follows the switch."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_preferences_update(user=request.user, language=language)
    return set_language(request)  # checks that "next" stays on this site


# --- Organisations -----------------------------------------------------------------

def organisation_member_view(view):
    """Resolve <pk> to the signed-in user's membership before anything else, so that a
    non-member gets the same 404 from every organisation URL, whatever the method."""

    @login_required
    @wraps(view)
    def wrapper(request, pk):
        membership = membership_get_for_portal(user=request.user, organisation_id=pk)
        return view(request, membership)

    return wrapper


@login_required
@require_http_methods(["GET"])
def organisation_list(request):
    memberships = memberships_for_portal(user=request.user)
    return render(request, "accounts/organisation_list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        organisation = organisation_create(name=form.cleaned_data["name"],
                                           name_ja=form.cleaned_data["name_ja"],
                                           admin=request.user)
        messages.success(request, _("The organisation is created. You are its administrator."))
        return redirect("accounts:organisation_detail", organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _organisation_page(request, membership: Membership, *, invite_form=None, status=200):
    organisation = membership.organisation
    context = {
        "organisation": organisation,
        "membership": membership,
        "members": organisation_members(organisation=organisation),
    }
    if membership.is_admin:
        context["invitations"] = organisation_invitations_pending(organisation=organisation)
        context["invite_form"] = invite_form or InvitationForm()
    return render(request, "accounts/organisation_detail.html", context, status=status)


@organisation_member_view
@require_http_methods(["GET"])
def organisation_detail(request, membership):
    return _organisation_page(request, membership)


@organisation_member_view
@require_http_methods(["GET", "POST"])
def organisation_invite_send(request, membership):
    if request.method == "GET":  # e.g. after logging in again: the form is on the page
        return redirect("accounts:organisation_detail", membership.organisation_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            organisation_invite(organisation=membership.organisation, invited_by=request.user,
                                email=form.cleaned_data["email"])
        except ValidationError as exc:
            if exc.code == "not_admin":
                messages.error(request, exc.messages[0])
                return redirect("accounts:organisation_detail", membership.organisation_id)
            form.add_error("email", exc)
        else:
            messages.success(request, _("An invitation is on its way to %(email)s.")
                             % {"email": form.cleaned_data["email"]})
            return redirect("accounts:organisation_detail", membership.organisation_id)
    return _organisation_page(request, membership, invite_form=form, status=400)


@organisation_member_view
@require_http_methods(["GET", "POST"])
def organisation_member_promote(request, membership):
    if request.method == "GET":
        return redirect("accounts:organisation_detail", membership.organisation_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            promoted = membership_promote(organisation=membership.organisation,
                                          promoted_by=request.user,
                                          user_id=form.cleaned_data["user"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("%(name)s is now an administrator.")
                             % {"name": promoted.user.get_full_name()})
    return redirect("accounts:organisation_detail", membership.organisation_id)


@organisation_member_view
@require_http_methods(["GET", "POST"])
def organisation_leave_confirm(request, membership):
    organisation = membership.organisation
    if request.method == "POST":
        try:
            organisation_leave(organisation=organisation, user=request.user)
        except ValidationError as exc:
            return render(request, "accounts/organisation_leave.html",
                          {"organisation": organisation, "errors": exc.messages}, status=400)
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
        return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_leave.html", {"organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = invitation_get_pending(token=token)
    if not invitation.is_for(request.user):
        # The token holder may see whom it was sent to: they are told which account to use.
        return render(request, "accounts/invitation_wrong_account.html",
                      {"invitation": invitation}, status=403)
    if request.method == "POST":
        try:
            organisation_invitation_accept(invitation=invitation, user=request.user)
        except ValidationError:
            raise Http404  # accepted meanwhile, in another tab
        messages.success(request, _("Welcome to %(name)s.")
                         % {"name": invitation.organisation.name})
        return redirect("accounts:organisation_detail", invitation.organisation_id)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


# --- API tokens ---------------------------------------------------------------------

NEW_TOKEN_KEY = "new_api_token"  # noqa: S105 (a session key, not a secret)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: make one (shown once), see when each was last used."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _row, token = api_token_create(user=request.user, name=form.cleaned_data["name"])
        # Shown once, on the page after the redirect (a reload must not make another).
        request.session[NEW_TOKEN_KEY] = token
        return redirect("accounts:api_tokens")
    new_token = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/api_tokens.html",
                  {"form": form, "tokens": tokens, "new_token": new_token},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke_view(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked. Programs using it can no "
                                "longer reach your cases.") % {"name": token.name})
    return redirect("accounts:api_tokens")
