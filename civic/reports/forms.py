"""The reporter's forms: a report, the receipt and passphrase that open it, a message on it. The
agencies to choose from are handed in by the views; the rules live in intake."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovPasswordInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from civic.reports.intake import (
    HOW_KNOWN_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    REPORT_MAX_LENGTH,
    WHEN_MAX_LENGTH,
    WHO_MAX_LENGTH,
    ReportInput,
)
from civic.reports.passphrases import MAX_LENGTH


def _keep_lines(value):
    """Multi-line text without surrounding spaces; control characters stay, for the rule to refuse."""
    return value.strip() if isinstance(value, str) else value


def _at_most(longest: int) -> Length:
    return Length(max=longest, message=_l("At most %(max)d characters.", max=longest))


class ReportForm(FlaskForm):
    body = TextAreaField(
        _l("What happened"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Say what was done, by which office, and what it concerned: a tender, a contract, a "
                       "payment, an inspection. Leave out your own name unless you want it known."),
        validators=[DataRequired(message=_l("Describe what happened.")), _at_most(REPORT_MAX_LENGTH)])
    who = TextAreaField(
        _l("Who was involved (optional)"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Names, posts or companies, as far as you know them."), validators=[_at_most(WHO_MAX_LENGTH)])
    when = StringField(
        _l("When it happened (optional)"), widget=GovTextInput(), filters=[_keep_lines],
        description=_l("A date, a month, or \"since last spring\"."), validators=[_at_most(WHEN_MAX_LENGTH)])
    how_known = TextAreaField(
        _l("How you know (optional)"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("For example: you saw it, you took part, a colleague told you, you read a document."),
        validators=[_at_most(HOW_KNOWN_MAX_LENGTH)])
    case = StringField(
        _l("The case it concerns (optional)"), widget=GovTextInput(), filters=[_keep_lines],
        description=_l("Paste the link of the case's page on this site, or the last part of it, such as "
                       "new-reservoir."))
    agency = SelectField(_l("The agency it concerns (optional)"), widget=GovSelect(), validate_choice=False,
                         description=_l("With a case, its agency is chosen for you."))
    withheld_from_agency = BooleanField(
        _l("Do not send this report to the agency's own integrity unit"), widget=GovCheckboxInput(),
        description=_l("Then only the integrity authority's officers read it."))
    concerns_integrity_unit = BooleanField(
        _l("The report concerns the agency's integrity unit itself"), widget=GovCheckboxInput(),
        description=_l("Then that unit never reads it."))
    attachments = MultipleFileField(
        _l("Documents or pictures (optional)"), widget=GovFileInput(multiple=True))
    # One per form as served: sending the same form again (a reload of the receipt page) files nothing new.
    submission = HiddenField(validators=[Optional(), Length(max=64)])

    def set_agencies(self, agencies, locale: str) -> None:
        self.agency.choices = [SelectChoice("", _l("Not about one agency"))] + [
            SelectChoice(agency.code, agency.name(locale)) for agency in agencies]

    def report_input(self) -> ReportInput:
        return ReportInput(body=self.body.data or "", who=self.who.data or "", when=self.when.data or "",
                           how_known=self.how_known.data or "", case=self.case.data or "",
                           agency=self.agency.data or "", withheld_from_agency=bool(self.withheld_from_agency.data),
                           concerns_integrity_unit=bool(self.concerns_integrity_unit.data),
                           submission=self.submission.data or "")


class LookupForm(FlaskForm):
    """The receipt and passphrase that open a report. The passphrase is never shown back."""

    receipt = StringField(
        _l("Receipt code"), widget=GovTextInput(),
        description=_l("It starts with R, like R-7K3M-9QXP."),
        validators=[DataRequired(message=_l("Enter the receipt code.")), Length(max=MAX_LENGTH)])
    passphrase = PasswordField(
        _l("Passphrase"), widget=GovPasswordInput(),
        description=_l("Five words joined by dashes."),
        validators=[DataRequired(message=_l("Enter the passphrase.")), Length(max=MAX_LENGTH)])


class MessageForm(FlaskForm):
    """A message to the report's officers, sent with the receipt and passphrase again: the page
    keeps neither in the visit, only in these hidden fields."""

    receipt = HiddenField(validators=[DataRequired(), Length(max=MAX_LENGTH)])
    passphrase = HiddenField(validators=[DataRequired(), Length(max=MAX_LENGTH)])
    message = TextAreaField(
        _l("Your message"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Answer the officers' questions or add what you remember. Do not add your name unless "
                       "you want it known."),
        validators=[DataRequired(message=_l("Write your message.")), _at_most(MESSAGE_MAX_LENGTH)])
