from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.forms import PreferencesForm, SignupForm
from accounts.services import user_preferences_update, user_signup, user_verify_email


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
                        time_zone=data["time_zone"])
            return render(request, "accounts/signup_done.html", {"email": data["email"]})
    else:
        form = SignupForm(initial={"language": request.LANGUAGE_CODE[:2]})
    return render(request, "accounts/signup.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def verify(request, uidb64, token):
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is not None and user_verify_email(user=user, token=token):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail address is confirmed. Welcome to Kotae."))
        return redirect("complaints:case_list")
    return render(request, "accounts/verify_failed.html", status=400)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=request.user)
        if form.is_valid():
            user_preferences_update(user=request.user, **form.cleaned_data)
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
