"""The integrity officers' forms: the inbox's filter and the actions on a report. Field shapes only;
the choices (statuses a report may move to, the officers who read it) are handed in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.reports.labels import STATUSES
from civic.reports.services import TEXT_MAX_LENGTH
from civic.web.forms import PlainForm


def _keep_lines(value):
    """Multi-line text without surrounding spaces; control characters stay, for the rule to refuse."""
    return value.strip() if isinstance(value, str) else value


def _text_validators(required):
    return [DataRequired(message=required),
            Length(max=TEXT_MAX_LENGTH, message=_l("At most %(max)d characters.", max=TEXT_MAX_LENGTH))]


class InboxFilterForm(PlainForm):
    status = SelectField(_l("Status"), widget=GovSelect(), validators=[Optional()],
                         choices=[SelectChoice("", _l("Any status"))]
                         + [SelectChoice(str(code), label) for code, label in STATUSES.items()])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), widget=GovSelect(),
                         validators=[InputRequired(message=_l("Choose a status."))])
    reason = TextAreaField(
        _l("Reason for closing"), widget=GovTextArea(), filters=[_keep_lines],
        description=_l("Needed when you close the report. The reporter reads it on the status page: keep names "
                       "and internal findings out of it."),
        validators=[Optional(),
                    Length(max=TEXT_MAX_LENGTH, message=_l("At most %(max)d characters.", max=TEXT_MAX_LENGTH))])

    def set_statuses(self, codes) -> None:
        # No status is chosen for the officer: referring a report to the prosecutors takes a choice.
        self.status.choices = [SelectChoice("", _l("Choose a status"))] + [
            SelectChoice(str(code), STATUSES[code]) for code in codes]


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), widget=GovSelect(), validators=[Optional()])

    def set_officers(self, officers, locale: str) -> None:
        self.assignee.choices = [SelectChoice("", _l("Nobody"))] + [
            SelectChoice(str(user.id), f"{user.display_name} ({user.agency.name(locale)})" if user.agency
                         else user.display_name) for user in officers]


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Internal note"), widget=GovTextArea(), filters=[_keep_lines],
                         description=_l("Only the officers who read this report see it; never the reporter."),
                         validators=_text_validators(_l("Write the note first.")))


class MessageForm(FlaskForm):
    message = TextAreaField(_l("Message to the reporter"), widget=GovTextArea(), filters=[_keep_lines],
                            description=_l("The reporter reads it on the report's status page, with the receipt "
                                           "and passphrase. Do not name anyone the reporter did not name."),
                            validators=_text_validators(_l("Write the message first.")))
