"""Workshop forms: field shapes and messages. Choices and questions are handed in by the views.

Field names of the new-workshop form and the sign-up form are part of the public contract.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime

from flask_babel import LazyString
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
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.accounts.forms import email_field
from civic.core.time import ROC_YEAR_OFFSET, from_taipei_local, to_taipei, utcnow
from civic.web.forms import PlainForm, TypedField, WholeNumberField, attach_rule_errors, strip
from civic.web.templating import format_datetime
from civic.workshops.models import Workshop
from civic.workshops.services import (
    ANSWER_MAX_LENGTH,
    MAX_CAPACITY,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    SignupInput,
    WorkshopInput,
    signup_errors,
    workshop_errors,
)

# The browser's date-time picker sends 2026-03-19T14:00; by hand people also write 2026/3/19 14:00, the
# way the site shows times (民國115年3月19日 14:00, 19 Mar 2026 14:00), or a western year with 年月日.
_NUMERIC = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:T|\s+)(\d{1,2}):(\d{2})")
_CHINESE = re.compile(r"(?:民國)?\s*(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(\d{1,2}):(\d{2})")
_ENGLISH = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})")
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}


def _typed_time(text: str) -> datetime:
    """The Taipei time ``text`` says, naive; ValueError when it says none."""
    if match := _NUMERIC.fullmatch(text):
        return datetime(*(int(part) for part in match.groups()))
    if match := _CHINESE.fullmatch(text):
        year, month, day, hour, minute = (int(part) for part in match.groups())
        return datetime(year + ROC_YEAR_OFFSET if year < 1000 else year, month, day, hour, minute)
    if (match := _ENGLISH.fullmatch(text)) and match[2][:3].lower() in _MONTHS:
        return datetime(int(match[3]), _MONTHS[match[2][:3].lower()], int(match[1]), int(match[4]), int(match[5]))
    raise ValueError(text)


def example_time(hour: int) -> LazyString:
    """An example time as the site shows times, in the page's language: 民國115年3月19日 14:00."""
    return LazyString(lambda: format_datetime(from_taipei_local(datetime(2026, 3, 19, hour))))


class TaipeiDateTimeField(TypedField):
    """A time in Taipei from the browser's date-time picker (YYYY-MM-DDTHH:MM) or typed as people
    write it; data is aware UTC."""

    def parse(self, text: str) -> datetime:
        try:
            local = _typed_time(text)
        except ValueError as error:
            raise ValueError(str(_l("Enter a date and time in Taipei time, like %(example)s.",
                                    example=example_time(14)))) from error
        return from_taipei_local(local)

    def show(self, value: datetime) -> str:
        return to_taipei(value).strftime("%Y-%m-%dT%H:%M")


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
        _l("Starts"), description=_l("Taipei time, like %(example)s.", example=example_time(14)),
        validators=[InputRequired(message=_l("Enter when the workshop starts."))])
    ends_at = TaipeiDateTimeField(
        _l("Ends"), description=_l("Taipei time, like %(example)s.", example=example_time(16)),
        validators=[InputRequired(message=_l("Enter when the workshop ends."))])
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

    # The workshop being changed (handed in by the edit view): its seats taken and its start.
    existing: Workshop | None = None

    def workshop_input(self) -> WorkshopInput:
        """What was typed, as the workshop services take it."""
        return WorkshopInput(
            title=self.title.data or "", starts_at=self.starts_at.data, ends_at=self.ends_at.data,
            capacity=self.capacity.data, location=self.location.data or "", online_url=self.online_url.data or "",
            description=self.description.data or "", case_slug=self.case.data or None,
            signup_deadline_at=self.signup_deadline.data, accessibility=self.accessibility.data or "",
            questions=self.question_lines())

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the workshop rules (end after start, sign-ups closing by the start,
        seats, ...) on each field that has no error yet: every problem in one submission."""
        valid = super().validate(extra_validators)
        errors = workshop_errors(self.workshop_input(), now=utcnow(), existing=self.existing)
        return attach_rule_errors(self, errors, "title") and valid

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

    # The workshop signed up for (handed in by ``signup_form``): its questions.
    workshop: Workshop | None = None

    def answers(self) -> list[str]:
        return [field.data or "" for name, field in self._fields.items() if name.startswith("answer_")]

    def signup_input(self) -> SignupInput:
        """What was typed, as ``sign_up`` takes it."""
        return SignupInput(name=self.name.data or "", email=self.email.data or "", phone=self.phone.data or "",
                           consent=bool(self.consent.data), answers=self.answers())

    def validate(self, extra_validators=None) -> bool:
        """The field shapes, then the sign-up rules (a phone number that can be called, ...) on each
        field that has no error yet: a bad email and a bad phone number show together."""
        valid = super().validate(extra_validators)
        if self.workshop is None:
            return valid
        return attach_rule_errors(self, signup_errors(self.signup_input(), self.workshop), "name") and valid

    def answer_fields(self) -> list[Field]:
        return [field for name, field in self._fields.items() if name.startswith("answer_")]


def signup_form(workshop: Workshop, **kwargs) -> SignupForm:
    """The sign-up form with one optional answer field per question of the workshop."""

    class WorkshopSignupForm(SignupForm):
        pass

    for index, question in enumerate(workshop.questions):
        setattr(WorkshopSignupForm, f"answer_{index}", TextAreaField(
            question, widget=GovTextArea(), filters=[strip],
            validators=[Optional(), Length(max=ANSWER_MAX_LENGTH, message=_l(
                "Keep each answer under %(limit)d characters.", limit=ANSWER_MAX_LENGTH))]))
    form = WorkshopSignupForm(**kwargs)
    form.workshop = workshop
    return form


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
