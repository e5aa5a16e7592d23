"""Administration forms: field shapes and messages; choices handed in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from civic.accounts.administration import role_errors
from civic.agencies.models import DEFAULT_RESPONSE_DAYS
from civic.agencies.services import AgencyInput, agency_errors
from civic.core.roles import INVITED_ROLES, Role
from civic.web.forms import DayField, PlainForm, WholeNumberField, attach_rule_errors, readable_code_field, strip
from civic.web.templating import ROLE_LABELS

NO_AGENCY = _l("None")


def agency_choices(agencies, locale: str, blank=NO_AGENCY) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(a.code, f"{a.code} {a.name(locale)}") for a in agencies]


class AgencyForm(FlaskForm):
    code = StringField(_l("Agency code (機關代碼)"), widget=GovTextInput(), filters=[strip],
                       validators=[DataRequired(message=_l("Enter the agency code.")),
                                   Length(max=20, message=_l("At most 20 characters."))])
    # The rules beyond shape (a Chinese name, 1 to 365 days, the code's letters) are the agencies'
    # own: see validate().
    name_zh = StringField(_l("Name in Chinese"), widget=GovTextInput(), filters=[strip],
                          validators=[Length(max=200, message=_l("At most 200 characters."))])
    name_en = StringField(_l("Name in English"), widget=GovTextInput(), filters=[strip],
                          validators=[Length(max=200, message=_l("At most 200 characters."))])
    parent_code = SelectField(_l("Supervising agency"), widget=GovSelect(), validators=[Optional()])
    contact_email = StringField(_l("Contact email"), widget=GovTextInput(), filters=[strip],
                                description=_l("Receives new public feedback and reminders."),
                                validators=[Optional(), Length(max=254, message=_l("At most 254 characters."))])
    response_days = WholeNumberField(_l("Days to answer the public"), default=DEFAULT_RESPONSE_DAYS,
                                     message=_l("Enter the number of days as a whole number, like 14."),
                                     validators=[InputRequired(message=_l("Enter a number of days."))])
    counts_calendar_days = BooleanField(
        _l("Count calendar days, not working days"), widget=GovCheckboxInput(),
        description=_l("Only where a regulation says so. Otherwise the days are government working days on "
                       "the office calendar: weekends and holidays do not count, make-up working days do."))

    def agency_input(self) -> AgencyInput:
        """What was typed, as the agencies' services take it."""
        return AgencyInput(code=self.code.data or "", name_zh=self.name_zh.data or "", name_en=self.name_en.data or "",
                           parent_code=self.parent_code.data or "", contact_email=self.contact_email.data or "",
                           response_days=self.response_days.data or 0,
                           answers_in_working_days=not self.counts_calendar_days.data)

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the agency rules on each field that has no error yet."""
        valid = super().validate(extra_validators)
        return attach_rule_errors(self, agency_errors(self.agency_input()), "code") and valid


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), widget=GovFileInput(),
                     description=_l("Columns: code, name_zh, name_en, parent_code (contact_email and "
                                    "response_days are optional). UTF-8, first line with the column names."))
    content = TextAreaField(validators=[Optional()])


class CalendarImportForm(FlaskForm):
    file = FileField(_l("Office calendar CSV"), widget=GovFileInput(),
                     description=_l("The DGPA's 中華民國政府行政機關辦公日曆表 for one year: columns 西元日期, 星期, "
                                    "是否放假, 備註; UTF-8 or Big5."))
    content = TextAreaField(validators=[Optional()])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), widget=GovTextInput(), filters=[strip],
                       validators=[DataRequired(message=_l("Enter the person's email address.")),
                                   Email(message=_l("Enter an email address in the right format, "
                                                    "like name@example.tw."), check_deliverability=False),
                                   Length(max=254, message=_l("At most 254 characters."))])
    role = RadioField(_l("Role"), widget=GovRadioInput(),
                      choices=[SelectChoice(r.value, ROLE_LABELS[r])
                               for r in INVITED_ROLES],
                      validators=[InputRequired(message=_l("Choose a role from the list."))])
    agency = SelectField(_l("Agency (for staff)"), widget=GovSelect(), validators=[Optional()])

    # The agency chosen, as the view loaded it (forms never query).
    chosen_agency = None

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the rules on role and agency: a bad address and a missing agency
        show together."""
        valid = super().validate(extra_validators)
        errors = role_errors(self.role.data or "", self.chosen_agency, invited=True)
        return attach_rule_errors(self, errors, "role") and valid


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), widget=GovSelect(), choices=[SelectChoice(r.value, label)
                                                                 for r, label in ROLE_LABELS.items()
                                                                 if r != Role.integrity_officer],
                       validators=[InputRequired(message=_l("Choose a role from the list."))])
    agency = SelectField(_l("Agency (for staff)"), widget=GovSelect(), validators=[Optional()])


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Why is the account suspended?"), widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired(message=_l("Say why the account is suspended.")),
                                       Length(max=1000, message=_l("At most 1,000 characters."))])


