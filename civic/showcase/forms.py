"""Showcase forms: field shapes and messages. The choices (licences, API addresses, challenges) are
handed in by the views; the rules themselves are in services."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from civic.core.text import parse_id
from civic.showcase.labels import LICENCES
from civic.showcase.services import (
    CHALLENGE_TEXT_MAX_LENGTH,
    CHALLENGE_TITLE_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    LINK_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    AppInput,
    ChallengeInput,
    challenge_errors,
)
from civic.web.forms import DayField, attach_rule_errors, strip


def _keep_lines(value):
    """Multi-line text without surrounding spaces; control characters stay, for the rule to refuse."""
    return value.strip() if isinstance(value, str) else value


def _at_most(limit: int):
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


class AppForm(FlaskForm):
    name = StringField(_l("Name of the app"), widget=GovTextInput(), filters=[strip],
                       validators=[DataRequired(message=_l("Enter the app's name.")), _at_most(NAME_MAX_LENGTH)])
    summary = StringField(_l("What it does, in one line"), widget=GovTextInput(), filters=[strip],
                          description=_l("Shown on the app's card, like 'Maps every integrity platform near you'."),
                          validators=[DataRequired(message=_l("Describe the app in one line.")),
                                      _at_most(SUMMARY_MAX_LENGTH)])
    description = TextAreaField(_l("Description (optional)"), widget=GovTextArea(), filters=[_keep_lines],
                                description=_l("Who it is for and what it shows. Plain text."),
                                validators=[Optional(), _at_most(DESCRIPTION_MAX_LENGTH)])
    link = StringField(_l("Web address of the app"), widget=GovTextInput(), filters=[strip],
                       description=_l("Starting with https:// or http://."),
                       validators=[DataRequired(message=_l("Enter the app's web address.")),
                                   _at_most(LINK_MAX_LENGTH)])
    source_link = StringField(_l("Web address of its source code (optional)"), widget=GovTextInput(),
                              filters=[strip], validators=[Optional(), _at_most(LINK_MAX_LENGTH)])
    licence = SelectField(_l("Licence"), widget=GovSelect(), validate_choice=False,
                          validators=[DataRequired(message=_l("Choose the app's licence from the list."))])
    endpoints = SelectMultipleField(_l("API addresses it reads"), widget=GovCheckboxesInput(),
                                    validate_choice=False,
                                    description=_l("Choose every address of the open data API the app reads."))
    challenge = SelectField(_l("Data challenge it entered (optional)"), widget=GovSelect(), validate_choice=False,
                            validators=[Optional()])
    screenshot = FileField(_l("Screenshot"), widget=GovFileInput())

    def set_choices(self, *, endpoints: Iterable[tuple[str, str]], challenges: Iterable[tuple[int, str]]) -> None:
        """The licences, the API's documented read addresses (path, summary) and the challenges (id, title)."""
        self.licence.choices = [SelectChoice("", _l("Choose a licence"))] + [
            SelectChoice(code, str(label)) for code, label in LICENCES.items()]
        self.endpoints.choices = [SelectChoice(path, f"{path} · {summary}") for path, summary in endpoints]
        self.challenge.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(challenge_id), title) for challenge_id, title in challenges]

    def validate_endpoints(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one API address the app reads."))
        if any(value not in {choice.value for choice in field.choices} for value in field.data):
            raise ValidationError(_l("Choose only from the listed API addresses."))

    def validate_challenge(self, field) -> None:
        # Only the shape here: which challenges take entries (and why one does not) is the app's rule.
        if field.data and parse_id(field.data) is None:
            raise ValidationError(_l("Choose one of the listed challenges, or none."))

    def app_input(self) -> AppInput:
        challenge = self.challenge.data or ""
        return AppInput(name=self.name.data or "", summary=self.summary.data or "", link=self.link.data or "",
                        licence=self.licence.data or "", endpoints=list(self.endpoints.data or []),
                        description=self.description.data or "", source_link=self.source_link.data or "",
                        challenge_id=parse_id(challenge) if challenge else None)


class DecisionForm(FlaskForm):
    """A moderator's decision, on the version of the app they reviewed (a hidden field the page writes
    from the app itself, never from what was sent)."""

    version = HiddenField()

    def reviewed_version(self) -> int | None:
        return parse_id(self.version.data or "")


class ReasonForm(DecisionForm):
    reason = TextAreaField(_l("Reason"), widget=GovTextArea(), filters=[_keep_lines],
                           description=_l("The app's maker reads this by mail and on their list of apps."),
                           validators=[DataRequired(message=_l("Say why; the app's maker reads this.")),
                                       _at_most(REASON_MAX_LENGTH)])


class EmptyForm(FlaskForm):
    """A POST with a CSRF token and nothing else."""


def _text(label, *, required=None, limit: int = CHALLENGE_TEXT_MAX_LENGTH, area: bool = True, description=None):
    validators = [DataRequired(message=required)] if required else [Optional()]
    field = TextAreaField if area else StringField
    return field(label, widget=GovTextArea() if area else GovTextInput(), filters=[_keep_lines if area else strip],
                 description=description, validators=[*validators, _at_most(limit)])


class ChallengeForm(FlaskForm):
    title_zh = _text(_l("Title in Chinese"), required=_l("Enter the challenge's title in Chinese."),
                     limit=CHALLENGE_TITLE_MAX_LENGTH, area=False)
    title_en = _text(_l("Title in English"), limit=CHALLENGE_TITLE_MAX_LENGTH, area=False)
    summary_zh = _text(_l("Summary in Chinese"), required=_l("Describe the challenge in Chinese."),
                       description=_l("Plain text; each line is a paragraph of its own."))
    summary_en = _text(_l("Summary in English"))
    rules_zh = _text(_l("Rules in Chinese"))
    rules_en = _text(_l("Rules in English"))
    prizes_zh = _text(_l("Prizes in Chinese"))
    prizes_en = _text(_l("Prizes in English"))
    starts_on = DayField(_l("First day entries are taken"), description=_l("A date in Taipei, like 2026-03-01."),
                         validators=[InputRequired(message=_l("Enter the first day entries are taken."))])
    ends_on = DayField(_l("Last day entries are taken"), description=_l("Included: entries are taken all that day."),
                       validators=[InputRequired(message=_l("Enter the last day entries are taken."))])
    link = _text(_l("Web address of the challenge's own page (optional)"), limit=LINK_MAX_LENGTH, area=False)

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the challenge's rules (the last day not before the first, a whole web
        address) on each field that has no error yet."""
        valid = super().validate(extra_validators)
        return attach_rule_errors(self, challenge_errors(self.challenge_input()), "title_zh") and valid

    def challenge_input(self) -> ChallengeInput:
        return ChallengeInput(
            title_zh=self.title_zh.data or "", title_en=self.title_en.data or "",
            summary_zh=self.summary_zh.data or "", summary_en=self.summary_en.data or "",
            rules_zh=self.rules_zh.data or "", rules_en=self.rules_en.data or "",
            prizes_zh=self.prizes_zh.data or "", prizes_en=self.prizes_en.data or "",
            starts_on=self.starts_on.data, ends_on=self.ends_on.data, link=self.link.data or "")
