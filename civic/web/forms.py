"""Form pieces every domain shares: whole numbers as people type them, the status of a form page,
showing a domain rule's refusal next to the field it concerns, and the usual POST of a form page or
of a button.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import abort, flash, redirect, session
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from sqlalchemy.exc import IntegrityError
from wtforms import Form, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from civic.core.codes import READABLE_CODE, READABLE_CODE_MAX
from civic.core.errors import Conflict, DomainError
from civic.core.text import CONTROL_CHARACTERS
from civic.extensions import db

# Digits and separators typed with a Chinese input method come out full width.
FULL_WIDTH = str.maketrans("０１２３４５６７８９，．：－", "0123456789,.:-")
# What a form says when its change met another, made at the same moment, at a unique constraint.
CLASHED = _l("Someone else saved a change here at the same moment, and yours clashes with it. Check what is "
             "there now and send yours again if it is still needed.")




class PlainForm(Form):
    """A form read from the query string (filters, search) or nested in another: no CSRF token, and
    WTForms' own messages ("Not a valid choice.") in the page's language, as in every ``FlaskForm``.
    """

    class Meta:
        def get_translations(self, form):
            return wtforms_translations


def strip(value):
    """A field filter: text without surrounding spaces or control characters; anything else as it is."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


class TypedField(StringField):
    """A value people type: full-width digits and separators count as plain ones, nothing typed is
    None, and what was typed is shown back unchanged. Subclasses say how to ``parse`` the text
    (raising ValueError with the message to show) and how to ``show`` a value."""

    widget = GovTextInput()

    def tidy(self, text: str) -> str:
        """The typed text as ``parse`` wants it: here without surrounding spaces."""
        return text.strip()

    def parse(self, text: str):
        raise NotImplementedError

    def show(self, value) -> str:
        return str(value)

    def process_formdata(self, valuelist):
        self.data = None
        text = self.tidy((valuelist[0] if valuelist else "").translate(FULL_WIDTH))
        if text:
            self.data = self.parse(text)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.show(self.data)