class EmptyForm(FlaskForm):
    """A POST with a CSRF token and nothing else."""


class ConfirmClaimForm(FlaskForm):
    name = StringField(_l("Name to record for the company"), widget=GovTextInput(), filters=[strip],
                       validators=[Optional(), Length(max=200, message=_l("At most 200 characters."))])


class RejectClaimForm(FlaskForm):
    reason = TextAreaField(_l("Why is the claim rejected? The claimant reads this."), widget=GovTextArea(),
                           filters=[strip],
                           validators=[DataRequired(message=_l("Say why the claim is rejected.")),
                                       Length(max=1000, message=_l("At most 1,000 characters."))])


class AuditFilterForm(PlainForm):
    actor = StringField(_l("Who (email)"), widget=GovTextInput(), filters=[strip], validators=[Optional()])
    # Any action or type the trail was asked for is accepted, also one without words (yet).
    action = SelectField(_l("Action"), widget=GovSelect(), validate_choice=False,
                         validators=[Optional(), Length(max=64)])
    target_type = SelectField(_l("Target type"), widget=GovSelect(), validate_choice=False,
                              validators=[Optional(), Length(max=32)])
    target_id = StringField(_l("Target"), widget=GovTextInput(), filters=[strip],
                            validators=[Optional(), Length(max=64)])
    since = DayField(_l("From"), validators=[Optional()])
    until = DayField(_l("Until"), validators=[Optional()])

    def set_choices(self, actions: list[tuple[str, str]], target_types: list[tuple[str, str]]) -> None:
        """The actions and target types to choose from; a value asked for outside them stays shown."""
        for field, choices, anything in ((self.action, actions, _l("Any action")),
                                         (self.target_type, target_types, _l("Any type"))):
            known = {code for code, _label in choices}
            asked = [(field.data, field.data)] if field.data and field.data not in known else []
            field.choices = [SelectChoice("", anything)] + [SelectChoice(code, label)
                                                            for code, label in [*asked, *choices]]


class UserFilterForm(PlainForm):
    q = StringField(_l("Name or email"), widget=GovTextInput(), filters=[strip],
                    validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), widget=GovSelect(), validators=[Optional()],
                       choices=[SelectChoice("", "")] + [SelectChoice(r.value, label)
                                                          for r, label in ROLE_LABELS.items()])
    agency = SelectField(_l("Agency"), widget=GovSelect(), validators=[Optional()])
    status = SelectField(_l("Status"), widget=GovSelect(), validators=[Optional()],
                         choices=[SelectChoice("", ""), SelectChoice("active", _l("Active")),
                                  SelectChoice("suspended", _l("Suspended")),
                                  SelectChoice("unverified", _l("Email not confirmed"))])


class SectorForm(FlaskForm):
    code = readable_code_field(
        description=_l("Used in addresses and open data, like water-resources. It cannot be changed later."),
        required=_l("Enter the sector code."),
        invalid=_l("A sector code is up to 40 lowercase letters, digits and hyphens, starting with a letter, "
                   "like water-resources."))
    name_zh = StringField(_l("Name in Chinese"), widget=GovTextInput(), filters=[strip],
                          validators=[DataRequired(message=_l("Enter the sector's Chinese name.")),
                                      Length(max=100, message=_l("At most 100 characters."))])
    name_en = StringField(_l("Name in English"), widget=GovTextInput(), filters=[strip],
                          validators=[DataRequired(message=_l("Enter the sector's English name.")),
                                      Length(max=100, message=_l("At most 100 characters."))])
    oc4ids_code = SelectField(_l("OC4IDS sector"), widget=GovSelect(),
                              description=_l("The sector's code in the international open data standard."),
                              validators=[DataRequired(message=_l("Choose the sector's code in the OC4IDS list."))])
    position = WholeNumberField(_l("Position in lists"), default=0, message=_l("Between 0 and 999."),
                                description=_l("Lower numbers come first."),
                                validators=[InputRequired(message=_l("Enter a number.")),
                                            NumberRange(min=0, max=999, message=_l("Between 0 and 999."))])
