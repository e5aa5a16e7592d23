"""The form for a new token: field shapes and messages; the rule itself is in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovTextInput
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from civic.integrations.labels import SCOPES
from civic.integrations.services import NAME_MAX_LENGTH, OFFERED_DAYS, TokenInput
from civic.web.forms import strip


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"), widget=GovTextInput(), filters=[strip],
        description=_l("What the token is for, so you recognise it later, like 'Case system of the works bureau'."),
        validators=[DataRequired(message=_l("Enter a name for the token.")),
                    Length(max=NAME_MAX_LENGTH, message=_l("At most %(max)d characters.", max=NAME_MAX_LENGTH))])
    scopes = SelectMultipleField(
        _l("What the token may do"), widget=GovCheckboxesInput(), validate_choice=False,
        description=_l("Each call through the write API is also checked against what your account may do."))
    expires_in = RadioField(
        _l("Expires after"), widget=GovRadioInput(), validate_choice=False, default=str(OFFERED_DAYS[1]),
        choices=[SelectChoice(str(days), label) for days, label in (
            (30, _l("30 days")), (90, _l("90 days")), (365, _l("365 days (the longest)")))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: the words are in the page's language, the scope's code beside them.
        self.scopes.choices = [SelectChoice(scope.value, f"{label} ({scope.value})")
                               for scope, label in SCOPES.items()]

    def validate_scopes(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one thing the token may do."))
        if any(value not in {choice.value for choice in field.choices} for value in field.data):
            raise ValidationError(_l("Choose only from the listed scopes."))

    def validate_expires_in(self, field) -> None:
        if field.data not in {str(days) for days in OFFERED_DAYS}:
            raise ValidationError(_l("Choose how long the token lives: 30, 90 or 365 days."))

    def token_input(self) -> TokenInput:
        return TokenInput(name=self.name.data or "", scopes=list(self.scopes.data or []),
                          days=int(self.expires_in.data) if (self.expires_in.data or "").isdigit() else None)
