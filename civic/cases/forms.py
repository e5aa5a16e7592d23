"""Case forms: field shapes and messages. Choices are handed in by the views."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from civic.cases import labels
from civic.cases.models import Case
from civic.cases.parts import TenderInput, tender_errors
from civic.cases.regions import COUNTIES
from civic.cases.services import CaseInput, case_errors
from civic.core.errors import DomainError
from civic.web.forms import FULL_WIDTH, PlainForm, WholeNumberField, attach_rule_errors, strip


def choices(table: dict, *, blank: str | None = None) -> list[SelectChoice]:
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(code, text) for code, text in table.items()]


class AmountField(WholeNumberField):
    """A whole number of NTD."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, message=_l("Enter a whole number of NT dollars, like 250000000."),
                         **kwargs)


class CoordinateField(StringField):
    widget = GovTextInput()

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            self.data = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(str(_l("Enter a number in decimal degrees, like 25.0330."))) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class DateInput(DateField):
    """A date typed as YYYY-MM-DD (the browser shows a date picker)."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a real date, like 2024-03-19."))) from error


def reason_field() -> TextAreaField:
    """Why a part of a case changes: shown publicly with the change."""
    return TextAreaField(
        _l("Reason for the change"), widget=GovTextArea(), filters=[strip],
        description=_l("Shown publicly with the change. Required when you change or remove something "
                       "of a published case."),
        validators=[Length(max=1000, message=_l("At most 1,000 characters."))])


def no_negative(form, field: Field) -> None:
    if field.data is not None and field.data < 0:
        raise ValidationError(str(_l("Amounts cannot be negative.")))


class CaseForm(FlaskForm):
    title_zh = StringField(_l("Title in Chinese"), widget=GovTextInput(), filters=[strip],
                           validators=[DataRequired(message=_l("Enter the title in Chinese.")),
                                       Length(max=200, message=_l("At most 200 characters."))])
    title_en = StringField(_l("Title in English"), widget=GovTextInput(), filters=[strip],
                           validators=[Length(max=200, message=_l("At most 200 characters."))])
    slug = StringField(_l("Web address"), widget=GovTextInput(), filters=[strip],
                       description=_l("Lower-case letters, digits and hyphens; it appears in the "
                                      "case's address, like /cases/taipei-mrt-wanda."),
                       validators=[DataRequired(message=_l("Enter a web address for the case.")),
                                   Length(max=80, message=_l("At most 80 characters."))])
    sector = SelectField(_l("Sector"), widget=GovSelect(),
                         validators=[InputRequired(message=_l("Choose a sector from the list."))])
    procurement_kind = RadioField(_l("Procurement kind"), widget=GovRadioInput(),
                                  choices=choices(labels.PROCUREMENT_KINDS),
                                  validators=[InputRequired(message=_l("Choose works, goods or services."))])
    status = SelectField(_l("Status"), widget=GovSelect(), choices=choices(labels.STATUSES),
                         validators=[InputRequired(message=_l("Choose a status from the list."))])
    county = SelectField(_l("County or city"), widget=GovSelect(), validators=[Optional()])
    address = StringField(_l("Address or place"), widget=GovTextInput(), filters=[strip],
                          validators=[Length(max=300, message=_l("At most 300 characters."))])
    latitude = CoordinateField(_l("Latitude (optional)"), validators=[Optional()])
    longitude = CoordinateField(_l("Longitude (optional)"), validators=[Optional()])
    budget_ntd = AmountField(_l("Budget (NT dollars)"), validators=[Optional(), no_negative])
    contract_value_ntd = AmountField(_l("Contract value (NT dollars)"),
                                     description=_l("Once contracts are awarded."),
                                     validators=[Optional(), no_negative])
    summary_zh = TextAreaField(_l("Summary in Chinese"), widget=GovTextArea(), filters=[strip],
                               validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    summary_en = TextAreaField(_l("Summary in English"), widget=GovTextArea(), filters=[strip],
                               validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    platform_established_on = DateInput(_l("Platform set up on"), validators=[Optional()])

    # The case being changed (handed in by the edit view): a published one keeps its address.
    existing: Case | None = None

    def case_input(self) -> CaseInput:
        """What was typed, as the case services take it."""
        return CaseInput(
            slug=self.slug.data or "", title_zh=self.title_zh.data or "", title_en=self.title_en.data or "",
            sector_code=self.sector.data or "", procurement_kind=self.procurement_kind.data or "",
            status=self.status.data or "", county=self.county.data or "", address=self.address.data or "",
            latitude=self.latitude.data, longitude=self.longitude.data, budget_ntd=self.budget_ntd.data,
            contract_value_ntd=self.contract_value_ntd.data, summary_zh=self.summary_zh.data or "",
            summary_en=self.summary_en.data or "", platform_established_on=self.platform_established_on.data)

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the case rules (the address's letters, both coordinates, ...) on
        each field that has no error yet: every problem in one submission."""
        valid = super().validate(extra_validators)
        return attach_rule_errors(self, case_errors(self.case_input(), case=self.existing), "title_zh") and valid

    def set_choices(self, sectors, locale: str) -> None:
        self.sector.choices = [SelectChoice("", _l("Choose a sector"))] + [
            SelectChoice(s.code, s.name(locale)) for s in sectors]
        self.county.choices = [SelectChoice("", _l("Choose a county or city"))] + [
            SelectChoice(code, en if locale.startswith("en") else zh) for code, zh, en in COUNTIES]


