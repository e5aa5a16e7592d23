"""Pledge forms: field shapes and messages; choices handed in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.accounts.services import ubn_errors
from civic.pledges.models import AssessmentQuestionnaire
from civic.pledges.services import NOTE_MAX, Answer, Question, version_error
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


ANSWER_CHOICES = [SelectChoice("yes", _l("Yes")), SelectChoice("partly", _l("Partly")),
                  SelectChoice("no", _l("No"))]


class AssessmentForm(FlaskForm):
    # The version the page showed: answers to one that is no longer current are refused.
    version = HiddenField()

    questionnaire: AssessmentQuestionnaire | None = None

    def version_number(self) -> int | None:
        text = self.version.data or ""
        return int(text) if text.isdigit() and len(text) < 10 else None

    def answers(self) -> dict[str, Answer]:
        return {question["key"]: Answer(answer=self[f"answer_{question['key']}"].data,
                                        note=self[f"note_{question['key']}"].data or "")
                for question in (self.questionnaire.questions if self.questionnaire else [])}

    def first_field(self):
        """Where an error about the form as a whole is shown: the first question."""
        fields = self.question_fields()
        return fields[0][0] if fields else self.version

    def question_fields(self):
        """(answer field, note field) for each question, in order."""
        return [(self[f"answer_{question['key']}"], self[f"note_{question['key']}"])
                for question in (self.questionnaire.questions if self.questionnaire else [])]

    def validate(self, extra_validators=None) -> bool:
        """The answers' shape, and first of all that they answer the current version: a page opened
        before a new version was published says so above the questions now asked."""
        valid = super().validate(extra_validators)
        stale = version_error(self.questionnaire, self.version_number()) if self.questionnaire else None
        if stale is not None:
            # On the first question, where the error summary's link can take the reader.
            target = self.first_field()
            target.errors = [stale.message, *(target.errors or [])]
            return False
        return valid


def assessment_form(questionnaire: AssessmentQuestionnaire, locale: str, **kwargs) -> AssessmentForm:
    """The self-assessment form: for each question of the version, yes / partly / no and a note."""

    class QuestionnaireAssessmentForm(AssessmentForm):
        pass

    for number, question in enumerate(questionnaire.questions, start=1):
        key = question["key"]
        setattr(QuestionnaireAssessmentForm, f"answer_{key}", RadioField(
            f"{number}. {AssessmentQuestionnaire.text(question, locale)}", widget=GovRadioInput(),
            choices=ANSWER_CHOICES, validate_choice=False,
            validators=[InputRequired(message=_l("Question %(number)d: answer yes, partly or no.", number=number))]))
        setattr(QuestionnaireAssessmentForm, f"note_{key}", TextAreaField(
            _l("Note on question %(number)d (optional)", number=number), widget=GovTextArea(), filters=[strip],
            validators=[Optional(), Length(max=NOTE_MAX, message=_l("At most %(n)d characters.", n=NOTE_MAX))]))
    form = QuestionnaireAssessmentForm(**kwargs)
    form.questionnaire = questionnaire
    if not form.is_submitted():
        form.version.data = str(questionnaire.version)
    return form


class QuestionnaireForm(FlaskForm):
    questions = TextAreaField(
        _l("Questions"), widget=GovTextArea(), filters=[strip],
        description=_l("One question a line: key | 中文 | English. The key is lowercase letters, digits and _; "
                       "keep a question's key when its wording changes only slightly."),
        validators=[DataRequired(message=_l("Write at least one question.")),
                    Length(max=40000, message=_l("At most %(n)d characters.", n=40000))])

    def question_list(self) -> list[Question]:
        questions = []
        for line in (self.questions.data or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            questions.append(Question(key=parts[0], text_zh=parts[1] if len(parts) > 1 else "",
                                      text_en=parts[2] if len(parts) > 2 else ""))
        return questions

    def validate(self, extra_validators=None) -> bool:
        """The field shape, then each line's: a key and the question in Chinese, English optional."""
        valid = super().validate(extra_validators)
        if not valid:
            return False
        for number, line in enumerate((line for line in self.questions.data.splitlines() if line.strip()), start=1):
            if not 2 <= line.count("|") + 1 <= 3:
                self.questions.errors = [*self.questions.errors, _l(
                    "Question %(number)d: write key | 中文 | English, separated by |.", number=number)]
        return not self.questions.errors


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
