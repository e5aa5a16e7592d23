"""Workshop forms: field shapes and messages. Choices and questions are handed in by the views.

Field names of the new-workshop form and the sign-up form are part of the public contract.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.accounts.forms import email_field
from civic.core.time import from_taipei_local, to_taipei
from civic.web.forms import FULL_WIDTH, WholeNumberField, strip
from civic.workshops.services import ANSWER_MAX_LENGTH, MAX_CAPACITY, NAME_MAX_LENGTH, TEXT_MAX_LENGTH

_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})")


class TaipeiDateTimeField(Field):
    """A time typed in Taipei as YYYY-MM-DDTHH:MM (the browser's date-time picker); data is aware UTC."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").translate(FULL_WIDTH).strip()
        if not text:
            return
        match = _DATETIME.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            local = datetime(*(int(part) for part in match.groups()))
        except ValueError as error:
            raise ValueError(str(_l("Enter a date and time in Taipei time, like 2026-03-19T14:00."))) from error
        self.data = from_taipei_local(local)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return to_taipei(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""


class SeatsField(WholeNumberField):
    """A whole number of seats."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, message=_l("Enter the number of seats as a whole number, like 30."),
                         max_digits=6, **kwargs)


def _max(limit: int):
    return Length(max=limit, message=_l("Keep it under %(limit)d characters.", limit=limit))


class WorkshopForm(FlaskForm):
    title = StringField(_l("Title"), widget=GovTextInput(), filters=[strip],
                        validators=[DataRequired(message=_l("Enter the workshop's title.")), _max(200)])
    description = TextAreaField(_l("What the workshop is about (optional)"), widget=GovTextArea(), filters=[strip],
                                description=_l("You can use **bold**, *italics*, lists starting with -, "
                                               "> quotes and links."),
                                validators=[_max(TEXT_MAX_LENGTH)])
    case = SelectField(_l("Case (optional)"), widget=GovSelect(), validators=[Optional()])
    starts_at = TaipeiDateTimeField(
        _l("Starts"), description=_l("Taipei time, like 2026-03-19T14:00."),
        validators=[InputRequired(message=_l("Enter when the workshop starts, like 2026-03-19T14:00."))])
    ends_at = TaipeiDateTimeField(
        _l("Ends"), description=_l("Taipei time, like 2026-03-19T16:00."),
        validators=[InputRequired(message=_l("Enter when the workshop ends, like 2026-03-19T16:00."))])
    signup_deadline = TaipeiDateTimeField(
        _l("Sign-ups close (optional)"), description=_l("When left empty, sign-ups close when the workshop starts."),
        validators=[Optional()])
    capacity = SeatsField(_l("Seats"), validators=[InputRequired(message=_l(
        "Enter the number of seats, from 1 to %(limit)d.", limit=MAX_CAPACITY))])
    location = StringField(_l("Address (in person)"), widget=GovTextInput(), filters=[strip],
                           description=_l("Leave empty for an online-only workshop."), validators=[_max(300)])
    online_url = StringField(_l("Online link"), widget=GovTextInput(), filters=[strip],
                             description=_l("Shown only to people who hold a seat: in their mail and on "
                                            "their own registration page."),
                             validators=[_max(500)])
    accessibility = TextAreaField(_l("Accessibility (optional)"), widget=GovTextArea(), filters=[strip],
                                  description=_l("Step-free access, sign language interpretation, captions, "
                                                 "childcare, ..."),
                                  validators=[_max(TEXT_MAX_LENGTH)])
    questions = TextAreaField(_l("Questions for people signing up (optional)"), widget=GovTextArea(),
                              filters=[strip], description=_l("One per line, at most five. Answers are optional "
                                                              "and only your agency sees them."),
                              validators=[_max(1600)])

    def set_cases(self, cases, locale: str) -> None:
        self.case.choices = [SelectChoice("", _l("Not about one case"))] + [
            SelectChoice(case.slug, case.title(locale)) for case in cases]

    def question_lines(self) -> list[str]:
        return [line.strip() for line in (self.questions.data or "").splitlines() if line.strip()]


class SignupForm(FlaskForm):
    name = StringField(_l("Your name"), widget=GovTextInput(), filters=[strip],
                       validators=[DataRequired(message=_l("Enter your name.")),
                                   Length(max=NAME_MAX_LENGTH, message=_l("A name can be at most 100 characters."))])
    email = email_field()
    phone = StringField(_l("Phone number"), widget=GovTextInput(), filters=[strip],
                        description=_l("So the agency can reach you about the workshop, e.g. 0912 345 678."),
                        validators=[DataRequired(message=_l(
                            "Enter a phone number we can call, like 0912 345 678 or +886 2 2345 6789.")),
                                    Length(max=40, message=_l(
                                        "Enter a phone number we can call, like 0912 345 678 or +886 2 2345 6789."))])
    consent = BooleanField(_l("I have read the notice on personal data above and agree that my name, email and "
                              "phone number are used for this workshop as it describes."),
                           widget=GovCheckboxInput(),
                           validators=[DataRequired(message=_l(
                               "To sign up, agree to the use of your data as described."))])

    def answers(self) -> list[str]:
        return [field.data or "" for name, field in self._fields.items() if name.startswith("answer_")]

    def answer_fields(self) -> list[Field]:
        return [field for name, field in self._fields.items() if name.startswith("answer_")]


def signup_form(questions: list[str], **kwargs) -> SignupForm:
    """The sign-up form with one optional answer field per question of the workshop."""

    class WorkshopSignupForm(SignupForm):
        pass

    for index, question in enumerate(questions):
        setattr(WorkshopSignupForm, f"answer_{index}", TextAreaField(
            question, widget=GovTextArea(), filters=[strip],
            validators=[Optional(), Length(max=ANSWER_MAX_LENGTH, message=_l(
                "Keep each answer under %(limit)d characters.", limit=ANSWER_MAX_LENGTH))]))
    return WorkshopSignupForm(**kwargs)


class CancelWorkshopForm(FlaskForm):
    reason = TextAreaField(_l("Why is the workshop cancelled?"), widget=GovTextArea(), filters=[strip],
                           description=_l("Everyone signed up gets this in their mail, and it is shown on the "
                                          "workshop's page."),
                           validators=[DataRequired(message=_l(
                               "Say why the workshop is cancelled; everyone signed up will read it.")),
                                       _max(2000)])


class MessageForm(FlaskForm):
    audience = RadioField(_l("To"), widget=GovRadioInput(),
                          choices=[SelectChoice("confirmed", _l("People holding a seat")),
                                   SelectChoice("waitlisted", _l("People on the waitlist")),
                                   SelectChoice("all", _l("Everyone signed up"))],
                          validators=[InputRequired(message=_l("Choose who gets the message."))])
    subject = StringField(_l("Subject"), widget=GovTextInput(), filters=[strip],
                          validators=[DataRequired(message=_l("Enter a subject.")), _max(150)])
    body = TextAreaField(_l("Message"), widget=GovTextArea(), filters=[strip],
                         description=_l("Sent by mail to each person; their own link to see or cancel their "
                                        "registration is added."),
                         validators=[DataRequired(message=_l("Write something first.")), _max(TEXT_MAX_LENGTH)])


class EmptyForm(FlaskForm):
    """A POST with a CSRF token and nothing else."""


class WorkshopFilterForm(PlainForm):
    agency = SelectField(_l("Agency"), widget=GovSelect(), validators=[Optional()])
    case = SelectField(_l("Case"), widget=GovSelect(), validators=[Optional()])

    def set_choices(self, agencies, cases, locale: str) -> None:
        self.agency.choices = [SelectChoice("", _l("All agencies"))] + [
            SelectChoice(agency.code, agency.name(locale)) for agency in agencies]
        self.case.choices = [SelectChoice("", _l("All cases"))] + [
            SelectChoice(case.slug, case.title(locale)) for case in cases]
