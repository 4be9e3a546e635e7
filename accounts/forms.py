from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Language, User
from accounts.services import user_password_reset_send, user_verification_send
from accounts.throttling import (
    login_failure_record,
    login_is_paused,
    password_reset_wait,
)
from accounts.time_zones import time_zone_choices


class SignupForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    language = forms.ChoiceField(label=_("Language for e-mails and pages"),
                                 choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices,
                                  initial="Asia/Tokyo")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this e-mail address exists already. Log in, or reset "
                  "the password if you forgot it.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""),
                             display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    """Login by e-mail; an unverified account is told so, not called a wrong password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "unverified": _(
            "Please confirm your e-mail address first: open the link we sent you. If it "
            "has not arrived, check your spam folder; we send a new link once an hour."
        ),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        self.cleaned_data["username"] = email
        password = self.cleaned_data.get("password")
        # authenticate() would check the password of an unverified (inactive) account and
        # then refuse it; checking it here instead keeps every attempt at one Argon2 hash.
        unverified = User.objects.filter(email=email, is_active=False,
                                         email_verified=False).first() if password else None
        if unverified is None:
            return super().clean()  # authenticate(): django-axes counts and pauses
        # Counted and paused as authenticate() would be (accounts/throttling.py).
        if login_is_paused(self.request, email=email):
            raise self.get_invalid_login_error()
        if unverified.check_password(password):
            user_verification_send(user=unverified)
            raise ValidationError(self.error_messages["unverified"], code="unverified")
        login_failure_record(self.request, email=email)
        raise self.get_invalid_login_error()


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset e-mails go through the outbox like every other e-mail. Requests are
    limited per address asked for and per client (accounts/throttling.py); over the limit
    the form says so, the same whether or not the address has an account."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"]
        wait = password_reset_wait(self.request, email=email) if self.request else None
        if wait is not None:
            minutes = max(1, -(-wait // 60))
            raise ValidationError(ngettext(
                "We have had too many requests to reset a password for this address or "
                "from your network. Please try again in %(minutes)d minute.",
                "We have had too many requests to reset a password for this address or "
                "from your network. Please try again in %(minutes)d minutes.",
                minutes) % {"minutes": minutes}, code="throttled")
        return email

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        user_password_reset_send(user=context["user"], uid=context["uid"],
                                 token=context["token"])


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"), max_length=100,
        help_text=_("Say where it will be used, e.g. “filing script on our server”."))


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = User
        fields = ["display_name", "language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(self.instance.time_zone)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200,
                           help_text=_("As it appears on your works, e.g. the studio's name."))
    name_ja = forms.CharField(label=_("Name in Japanese"), max_length=200, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class MemberForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)


class TotpCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (spaces allowed: some apps show 123 456)."""

    code = forms.CharField(
        label=_("6-digit code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "size": 8}))

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise ValidationError(_("Type the 6 digits your app shows."), code="shape")
        return code


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery "
                    "codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "size": 12}))
