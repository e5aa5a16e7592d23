"""Comment, answer and moderation forms: field shapes and messages; choices handed in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from civic.cases.forms import DateInput
from civic.feedback.deadlines import ExtensionWindow, extension_errors
from civic.feedback.moderation import REPORT_MAX_LENGTH, RESTORE_REASON_MAX_LENGTH
from civic.feedback.steps import COMMENT_MAX_LENGTH, RESPONSE_MAX_LENGTH
from civic.web.forms import PlainForm, attach_rule_errors, strip


def body_field(label, limit: int) -> TextAreaField:
    return TextAreaField(
        label, widget=GovTextArea(), filters=[strip],
        description=_l("You can use **bold**, *italics*, lists starting with -, > quotes and links."),
        validators=[DataRequired(message=_l("Write something first.")),
                    Length(max=limit, message=_l("Keep it under %(limit)d characters.", limit=limit))])


class CommentForm(FlaskForm):
    body = body_field(_l("Your comment or question"), COMMENT_MAX_LENGTH)
    parent_id = HiddenField(validators=[Optional(), Regexp(r"^\d+$", message=_l("Reply to a comment on this page."))])
    about = SelectField(_l("About"), widget=GovSelect(), validators=[Optional()])

    def set_targets(self, case, locale: str) -> None:
        self.about.choices = [SelectChoice("", _l("The case as a whole"))] + [
            SelectChoice(f"meeting-{m.id}", _l("Meeting: %(title)s", title=m.title)) for m in case.meetings
        ] + [SelectChoice(f"risk-{r.id}", _l("Risk: %(risk)s", risk=r.risk[:60])) for r in case.risks]


class EditCommentForm(FlaskForm):
    body = body_field(_l("Your comment"), COMMENT_MAX_LENGTH)


class FollowUpForm(FlaskForm):
    body = body_field(_l("What does the answer leave unanswered?"), COMMENT_MAX_LENGTH)


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with this comment?"), widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired(message=_l("Say what is wrong with the comment.")),
                                       Length(max=REPORT_MAX_LENGTH,
                                              message=_l("Keep it under %(limit)d characters.",
                                                         limit=REPORT_MAX_LENGTH))])


class ResponseForm(FlaskForm):
    body = body_field(_l("The agency's public answer"), RESPONSE_MAX_LENGTH)
    unit = StringField(_l("Answering unit (optional)"), widget=GovTextInput(), filters=[strip],
                       description=_l("Shown with the answer, e.g. 工程管理科."),
                       validators=[Length(max=100, message=_l("Keep it under %(limit)d characters.", limit=100))])


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), widget=GovSelect(), validators=[Optional()])

    def set_colleagues(self, colleagues) -> None:
        self.assignee.choices = [SelectChoice("", _l("Nobody"))] + [
            SelectChoice(str(user.id), user.display_name) for user in colleagues]


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Internal note (never public)"), widget=GovTextArea(), filters=[strip],
                         validators=[DataRequired(message=_l("Write something first.")),
                                     Length(max=COMMENT_MAX_LENGTH,
                                            message=_l("Keep it under %(limit)d characters.",
                                                       limit=COMMENT_MAX_LENGTH))])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), widget=GovSelect(),
                         validators=[InputRequired(message=_l("Choose a status."))])


class ForwardForm(FlaskForm):
    agency = SelectField(_l("Agency it belongs to"), widget=GovSelect(),
                         validators=[InputRequired(message=_l("Choose the agency the item belongs to."))])
    reason = TextAreaField(_l("Public reason"), widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired(message=_l("Say publicly why the item belongs to that agency.")),
                                       Length(max=2000, message=_l("Keep it under %(limit)d characters.",
                                                                   limit=2000))])

    def set_agencies(self, agencies, current_agency_id: int, locale: str) -> None:
        self.agency.choices = [SelectChoice("", "")] + [
            SelectChoice(a.code, a.name(locale)) for a in agencies if a.id != current_agency_id]


class ExtendForm(FlaskForm):
    new_due = DateInput(_l("New deadline"),
                        description=_l("Once per item. The answer is then due at the end of that day."),
                        validators=[InputRequired(message=_l("Enter the new deadline."))])
    reason = TextAreaField(_l("Public reason"), widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired(message=_l("Say publicly why the agency needs more time.")),
                                       Length(max=2000, message=_l("Keep it under %(limit)d characters.",
                                                                   limit=2000))])

    # The days the deadline may move to (handed in by the view, from the office calendar).
    window: ExtensionWindow | None = None

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the day's window: a day out of range and a missing reason show
        together."""
        valid = super().validate(extra_validators)
        if self.window is None:
            return valid
        errors = extension_errors(self.window, self.new_due.data, self.reason.data or "")
        return attach_rule_errors(self, errors, "new_due") and valid


class HideForm(FlaskForm):
    reason = RadioField(_l("Why is it hidden?"), widget=GovRadioInput(),
                        choices=[SelectChoice("spam", _l("Spam or advertising")),
                                 SelectChoice("abuse", _l("Abusive or harassing")),
                                 SelectChoice("personal_data", _l("Exposes personal data")),
                                 SelectChoice("off_topic", _l("Off topic")),
                                 SelectChoice("illegal", _l("Unlawful content"))],
                        validators=[InputRequired(message=_l("Choose why the comment is hidden."))])


class RestoreForm(FlaskForm):
    reason = TextAreaField(_l("Public reason for showing it again"), widget=GovTextArea(), filters=[strip],
                           description=_l("Shown with the comment and mailed to its author."),
                           validators=[DataRequired(message=_l("Say publicly why the comment is shown again.")),
                                       Length(max=RESTORE_REASON_MAX_LENGTH,
                                              message=_l("Keep it under %(limit)d characters.",
                                                         limit=RESTORE_REASON_MAX_LENGTH))])


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Why is the account suspended?"), widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired(message=_l("Say why the account is suspended.")),
                                       Length(max=1000, message=_l("Keep it under %(limit)d characters.",
                                                                   limit=1000))])


class EmptyForm(FlaskForm):
    """A POST with a CSRF token and nothing else."""


class InboxFilterForm(PlainForm):
    status = SelectField(_l("Status"), widget=GovSelect(), validators=[Optional()])
    case = SelectField(_l("Case"), widget=GovSelect(), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"), widget=GovCheckboxInput())
