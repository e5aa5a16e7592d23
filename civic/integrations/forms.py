"""The forms for a new token and a new webhook: field shapes and messages; the rules themselves are in
services and webhooks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovTextInput
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from civic.integrations.addresses import URL_MAX_LENGTH
from civic.integrations.labels import EVENTS, SCOPES
from civic.integrations.services import NAME_MAX_LENGTH, OFFERED_DAYS, TokenInput
from civic.integrations.webhooks import CODE_MAX_LENGTH, SLUG_MAX_LENGTH, WebhookInput
from civic.web.forms import strip, submission_field


class TokenForm(FlaskForm):
    submission = submission_field()
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


class WebhookForm(FlaskForm):
    submission = submission_field()
    url = StringField(
        _l("Address to send to"), widget=GovTextInput(), filters=[strip],
        description=_l("Your receiver's address, starting with https://. It must be reachable on the public internet."),
        validators=[DataRequired(message=_l("Enter the address to send to, starting with https://.")),
                    Length(max=URL_MAX_LENGTH, message=_l("At most %(max)d characters.", max=URL_MAX_LENGTH))])
    events = SelectMultipleField(_l("Events to be told of"), widget=GovCheckboxesInput(), validate_choice=False)
    case = StringField(
        _l("Only about this case (optional)"), widget=GovTextInput(), filters=[strip],
        description=_l("The case's short name, as in its address /cases/<short name>. Leave empty for every case."),
        validators=[Optional(), Length(max=SLUG_MAX_LENGTH, message=_l("At most %(max)d characters.",
                                                                        max=SLUG_MAX_LENGTH))])
    agency = StringField(
        _l("Only about this agency (optional)"), widget=GovTextInput(), filters=[strip],
        description=_l("The agency's code (機關代碼), as in its address /agencies/<code>. Leave empty for every "
                       "agency."),
        validators=[Optional(), Length(max=CODE_MAX_LENGTH, message=_l("At most %(max)d characters.",
                                                                        max=CODE_MAX_LENGTH))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: the words are in the page's language, the event's name beside them.
        self.events.choices = [SelectChoice(str(name), f"{label} ({name})") for name, label in EVENTS.items()]

    def validate_events(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one event to be told of."))
        if any(value not in {choice.value for choice in field.choices} for value in field.data):
            raise ValidationError(_l("Choose only from the listed events."))

    def webhook_input(self) -> WebhookInput:
        return WebhookInput(url=self.url.data or "", events=list(self.events.data or []),
                            case=self.case.data or "", agency=self.agency.data or "")
