"""Account forms: field shapes and messages; rules that need the database live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovTextInput
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from civic.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from civic.accounts.services import password_errors
from civic.web.forms import attach_rule_errors, strip

EMAIL_REQUIRED = _l("Enter your email address.")
EMAIL_FORMAT = _l("Enter an email address in the right format, like name@example.tw.")
PASSWORD_REQUIRED = _l("Enter your password.")


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=EMAIL_REQUIRED),
            Length(max=254, message=_l("An email address can be at most 254 characters.")),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
        ],
        filters=[strip],
    )


def new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        widget=GovPasswordInput(),
        description=_l("At least %(n)d characters. A few unrelated words make a strong password.",
                       n=MIN_LENGTH),
        validators=[
            InputRequired(message=_l("Choose a password.")),
            Length(min=MIN_LENGTH, max=MAX_LENGTH,
                   message=_l("Choose a password of %(min)d to %(max)d characters.",
                              min=MIN_LENGTH, max=MAX_LENGTH)),
        ],
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Confirm password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Enter the password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )


def name_field() -> StringField:
    return StringField(
        _l("Your name"),
        widget=GovTextInput(),
        description=_l("Shown with what you write on this site. A nickname is fine."),
        validators=[
            DataRequired(message=_l("Enter your name.")),
            Length(max=100, message=_l("A name can be at most 100 characters.")),
        ],
        filters=[strip],
    )


class PasswordRules:
    """A form with a new ``password``: after the shapes, the password rules for the account's
    address (its ``email`` field, or ``account_email`` handed in by the view)."""

    account_email: str | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        email = self.account_email or (self.email.data if hasattr(self, "email") else None)
        if not email:
            return valid
        return attach_rule_errors(self, password_errors(self.password.data or "", email), "password") and valid


class RegisterForm(PasswordRules, FlaskForm):
    name = name_field()
    email = email_field()
    password = new_password_field()
    password_confirm = confirm_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=PASSWORD_REQUIRED),
            Length(max=MAX_LENGTH, message=_l("That password is too long.")),
        ],
    )


class EmailForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(PasswordRules, FlaskForm):
    password = new_password_field(_l("New password"))
    password_confirm = confirm_field()


class ProfileForm(FlaskForm):
    name = name_field()
    locale = RadioField(
        _l("Language of the site and of your mail"),
        widget=GovRadioInput(),
        choices=[SelectChoice("zh_Hant_TW", "中文（臺灣）"), SelectChoice("en", "English")],
        validators=[InputRequired(message=_l("Choose a language."))],
    )


class ChangePasswordForm(PasswordRules, FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter your current password."))],
    )
    password = new_password_field(_l("New password"))
    password_confirm = confirm_field()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        widget=GovPasswordInput(),
        description=_l("To confirm that it is you."),
        validators=[InputRequired(message=PASSWORD_REQUIRED)],
    )


class InvitationForm(PasswordRules, FlaskForm):
    name = name_field()
    password = new_password_field()
    password_confirm = confirm_field()


def code_field(label, description, *, required: bool = True) -> StringField:
    """A code from an authenticator app, or a recovery code; spaces and dashes are allowed."""
    validators = [Length(max=40, message=_l("A code is at most 40 characters."))]
    if required:
        validators.insert(0, InputRequired(message=_l("Enter the code from your authenticator app.")))
    return StringField(label, widget=GovTextInput(), description=description,
                       validators=validators, filters=[strip])


class TwoFactorSetupForm(FlaskForm):
    code = code_field(_l("Code from your app"),
                      _l("The six digits your app shows for this site, for example 123456."))


class TwoFactorLoginForm(FlaskForm):
    code = code_field(_l("Sign-in code"),
                      _l("The six digits your authenticator app shows now, or one of your recovery codes."))


class ConfirmIdentityForm(FlaskForm):
    """Password again (and a code where the second step is on) before a sensitive action. Its
    fields carry the prefix ``confirm-`` so they never collide with the form it stands in front
    of; that form's CSRF token is the one checked."""

    class Meta:
        csrf = False

    password = PasswordField(
        _l("Your password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=PASSWORD_REQUIRED),
                    Length(max=MAX_LENGTH, message=_l("That password is too long."))],
    )
    code = code_field(_l("Code from your authenticator app"),
                      _l("The six digits your app shows now, or one of your recovery codes."),
                      required=False)