# How a tender is named, on its own form and on the case's: as on its e-procurement page.
TENDER_UNIT_ID_LABEL = _l("E-procurement agency code (機關代碼)")
TENDER_UNIT_ID_HINT = _l("As on the e-procurement system's tender page: 機關代碼 such as 3.76.47 or A.17.2.1.")
TENDER_JOB_NUMBER_LABEL = _l("Tender case number (標案案號)")
TENDER_JOB_NUMBER_HINT = _l("As on the same page: 標案案號, without spaces.")


class CaseEditForm(CaseForm):
    # Preparation: the project's effects and the approval of its budget.
    environmental_impact = TextAreaField(
        _l("Environmental impact"), widget=GovTextArea(), filters=[strip],
        description=_l("What the project does to its surroundings and how that is handled, like the outcome of "
                       "the environmental impact assessment (環境影響評估)."),
        validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    land_impact = TextAreaField(
        _l("Land and resettlement impact"), widget=GovTextArea(), filters=[strip],
        description=_l("Land taken or expropriated (徵收), people or businesses moved, and what they receive."),
        validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    budget_approved_on = DateInput(_l("Budget approved on"), validators=[Optional()],
                                   description=_l("The day the budget was approved, like by the council (議會) "
                                                  "or the Executive Yuan."))
    # Completion: what was delivered, against what was planned.
    completed_on = DateInput(_l("Completed on"), validators=[Optional()],
                             description=_l("The day the works were accepted as complete (驗收)."))
    final_cost_ntd = AmountField(_l("Final cost (NT dollars)"), validators=[Optional(), no_negative],
                                 description=_l("What the project cost in the end, variations included."))
    final_scope = TextAreaField(
        _l("Scope as delivered"), widget=GovTextArea(), filters=[strip],
        description=_l("What the project delivered in the end."),
        validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    completion_changes = TextAreaField(
        _l("Why cost, date or scope differ from the plan"), widget=GovTextArea(), filters=[strip],
        description=_l("The reasons the final cost, completion date or scope differ from the budget, the "
                       "contracts' end dates or the scope planned."),
        validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    reason = reason_field()
    # A tender added with the change, when both are given (the case's own tender form does the rest).
    tender_unit_id = StringField(TENDER_UNIT_ID_LABEL, widget=GovTextInput(), filters=[strip],
                                 description=TENDER_UNIT_ID_HINT)
    tender_job_number = StringField(TENDER_JOB_NUMBER_LABEL, widget=GovTextInput(), filters=[strip],
                                    description=TENDER_JOB_NUMBER_HINT)

    # The fields shown together under a heading of their own, by stage.
    PREPARATION = ("environmental_impact", "land_impact", "budget_approved_on")
    COMPLETION = ("completed_on", "final_cost_ntd", "final_scope", "completion_changes")

    def group(self, names: tuple[str, ...]) -> list[Field]:
        return [self[name] for name in names]

    def case_input(self) -> CaseInput:
        """What was typed, the preparation and completion fields included."""
        data = super().case_input()
        data.environmental_impact = self.environmental_impact.data or ""
        data.land_impact = self.land_impact.data or ""
        data.budget_approved_on = self.budget_approved_on.data
        data.completed_on = self.completed_on.data
        data.final_cost_ntd = self.final_cost_ntd.data
        data.final_scope = self.final_scope.data or ""
        data.completion_changes = self.completion_changes.data or ""
        return data

    def tender_input(self) -> TenderInput | None:
        """The tender to add with the change, or None when neither of its fields was filled."""
        if not (self.tender_unit_id.data or self.tender_job_number.data):
            return None
        return TenderInput(unit_id=self.tender_unit_id.data or "", job_number=self.tender_job_number.data or "")

    def validate(self, extra_validators=None) -> bool:
        """The case's fields, then the tender to add: both of its fields or neither, each in the
        shape the e-procurement system uses."""
        valid = super().validate(extra_validators)
        tender = self.tender_input()
        if tender is None:
            return valid
        if not tender.unit_id or not tender.job_number:
            missing = self.tender_unit_id if not tender.unit_id else self.tender_job_number
            missing.errors = [*missing.errors, str(_l("To add a tender, enter both its agency code and its "
                                                        "case number, or leave both empty."))]
            return False
        return attach_rule_errors(self, self.tender_errors(tender_errors(self.existing, tender)),
                                  "tender_job_number") and valid

    @staticmethod
    def tender_errors(errors: list) -> list:
        """A tender rule's errors, each on this form's field of the same name."""
        return [DomainError(error.message, field=f"tender_{error.field or 'job_number'}") for error in errors]


class TenderForm(FlaskForm):
    unit_id = StringField(TENDER_UNIT_ID_LABEL, widget=GovTextInput(), filters=[strip],
                          description=TENDER_UNIT_ID_HINT,
                          validators=[DataRequired(message=_l("Enter the agency code used on the "
                                                              "e-procurement system."))])
    job_number = StringField(TENDER_JOB_NUMBER_LABEL, widget=GovTextInput(), filters=[strip],
                             description=TENDER_JOB_NUMBER_HINT,
                             validators=[DataRequired(message=_l("Enter the tender's case number."))])
    reason = reason_field()


class RiskRowForm(PlainForm):
    stage = SelectField(_l("Stage"), widget=GovSelect(), choices=choices(labels.RISK_STAGES),
                        validators=[Optional()])
    risk = TextAreaField(_l("Risk"), widget=GovTextArea(), filters=[strip],
                         validators=[Length(max=2000, message=_l("At most 2,000 characters."))])
    mitigation = TextAreaField(_l("How it is kept in check"), widget=GovTextArea(), filters=[strip],
                               validators=[Length(max=2000, message=_l("At most 2,000 characters."))])


class ApplicationForm(CaseForm):
    reason = TextAreaField(_l("Why does this project need an integrity platform?"), widget=GovTextArea(),
                           filters=[strip],
                           validators=[DataRequired(message=_l("Explain why this project needs an "
                                                               "integrity platform.")),
                                       Length(max=4000, message=_l("At most 4,000 characters."))])
    risks = FieldList(FormField(RiskRowForm), min_entries=3, max_entries=10)


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), widget=GovTextInput(), filters=[strip],
                       validators=[DataRequired(message=_l("Enter the member's name.")),
                                   Length(max=100, message=_l("At most 100 characters."))])
    organisation = StringField(_l("Organisation"), widget=GovTextInput(), filters=[strip],
                               validators=[DataRequired(message=_l("Enter the member's organisation.")),
                                           Length(max=200, message=_l("At most 200 characters."))])
    role = RadioField(_l("Role on the platform"), widget=GovRadioInput(),
                      choices=choices(labels.MEMBER_ROLES),
                      validators=[InputRequired(message=_l("Choose the member's role."))])
    reason = reason_field()


class MeetingForm(FlaskForm):
    held_on = DateInput(_l("Date held"),
                        validators=[InputRequired(message=_l("Enter the date of the meeting."))])
    title = StringField(_l("Title"), widget=GovTextInput(), filters=[strip],
                        validators=[DataRequired(message=_l("Enter the title of the meeting.")),
                                    Length(max=200, message=_l("At most 200 characters."))])
    place = StringField(_l("Place"), widget=GovTextInput(), filters=[strip],
                        validators=[Length(max=200, message=_l("At most 200 characters."))])
    attendees = TextAreaField(_l("Attendees"), widget=GovTextArea(), filters=[strip],
                              description=_l("One per line: name, organisation."),
                              validators=[Length(max=8000, message=_l("At most 8,000 characters."))])
    agenda = TextAreaField(_l("Agenda"), widget=GovTextArea(), filters=[strip],
                           validators=[Length(max=8000, message=_l("At most 8,000 characters."))])
    statements = TextAreaField(_l("Statements"), widget=GovTextArea(), filters=[strip],
                               description=_l("One per line, as “speaker: what was said”."),
                               validators=[Length(max=20000, message=_l("At most 20,000 characters."))])
    decisions = TextAreaField(_l("Decisions"), widget=GovTextArea(), filters=[strip],
                              description=_l("One decision per line."),
                              validators=[Length(max=8000, message=_l("At most 8,000 characters."))])
    follow_ups = TextAreaField(_l("Follow-ups"), widget=GovTextArea(), filters=[strip],
                               validators=[Length(max=8000, message=_l("At most 8,000 characters."))])
    reason = reason_field()


class RiskForm(FlaskForm):
    stage = RadioField(_l("Procurement stage"), widget=GovRadioInput(), choices=choices(labels.RISK_STAGES),
                       validators=[InputRequired(message=_l("Choose the procurement stage of the risk."))])
    risk = TextAreaField(_l("Risk"), widget=GovTextArea(), filters=[strip],
                         validators=[DataRequired(message=_l("Describe the risk.")),
                                     Length(max=2000, message=_l("At most 2,000 characters."))])
    likelihood = RadioField(_l("Likelihood"), widget=GovRadioInput(), choices=choices(labels.RISK_LEVELS),
                            default="medium",
                            validators=[InputRequired(message=_l("Choose low, medium or high."))])
    impact = RadioField(_l("Impact"), widget=GovRadioInput(), choices=choices(labels.RISK_LEVELS),
                        default="medium", validators=[InputRequired(message=_l("Choose low, medium or high."))])
    mitigation = TextAreaField(_l("How it is kept in check"), widget=GovTextArea(), filters=[strip],
                               validators=[Length(max=2000, message=_l("At most 2,000 characters."))])
    owner = StringField(_l("Who is responsible"), widget=GovTextInput(), filters=[strip],
                        validators=[Length(max=200, message=_l("At most 200 characters."))])
    status = RadioField(_l("Status"), widget=GovRadioInput(), choices=choices(labels.RISK_STATUSES),
                        default="open", validators=[InputRequired(message=_l("Choose a status from the list."))])
    reason = reason_field()


class MilestoneForm(FlaskForm):
    title_zh = StringField(_l("Milestone in Chinese"), widget=GovTextInput(), filters=[strip],
                           validators=[DataRequired(message=_l("Enter the milestone in Chinese.")),
                                       Length(max=200, message=_l("At most 200 characters."))])
    title_en = StringField(_l("Milestone in English"), widget=GovTextInput(), filters=[strip],
                           validators=[Length(max=200, message=_l("At most 200 characters."))])
    milestone_type = SelectField(_l("Type"), widget=GovSelect(), choices=choices(labels.MILESTONE_TYPES),
                                 default="delivery")
    planned_on = DateInput(_l("Planned date"), validators=[Optional()])
    actual_on = DateInput(_l("Actual date"), validators=[Optional()])
    reason = reason_field()


class DocumentForm(FlaskForm):
    title = StringField(_l("Title"), widget=GovTextInput(), filters=[strip],
                        validators=[DataRequired(message=_l("Enter the document's title.")),
                                    Length(max=200, message=_l("At most 200 characters."))])
    url = StringField(_l("Web address"), widget=GovTextInput(), filters=[strip],
                      validators=[DataRequired(message=_l("Enter a web address starting with https:// "
                                                          "or http://.")),
                                  URL(require_tld=True, message=_l("Enter a web address starting with "
                                                                   "https:// or http://.")),
                                  Length(max=1000, message=_l("At most 1,000 characters."))])
    document_type = SelectField(_l("Type"), widget=GovSelect(),
                                choices=choices(labels.DOCUMENT_TYPES, blank=""), validators=[Optional()])
    reason = reason_field()


class ContractForm(FlaskForm):
    title = StringField(_l("Contract title"), widget=GovTextInput(), filters=[strip],
                        validators=[DataRequired(message=_l("Enter the contract's title.")),
                                    Length(max=200, message=_l("At most 200 characters."))])
    tender_number = StringField(_l("Tender number (標案案號)"), widget=GovTextInput(), filters=[strip],
                                validators=[Length(max=60, message=_l("At most 60 characters."))])
    tender = SelectField(_l("Tender"), widget=GovSelect(), validate_choice=False, validators=[Optional()],
                         description=_l("The case's tender the contract was awarded under, if it is listed."))
    ubn = StringField(_l("Supplier's unified business number (統一編號)"), widget=GovTextInput(),
                      filters=[strip],
                      validators=[DataRequired(message=_l("Enter the supplier's unified business number.")),
                                  Length(max=20, message=_l("At most 20 characters."))])
    company_name = StringField(_l("Supplier's name"), widget=GovTextInput(), filters=[strip],
                               validators=[DataRequired(message=_l("Enter the supplier's name.")),
                                           Length(max=200, message=_l("At most 200 characters."))])
    award_value_ntd = AmountField(_l("Award value (NT dollars)"),
                                  validators=[InputRequired(message=_l("Enter the award value.")), no_negative])
    awarded_on = DateInput(_l("Awarded on"), validators=[Optional()])
    starts_on = DateInput(_l("Contract starts on"), validators=[Optional()])
    ends_on = DateInput(_l("Contract ends on"), validators=[Optional()],
                        description=_l("As signed; a later change of the end date is a contract variation."))
    scope = TextAreaField(_l("Scope of the contract"), widget=GovTextArea(), filters=[strip],
                          description=_l("What the contract buys, as signed."),
                          validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    reason = reason_field()

    def set_choices(self, tenders) -> None:
        """The case's tenders, by agency code and case number."""
        self.tender.choices = [SelectChoice("", _l("No tender"))] + [
            SelectChoice(str(t.id), f"{t.unit_id} {t.job_number}") for t in tenders]

    def validate_tender(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(str(_l("Choose one of this case's tenders.")))

    def tender_id(self) -> int | None:
        """The tender chosen, if any (only for a form without errors)."""
        return int(self.tender.data) if (self.tender.data or "").isdecimal() else None


class FundingForm(FlaskForm):
    source = StringField(_l("Source of funds"), widget=GovTextInput(), filters=[strip],
                         description=_l("Like 中央補助 (a central government grant), 市府自籌 (the city's own "
                                        "funds) or a loan."),
                         validators=[DataRequired(message=_l("Enter where the money comes from.")),
                                     Length(max=200, message=_l("At most 200 characters."))])
    amount_ntd = AmountField(_l("Amount (NT dollars)"), validators=[Optional(), no_negative],
                             description=_l("Leave empty if it is not known yet."))
    reason = reason_field()


class VariationForm(FlaskForm):
    contract = SelectField(_l("Contract"), widget=GovSelect(), validate_choice=False,
                           validators=[InputRequired(message=_l("Choose one of this case's contracts."))])
    kind = RadioField(_l("What changed"), widget=GovRadioInput(), choices=choices(labels.VARIATION_KINDS),
                      validators=[InputRequired(message=_l("Choose what the variation changed: the price, the "
                                                           "duration or the scope."))])
    approved_on = DateInput(_l("Approved on"),
                            validators=[InputRequired(message=_l("Enter the date the variation was approved."))])
    new_value_ntd = AmountField(_l("New contract price (NT dollars)"), validators=[Optional(), no_negative],
                                description=_l("For a change of price only: the contract's price after it."))
    new_ends_on = DateInput(_l("New end date"), validators=[Optional()],
                            description=_l("For a change of duration only: the day the contract now ends."))
    description = TextAreaField(_l("What changed in the scope"), widget=GovTextArea(), filters=[strip],
                                description=_l("Required for a change of scope."),
                                validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    rationale = TextAreaField(_l("Reason for the variation"), widget=GovTextArea(), filters=[strip],
                              description=_l("Why the contract was changed, as approved."),
                              validators=[DataRequired(message=_l("Give the reason for the variation.")),
                                          Length(max=4000, message=_l("At most 4,000 characters."))])
    reason = reason_field()

    def set_choices(self, contracts) -> None:
        """The case's contracts, by title."""
        self.contract.choices = [SelectChoice("", _l("Choose a contract"))] + [
            SelectChoice(str(c.id), c.title) for c in contracts]

    def validate_contract(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(str(_l("Choose one of this case's contracts.")))

    def contract_id(self) -> int | None:
        """The contract chosen, if any."""
        return int(self.contract.data) if (self.contract.data or "").isdecimal() else None


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Decision"), widget=GovRadioInput(),
                          choices=[SelectChoice("approve", _l("Approve and publish")),
                                   SelectChoice("return", _l("Return to the agency for changes")),
                                   SelectChoice("reject", _l("Reject"))],
                          validators=[InputRequired(message=_l("Choose a decision."))])
    comment = TextAreaField(_l("Comment to the agency"), widget=GovTextArea(), filters=[strip],
                            description=_l("Required when returning or rejecting."),
                            validators=[Length(max=4000, message=_l("At most 4,000 characters."))])


class BestPracticeForm(FlaskForm):
    is_best = BooleanField(_l("Show this case as a best-practice example"), widget=GovCheckboxInput())
    reason_zh = TextAreaField(_l("Why, in Chinese"), widget=GovTextArea(), filters=[strip],
                              validators=[Length(max=2000, message=_l("At most 2,000 characters."))])
    reason_en = TextAreaField(_l("Why, in English"), widget=GovTextArea(), filters=[strip],
                              validators=[Length(max=2000, message=_l("At most 2,000 characters."))])


class DeleteForm(FlaskForm):
    """An empty form: a POST with a CSRF token."""


class RemoveForm(FlaskForm):
    """Removing a part of a case: the reason goes in the public record."""

    reason = reason_field()


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def statements(text: str | None) -> list[tuple[str, str]]:
    """Parse “speaker: what was said” lines (half- or full-width colon)."""
    result = []
    for line in lines(text):
        parts = re.split(r"[:：]", line, maxsplit=1)
        result.append((parts[0].strip(), parts[1].strip()) if len(parts) == 2 else ("", line))
    return result


# The first option of every filter: no filter.
ALL = _l("All")
# The units a budget filter is typed in, and how many NT dollars each is.
BUDGET_UNITS = {"yi": (_l("NT$100 million (億元)"), 100_000_000), "wan": (_l("NT$10,000 (萬元)"), 10_000),
                "ntd": (_l("NT$ (元)"), 1)}
# Typed after the number, a unit wins over the one chosen: 50億, 3000萬元.
TYPED_UNITS = {"億": "yi", "亿": "yi", "萬": "wan", "万": "wan"}
# More than any budget (a quadrillion NT dollars); the column holds up to about 9.2e18.
MAX_BUDGET = 10**15
_BUDGET = re.compile(r"(\d{1,16}(?:\.\d{1,8})?)([億亿萬万])?元?")


class BudgetField(StringField):
    """A budget typed in the unit chosen beside it (億元, 萬元 or 元): digits with commas and at most
    one decimal point, full-width ones too, optionally followed by 億 or 萬 (which then wins over
    the unit chosen). ``data`` is the number as typed (a Decimal), ``typed_unit`` the unit typed."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators or [Optional()], **kwargs)
        self.typed_unit: str | None = None

    def process_formdata(self, valuelist):
        self.data = None
        self.typed_unit = None
        text = (valuelist[0] if valuelist else "").translate(FULL_WIDTH).replace(",", "").replace(" ", "").strip()
        if not text:
            return
        found = _BUDGET.fullmatch(text)
        if found is None:
            raise ValueError(str(_l("Enter the budget as a number, like 50 or 2.5, and choose its unit.")))
        self.data = Decimal(found.group(1))
        self.typed_unit = TYPED_UNITS.get(found.group(2) or "")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class CaseFilterForm(PlainForm):
    """The filters of /cases, read from the query string (no CSRF: it changes nothing)."""

    q = StringField(_l("Search titles"), widget=GovTextInput(), filters=[strip],
                    validators=[Optional(), Length(max=100, message=_l("At most 100 characters."))])
    agency = SelectField(_l("Agency"), widget=GovSelect(), validators=[Optional()])
    sector = SelectField(_l("Sector"), widget=GovSelect(), validators=[Optional()])
    status = SelectField(_l("Status"), widget=GovSelect(), validators=[Optional()],
                         choices=choices(labels.STATUSES, blank=ALL))
    kind = SelectField(_l("Procurement kind"), widget=GovSelect(), validators=[Optional()],
                       choices=choices(labels.PROCUREMENT_KINDS, blank=ALL))
    year = SelectField(_l("Year"), widget=GovSelect(), validators=[Optional()])
    min_value = BudgetField(_l("Budget from"))
    max_value = BudgetField(_l("Budget up to"))
    unit = SelectField(_l("Unit"), widget=GovSelect(), default="yi", validators=[Optional()],
                       choices=[SelectChoice(code, label) for code, (label, _size) in BUDGET_UNITS.items()])
    best = BooleanField(_l("Best practice only"), widget=GovCheckboxInput())
    # The risk signals' codes and titles are handed in (civic.procurement.signals sits above cases).
    signal = SelectField(_l("Risk signal"), widget=GovSelect(), validators=[Optional()])
    sort = SelectField(_l("Order"), widget=GovSelect(), default="recent",
                       choices=[SelectChoice("recent", _l("Newest first")),
                                SelectChoice("budget", _l("Largest budget first")),
                                SelectChoice("completeness", _l("Most complete first")),
                                SelectChoice("title", _l("By title"))],
                       validators=[Optional()])

    @classmethod
    def from_query(cls, args: MultiDict) -> CaseFilterForm:
        """The filters of a query string. An address from before amounts had a unit (amounts
        without ``unit``) meant whole NT dollars, and still does."""
        args = MultiDict(args)
        if "unit" not in args and (args.get("min_value") or args.get("max_value")):
            args["unit"] = "ntd"
        return cls(args)

    def set_choices(self, agencies, sectors, years, locale: str, signals: Iterable[tuple[str, str]] = ()) -> None:
        """The choices read from the database, and the risk signals as (code, title)."""
        self.agency.choices = [SelectChoice("", ALL)] + [
            SelectChoice(a.code, a.name(locale)) for a in agencies]
        self.sector.choices = [SelectChoice("", ALL)] + [
            SelectChoice(s.code, s.name(locale)) for s in sectors]
        self.year.choices = [SelectChoice("", ALL)] + [SelectChoice(str(y), str(y)) for y in years]
        self.signal.choices = [SelectChoice("", ALL)] + [SelectChoice(code, title) for code, title in signals]

    def amount(self, field: BudgetField) -> int | None:
        """What ``field`` says in whole NT dollars: its number times its unit (the one typed after
        it, else the one chosen). Only for a field without errors."""
        if field.data is None:
            return None
        return int(field.data * self._unit_size(field))

    def validate_min_value(self, field: BudgetField) -> None:
        self._check_amount(field)

    def validate_max_value(self, field: BudgetField) -> None:
        self._check_amount(field)
        if self.min_value.errors or self.min_value.data is None or field.data is None:
            return
        if self.amount(field) < self.amount(self.min_value):
            raise ValidationError(str(_l("The upper budget must not be below the lower one.")))

    def _unit_size(self, field: BudgetField) -> int:
        return BUDGET_UNITS.get(field.typed_unit or self.unit.data or "yi", BUDGET_UNITS["yi"])[1]

    def _check_amount(self, field: BudgetField) -> None:
        if field.data is None:
            return
        value = field.data * self._unit_size(field)
        if value != value.to_integral_value():
            raise ValidationError(str(_l("Use fewer decimal places: the budget comes to less than one NT dollar.")))
        if value >= MAX_BUDGET:
            raise ValidationError(str(_l("That budget is too large: enter it in the unit chosen, like 50 for 50 億.")))
