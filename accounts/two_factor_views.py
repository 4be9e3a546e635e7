"""The staff second step, after e-mail and password: enrol an authenticator app, type its
code (or a recovery code), see new recovery codes once. The admin opens only after it
(config/admin.py); creators never meet it."""
from functools import wraps

import django_otp
import segno
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import SecondFactorForm, TotpCodeForm
from accounts.two_factor import (
    CodeCheck,
    recovery_codes_left,
    recovery_codes_make,
    second_factor_verify,
    totp_device_confirmed,
    totp_device_pending,
    totp_enrol_confirm,
    totp_secret_grouped,
)
from accounts.views import _safe_next

RECOVERY_CODES_ONCE = "kotae_recovery_codes_once"  # the session holds them until shown


def second_step_needed(request) -> bool:
    """A signed-in staff member who has not passed the second factor in this session."""
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_staff
                and not user.is_verified())


def _with_next(url_name: str, next_url: str):
    return redirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")


def second_step_redirect(next_url: str):
    """To the second step, which leads on to next_url (checked there)."""
    return _with_next("accounts:two_factor_verify", next_url)


class PasswordLoginView(auth_views.LoginView):
    """The first step, e-mail and password. A staff member goes on to the second."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().is_staff:
            return second_step_redirect(self.get_success_url())
        return response


def _onward(request) -> str:
    return _safe_next(request) or reverse("admin:index")


def staff_only(view):
    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)
    return wrapper


def staff_verified(view):
    @staff_only
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_verified():
            return second_step_redirect(request.get_full_path() if request.method == "GET"
                                        else reverse("accounts:two_factor"))
        return view(request, *args, **kwargs)
    return wrapper


def _refusal(check: CodeCheck, wrong: str) -> str:
    if check.wait_seconds:
        return ngettext("Too many wrong codes. Wait %(seconds)d second, then try again.",
                        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
                        check.wait_seconds) % {"seconds": check.wait_seconds}
    return wrong


def _passed(request, device) -> None:
    request.session.cycle_key()  # a new session id for the raised privilege
    django_otp.login(request, device)


@staff_only
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    user = request.user
    if totp_device_confirmed(user) is not None:
        return _with_next("accounts:two_factor_verify", _onward(request))
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = totp_enrol_confirm(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _passed(request, check.device)
            request.session[RECOVERY_CODES_ONCE] = recovery_codes_make(user=user)
            return _with_next("accounts:recovery_codes", _onward(request))
        form.add_error("code", _refusal(check, _(
            "That code did not match. Check that the time on your phone is right, and type "
            "the code your app shows now.")))
    device = totp_device_pending(user)
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", svgclass="qr-code")
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form, "next": _onward(request), "secret": totp_secret_grouped(device),
        "qr_svg": mark_safe(qr),  # noqa: S308 (segno's own markup: paths, no script, no text)
    }, status=400 if request.method == "POST" else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_onward(request))
    if totp_device_confirmed(user) is None:
        return _with_next("accounts:two_factor_enrol", _onward(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_verify(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _passed(request, check.device)
            return redirect(_onward(request))
        form.add_error("code", _refusal(check, _(
            "That code is not right, or it was used already. Type the code your app shows "
            "now, or a recovery code you have not used.")))
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": _onward(request)},
                  status=400 if request.method == "POST" else 200)


@staff_verified
@require_GET
def recovery_codes(request):
    """New recovery codes, shown this once (the session forgets them as it shows them)."""
    codes = request.session.pop(RECOVERY_CODES_ONCE, None)
    shown = [f"{code[:4]}-{code[4:]}" for code in codes or ()]
    return render(request, "accounts/two_factor_recovery_codes.html",
                  {"codes": shown, "next": _safe_next(request) or reverse("admin:index")})


@staff_verified
@require_GET
def two_factor_manage(request):
    return render(request, "accounts/two_factor_manage.html", {
        "device": totp_device_confirmed(request.user),
        "codes_left": recovery_codes_left(request.user)})


@staff_verified
@require_POST
def recovery_codes_new(request):
    request.session[RECOVERY_CODES_ONCE] = recovery_codes_make(user=request.user)
    return _with_next("accounts:recovery_codes", reverse("accounts:two_factor"))