class WholeNumberField(TypedField):
    """A whole number; accepts full-width digits and 1,234,567 as people type them.

    Anything else is refused with ``message`` (our own, in the page's language, where WTForms'
    IntegerField would say "Not a valid integer value" in its own words).
    """

    def __init__(self, label=None, validators=None, *, message, max_digits: int = 16, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.message = message
        self.pattern = re.compile(rf"\d{{1,{max_digits}}}")

    def tidy(self, text: str) -> str:
        return text.replace(",", "").replace(" ", "").strip()

    def parse(self, text: str) -> int:
        if not self.pattern.fullmatch(text):
            raise ValueError(str(self.message))
        return int(text)


class DayField(TypedField):
    """A day typed as YYYY-MM-DD (full-width digits too); ``data`` is the date.

    Only 1900 to 2100: no record of ours lies outside, and a year like 0001 cannot be turned into
    a time in Taipei.
    """

    earliest = date(1900, 1, 1)
    latest = date(2100, 12, 31)

    def parse(self, text: str) -> date:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(str(_l("Enter a real date, like 2024-03-19."))) from None
        if not self.earliest <= day <= self.latest:
            raise ValueError(str(_l("Enter a date between 1900 and 2100.")))
        return day

    def show(self, value: date) -> str:
        return value.isoformat()


def readable_code_field(*, description, required, invalid) -> StringField:
    """The fixed code of a sector or a commitment: required, lowercase words joined by hyphens."""
    return StringField(_l("Code"), widget=GovTextInput(), filters=[strip], description=description,
                       validators=[DataRequired(message=required),
                                   Length(max=READABLE_CODE_MAX, message=_l("At most 40 characters.")),
                                   Regexp(rf"^{READABLE_CODE.pattern}$", message=invalid)])


def attach_error(form, error: DomainError, default_field: str) -> None:
    """Add ``error``'s message to the field it names (or ``default_field``) of ``form``."""
    field = getattr(form, error.field or default_field, None) or getattr(form, default_field)
    field.errors = [*field.errors, error.message]


def attach_rule_errors(form, errors: list[DomainError], default_field: str) -> bool:
    """Put each of a rule's ``errors`` beside its field of ``form`` (or ``default_field``), unless
    that field already shows one of its own; so one submission shows every problem, and a bad
    shape is not explained twice. Returns whether the form is still valid."""
    valid = True
    for error in errors:
        field = getattr(form, error.field or default_field, None) or getattr(form, default_field)
        if not field.errors:
            field.errors = [*field.errors, error.message]
            valid = False
    return valid


def form_status(form) -> int:
    """The status of a form page that is shown again: 422 when it was sent and refused, 200 when
    it is merely asked for."""
    return 422 if form.is_submitted() else 200


@dataclass
class Refusal:
    """What ``refusal`` caught: true when the service refused, with its error."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def refusal(form=None, default_field: str | None = None, *, field=None) -> Iterator[Refusal]:
    """Run a service call; when a rule refuses it (``DomainError``), or it clashes with a change
    made at the same moment (IntegrityError), undo the session's changes and put the message where
    the person looks: beside the field it names (or ``default_field``) of
    ``form``; beside ``field`` whatever the error names; or, with neither, in a flash message. The
    view then shows its page with 422, or redirects::

        with refusal(form, "body") as refused:
            item = services.submit_comment(case, author=current_user, body=form.body.data)
        if refused:
            return render_case(case, comment_form=form), 422
    """
    caught = Refusal()
    try:
        yield caught
    except DomainError as error:
        db.session.rollback()
        caught.error = error
    except IntegrityError:
        # Another change made at the same moment took what this one needs (a unique name, number...).
        db.session.rollback()
        caught.error = Conflict(str(CLASHED))
    if caught.error is not None:
        error = caught.error
        if field is not None:
            field.errors = [*field.errors, error.message]
        elif form is not None:
            attach_error(form, error, default_field)
        else:
            flash(error.message, "error")


def post_form(form, call: Callable[[], object], *, show: Callable[[int], object], field: str, done: str,
              then: str | Callable[[], str]):
    """The usual POST of a form page: when ``form`` is valid, run the service ``call`` (a refusal is
    shown beside ``field``), commit, flash ``done`` and redirect to ``then`` (a URL, or a function
    that finds it); otherwise ``show(status)`` the page again."""
    if not form.validate_on_submit():
        return show(form_status(form))
    with refusal(form, field) as refused:
        call()
    if refused:
        return show(422)
    db.session.commit()
    flash(done, "success")
    return redirect(then() if callable(then) else then)


def post_button(call: Callable[[], object], *, done: str, then: str):
    """The POST of a button that carries only the CSRF token: 400 without a valid token; otherwise
    run the service ``call`` (a refusal is flashed), commit, flash ``done``; then redirect to ``then``."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        call()
    if not refused:
        db.session.commit()
        flash(done, "success")
    return redirect(then)


# Forms whose answer shows a secret once carry a random ``submission`` value; the session remembers
# the last ones that made something, so sending the same form again (a reload of the answer) makes
# nothing new and says so instead of quietly making a second token or hook with another secret.
SENT_FORMS = "sent_forms"
SENT_FORMS_KEPT = 20


def submission_field() -> HiddenField:
    return HiddenField(default=lambda: secrets.token_urlsafe(16))


def already_sent(submission: str | None) -> bool:
    """Whether this browser's session already made something with the form it sent as ``submission``."""
    return bool(submission) and submission in session.get(SENT_FORMS, [])


def remember_sent(submission: str | None) -> None:
    """Note, after the commit, that the form sent as ``submission`` made what it asked for."""
    if submission:
        session[SENT_FORMS] = [*session.get(SENT_FORMS, []), submission][-SENT_FORMS_KEPT:]
