from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kithkin.accounts import views
from kithkin.accounts.forms import ChangePasswordForm, LoginForm, NewPasswordForm, ResetPasswordForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            # LoginView names the site after the request's host; the page says Kithkin.
            extra_context={"site_name": settings.SITE_NAME},
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=ResetPasswordForm,
            email_template_name="accounts/emails/password_reset.txt",
            subject_template_name="accounts/emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=NewPasswordForm,
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=ChangePasswordForm,
            success_url=reverse_lazy("password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("welcome/", views.welcome, name="welcome"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/", views.create_token, name="create_token"),
    path("settings/tokens/<id:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/invites/", views.create_invite, name="create_invite"),
    path("settings/export.json", views.export, name="export"),
    path("settings/import/", views.import_account, name="import_account"),
    path("settings/delete/", views.delete_account, name="delete_account"),
]
