from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import two_factor_views, views
from accounts.forms import EmailAuthenticationForm, OutboxPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("verify/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("login/", two_factor_views.PasswordLoginView.as_view(
        authentication_form=EmailAuthenticationForm, template_name="accounts/login.html",
        redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Staff two-factor (accounts/two_factor_views.py).
    path("two-factor/", two_factor_views.two_factor_manage, name="two_factor"),
    path("two-factor/enrol/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes/new/", two_factor_views.recovery_codes_new,
         name="recovery_codes_new"),
    path("preferences/", views.preferences, name="preferences"),
    path("language/", views.language_set, name="language_set"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/invite/", views.organisation_invite_send,
         name="organisation_invite"),
    path("organisations/<int:pk>/admins/", views.organisation_member_promote,
         name="organisation_member_promote"),
    path("organisations/<int:pk>/leave/", views.organisation_leave_confirm,
         name="organisation_leave"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("password/change/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/form_page.html",
        success_url=reverse_lazy("accounts:password_change_done")), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/message_page.html"), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(
        form_class=OutboxPasswordResetForm, template_name="accounts/form_page.html",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message_page.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/form_page.html",
        success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message_page.html"), name="password_reset_complete"),
]
