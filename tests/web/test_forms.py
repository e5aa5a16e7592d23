"""The view helpers for forms: the status of a form page shown again, and a rule's refusal put
where the person looks, with the session's changes undone."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from civic.agencies.models import Agency
from civic.core.errors import DomainError
from civic.extensions import db
from civic.web.forms import form_status, refusal


class NoteForm(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()
    body = StringField()


def test_a_form_page_is_200_when_asked_for_and_422_when_sent(app):
    with app.test_request_context("/", method="GET"):
        assert form_status(NoteForm()) == 200
    with app.test_request_context("/", method="POST", data={"title": "x"}):
        assert form_status(NoteForm()) == 422


def test_a_refusal_is_undone_and_shown_beside_the_field_it_names(app):
    with app.test_request_context("/", method="POST"):
        form = NoteForm()
        form.validate()
        with refusal(form, "title") as refused:
            db.session.add(Agency(code="W00000001", name_zh="不該留下"))
            db.session.flush()
            raise DomainError("No body.", field="body")
        assert refused and refused.error.message == "No body."
        assert list(form.body.errors) == ["No body."] and not form.title.errors
        assert db.session.scalar(select(Agency).where(Agency.code == "W00000001")) is None


def test_a_refusal_naming_no_field_goes_beside_the_default_one(app):
    with app.test_request_context("/", method="POST"):
        form = NoteForm()
        form.validate()
        with refusal(form, "title") as refused:
            raise DomainError("Not now.")
        assert refused and list(form.title.errors) == ["Not now."]


def test_a_refusal_for_one_field_stays_there_whatever_the_error_names(app):
    with app.test_request_context("/", method="POST"):
        form = NoteForm()
        form.validate()
        with refusal(field=form.title):
            raise DomainError("Not here.", field="body")
        assert list(form.title.errors) == ["Not here."] and not form.body.errors


def test_a_refusal_without_a_form_is_flashed(app):
    with app.test_request_context("/"):
        with refusal() as refused:
            raise DomainError("Refused.")
        assert refused
        assert get_flashed_messages(with_categories=True) == [("error", "Refused.")]


def test_nothing_is_caught_when_the_service_agrees(app):
    with app.test_request_context("/"):
        with refusal() as refused:
            pass
        assert not refused and refused.error is None
        with pytest.raises(ValueError), refusal():
            raise ValueError("not a rule")
