"""A comment that reads like an allegation of corruption is offered the confidential report channel,
and is never refused or held back for it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from civic.extensions import db
from civic.feedback.allegations import looks_like_allegation
from civic.feedback.models import Comment
from tests.support import login, post_form


@pytest.mark.parametrize("text", ["承包商疑似給了回扣", "這案子有人綁標", "廠商圍標", "涉嫌賄賂", "A KICKBACK was paid",
                                  "looks like bid rigging"])
def test_allegation_words_are_recognised(text):
    assert looks_like_allegation(text)


@pytest.mark.parametrize("text", ["", None, "請問交通維持計畫？", "What is the schedule?"])
def test_ordinary_questions_are_not(text):
    assert not looks_like_allegation(text)


def _hint(page: str) -> str:
    return re.search(r"<div[^>]*data-allegation-hint[^>]*>", page).group(0)


def test_the_form_carries_the_words_and_a_hidden_hint_pointing_at_the_report_page(client, citizen, published_case):
    login(client, citizen)
    page = client.get(f"/cases/{published_case}").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-allegation-words="[^"]*回扣[^"]*綁標', page)
    assert " hidden" in _hint(page)
    assert f'href="/report?case={published_case}"' in page


def test_a_refused_comment_with_an_allegation_shows_the_hint(app, client, citizen, published_case):
    login(client, citizen)
    response = post_form(client, f"/cases/{published_case}/comments", {"body": "回扣" + "字" * 5001},
                         form_page=f"/cases/{published_case}")
    assert response.status_code == 422
    assert " hidden" not in _hint(response.get_data(as_text=True))


def test_an_allegation_is_still_posted_when_the_writer_chooses_to(app, client, citizen, published_case):
    login(client, citizen)
    response = post_form(client, f"/cases/{published_case}/comments", {"body": "聽說這標案有回扣"},
                         form_page=f"/cases/{published_case}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Comment.body_source)).all() == ["聽說這標案有回扣"]
