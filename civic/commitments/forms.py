"""Commitment forms: field shapes and messages; the measure's choices are handed in by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from civic.cases.forms import DateInput
from civic.commitments.models import FIRST_YEAR, LAST_YEAR, Commitment
from civic.commitments.services import MilestoneInput, milestone_errors, target_errors
from civic.web.forms import WholeNumberField, attach_rule_errors, readable_code_field, strip

YEAR_MESSAGE = _l("The year is a number from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)


def title_field(label, *, required=None) -> StringField:
    """A title of at most 200 characters; one that must be given says so with ``required``."""
    given = [DataRequired(message=required)] if required is not None else []
    return StringField(label, widget=GovTextInput(), filters=[strip],
                       validators=[*given, Length(max=200, message=_l("At most 200 characters."))])


class DayInput(DateInput):
    """A date typed as YYYY-MM-DD; an empty box is no date (the validators say whether one is needed)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class CommitmentForm(FlaskForm):
    code = readable_code_field(
        description=_l("Used in open data, like best-practice-platforms. It cannot be changed later."),
        required=_l("Enter the commitment's code."),
        invalid=_l("A code is up to 40 lowercase letters, digits and hyphens, starting with a letter, "
                   "like best-practice-platforms."))
    measure = SelectField(_l("What it measures"), widget=GovSelect(),
                          description=_l("Computed from the data every year. It cannot be changed later."),
                          validators=[DataRequired(message=_l("Choose what the commitment measures."))])
    title_zh = title_field(_l("Title in Chinese"), required=_l("Enter the commitment's title in Chinese."))
    title_en = title_field(_l("Title in English"))
    description_zh = TextAreaField(_l("Description in Chinese"), widget=GovTextArea(), filters=[strip],
                                   validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    description_en = TextAreaField(_l("Description in English"), widget=GovTextArea(), filters=[strip],
                                   validators=[Length(max=4000, message=_l("At most 4,000 characters."))])
    position = WholeNumberField(_l("Position in lists"), default=0, message=_l("Between 0 and 999."),
                                description=_l("Lower numbers come first."),
                                validators=[InputRequired(message=_l("Enter a number.")),
                                            NumberRange(min=0, max=999, message=_l("Between 0 and 999."))])


class TargetForm(FlaskForm):
    year = WholeNumberField(_l("Year (western calendar)"), message=YEAR_MESSAGE, max_digits=4,
                            description=_l("The western year, like 2026."),
                            validators=[InputRequired(message=_l("Enter the year.")),
                                        NumberRange(min=FIRST_YEAR, max=LAST_YEAR, message=YEAR_MESSAGE)])
    target = WholeNumberField(_l("Target for the year"), message=_l("Enter the target as a whole number, like 3."),
                              max_digits=6,
                              validators=[InputRequired(message=_l("Enter the target."))])

    # The commitment the target is for (handed in by the view): a share goes up to 100.
    commitment: Commitment | None = None

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the target's rules on each field that has no error yet."""
        valid = super().validate(extra_validators)
        if self.commitment is None:
            return valid
        errors = target_errors(self.commitment, year=self.year.data, target=self.target.data)
        return attach_rule_errors(self, errors, "target") and valid


class MilestoneForm(FlaskForm):
    title_zh = title_field(_l("Milestone in Chinese"), required=_l("Enter the milestone in Chinese."))
    title_en = title_field(_l("Milestone in English"))
    due_on = DayInput(_l("Due on"),
                       validators=[InputRequired(message=_l("Enter the date the milestone is due."))])
    done_on = DayInput(_l("Done on"), description=_l("Leave empty while it is not done."),
                        validators=[Optional()])

    def milestone_input(self) -> MilestoneInput:
        """What was typed, as the commitment services take it."""
        return MilestoneInput(title_zh=self.title_zh.data or "", title_en=self.title_en.data or "",
                              due_on=self.due_on.data, done_on=self.done_on.data)

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the milestone's rules (a due year in range, not done in the future)
        on each field that has no error yet."""
        valid = super().validate(extra_validators)
        return attach_rule_errors(self, milestone_errors(self.milestone_input()), "title_zh") and valid


class RemoveForm(FlaskForm):
    """An empty form: a POST with a CSRF token."""
