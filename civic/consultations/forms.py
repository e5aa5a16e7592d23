"""Consultation forms: field shapes and messages. The agency's cases are handed in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from civic.cases.labels import RISK_STAGES
from civic.consultations.services import (
    ANSWER_MAX_LENGTH,
    GUIDANCE_TITLE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    GuidanceInput,
    QuestionInput,
)
from civic.web.forms import strip


def _keep_lines(value):
    """Multi-line text without surrounding spaces; control characters stay, for the rule to refuse."""
    return value.strip() if isinstance(value, str) else value


class QuestionForm(FlaskForm):
    question = TextAreaField(
        _l("Your question"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Describe the situation and the decision you face. Only your agency's staff and the "
                       "integrity authority read it."),
        validators=[DataRequired(message=_l("Enter your question.")),
                    Length(max=QUESTION_MAX_LENGTH, message=_l("At most %(max)d characters.",
                                                                max=QUESTION_MAX_LENGTH))])
    case = SelectField(_l("Case (optional)"), widget=GovSelect(), validators=[Optional()], validate_choice=False)
    stage = SelectField(_l("Procurement stage (optional)"), widget=GovSelect(), validators=[Optional()],
                        validate_choice=False)
    agree = BooleanField(_l("The integrity authority may publish this question and its answer anonymised, as "
                            "guidance for others"), widget=GovCheckboxInput(),
                         description=_l("The authority removes names, agencies and cases first. You can withdraw "
                                        "this until it is published."))

    def set_cases(self, cases, locale: str) -> None:
        self.case.choices = [SelectChoice("", _l("Not about one case"))] + [
            SelectChoice(str(case.id), case.title(locale)) for case in cases]
        self.stage.choices = [SelectChoice("", _l("Not about one stage"))] + [
            SelectChoice(code, label) for code, label in RISK_STAGES.items()]

    def validate_case(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of your agency's cases, or none."))

    def validate_stage(self, field) -> None:
        if field.data and field.data not in RISK_STAGES:
            raise ValidationError(_l("Choose a stage of the procurement, or none."))

    def question_input(self) -> QuestionInput:
        return QuestionInput(question=self.question.data or "", case_id=int(self.case.data) if self.case.data else None,
                             stage=self.stage.data or None, agrees_to_publish=bool(self.agree.data))


class ConsentForm(FlaskForm):
    """The asking agency gives (``yes``) or withdraws (``no``) its consent to publication."""

    agrees = HiddenField(validators=[AnyOf(["yes", "no"])])


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("The authority's answer"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Only the asking agency's staff read it; the mail to the person who asked carries a link, "
                       "not the answer."),
        validators=[DataRequired(message=_l("Enter the answer.")),
                    Length(max=ANSWER_MAX_LENGTH, message=_l("At most %(max)d characters.", max=ANSWER_MAX_LENGTH))])


class GuidanceForm(FlaskForm):
    guidance_title = StringField(
        _l("Guidance title"), widget=GovTextInput(), filters=[strip],
        validators=[Length(max=GUIDANCE_TITLE_MAX_LENGTH,
                           message=_l("At most %(max)d characters.", max=GUIDANCE_TITLE_MAX_LENGTH))])
    guidance_question = TextAreaField(
        _l("The question, anonymised"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Leave out every name, agency, case, place and amount that could identify who asked."),
        validators=[Length(max=QUESTION_MAX_LENGTH, message=_l("At most %(max)d characters.",
                                                                max=QUESTION_MAX_LENGTH))])
    guidance_answer = TextAreaField(
        _l("The answer, anonymised"), widget=GovTextArea(), filters=[_keep_lines],
        validators=[Length(max=ANSWER_MAX_LENGTH, message=_l("At most %(max)d characters.",
                                                              max=ANSWER_MAX_LENGTH))])
    agrees = BooleanField(_l("The authority agrees to publish this guidance"), widget=GovCheckboxInput())

    def guidance_input(self) -> GuidanceInput:
        return GuidanceInput(title=self.guidance_title.data or "", question=self.guidance_question.data or "",
                             answer=self.guidance_answer.data or "", agrees_to_publish=bool(self.agrees.data))


class EmptyForm(FlaskForm):
    """A POST with a CSRF token and nothing else."""
