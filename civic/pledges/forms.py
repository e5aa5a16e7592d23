"""Pledge forms: field shapes and messages; choices handed in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.accounts.services import ubn_errors
from civic.web.forms import PlainForm, attach_rule_errors, strip


class SignForm(FlaskForm):
    # The service explains an invalid or foreign 統一編號 better than "not a valid choice".
    ubn = SelectField(_l("Company"), widget=GovSelect(), validate_choice=False,
                      validators=[InputRequired(message=_l("Choose the company you sign for."))])
    case = SelectField(_l("Case (optional)"), widget=GovSelect(), validators=[Optional()], validate_choice=False,
                       description=_l("Sign for one project, or leave empty for a general pledge."))
    signer_name = StringField(_l("Signer's name"), widget=GovTextInput(), filters=[strip],
                              validators=[DataRequired(message=_l("Enter the signer's name.")),
                                          Length(max=100, message=_l("At most 100 characters."))])
    signer_title = StringField(_l("Signer's title"), widget=GovTextInput(), filters=[strip],
                               description=_l("For example 負責人 or 總經理."),
                               validators=[DataRequired(message=_l("Enter the signer's title.")),
                                           Length(max=100, message=_l("At most 100 characters."))])
    agree = BooleanField(_l("On behalf of the company, I agree to the text above"), widget=GovCheckboxInput(),
                         validators=[DataRequired(message=_l("Tick the box to agree to the text."))])

    def set_choices(self, companies, cases, locale: str) -> None:
        self.ubn.choices = [SelectChoice("", "")] + [SelectChoice(c.ubn, f"{c.name} ({c.ubn})") for c in companies]
        self.case.choices = [SelectChoice("", _l("No case: a general pledge"))] + [
            SelectChoice(c.slug, c.title(locale)) for c in cases]


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Public reason for withdrawing"), widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired(message=_l("Give the public reason for withdrawing.")),
                                       Length(max=2000, message=_l("At most 2,000 characters."))])


class BreachForm(FlaskForm):
    note = TextAreaField(_l("Public note on the finding"), widget=GovTextArea(), filters=[strip],
                         validators=[DataRequired(message=_l("Write the public note on the finding.")),
                                     Length(max=2000, message=_l("At most 2,000 characters."))])


class ClaimForm(FlaskForm):
    ubn = StringField(_l("Unified business number (統一編號)"), widget=GovTextInput(), filters=[strip],
                      validators=[DataRequired(message=_l("Enter the company's unified business number.")),
                                  Length(max=20, message=_l("At most 20 characters."))])
    name = StringField(_l("Registered company name"), widget=GovTextInput(), filters=[strip],
                       validators=[DataRequired(message=_l("Enter the company's registered name.")),
                                   Length(max=200, message=_l("At most 200 characters."))])

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the 統一編號's checksum: a wrong number and a missing name show
        together."""
        valid = super().validate(extra_validators)
        return attach_rule_errors(self, ubn_errors(self.ubn.data or ""), "ubn") and valid


class TextForm(FlaskForm):
    case = SelectField(_l("For"), widget=GovSelect(), validators=[Optional()])
    title_zh = StringField(_l("Title in Chinese"), widget=GovTextInput(), filters=[strip],
                           validators=[DataRequired(message=_l("Enter the title in Chinese.")),
                                       Length(max=200, message=_l("At most 200 characters."))])
    title_en = StringField(_l("Title in English"), widget=GovTextInput(), filters=[strip],
                           validators=[Length(max=200, message=_l("At most 200 characters."))])
    body_zh = TextAreaField(_l("Text in Chinese"), widget=GovTextArea(), filters=[strip],
                            validators=[DataRequired(message=_l("Enter the text in Chinese.")),
                                        Length(max=20000, message=_l("At most 20,000 characters."))])
    body_en = TextAreaField(_l("Text in English"), widget=GovTextArea(), filters=[strip],
                            validators=[Length(max=20000, message=_l("At most 20,000 characters."))])


class RegistryFilterForm(PlainForm):
    q = StringField(_l("Company or UBN"), widget=GovTextInput(), filters=[strip],
                    validators=[Optional(), Length(max=100)])
    case = SelectField(_l("Case"), widget=GovSelect(), validators=[Optional()])
    agency = SelectField(_l("Agency"), widget=GovSelect(), validators=[Optional()])
    status = SelectField(_l("Status"), widget=GovSelect(), validators=[Optional()],
                         choices=[SelectChoice("", ""), SelectChoice("active", _l("Active")),
                                  SelectChoice("withdrawn", _l("Withdrawn"))])


class CompanySearchForm(PlainForm):
    q = StringField(_l("Company name or UBN"), widget=GovTextInput(), filters=[strip],
                    validators=[Optional(), Length(max=100, message=_l("At most 100 characters."))])
