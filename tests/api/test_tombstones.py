"""Tombstones: with updated_since, every list also gives what left public view since then, as
{"<identifier>": ..., "deleted": true, "updated_at": ...}, in the one order of the list."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from civic.accounts.models import User
from civic.agencies import services as agencies
from civic.agencies.queries import get_agency_by_code
from civic.api.serializers import iso
from civic.cases import services as cases
from civic.cases.models import Case, ReviewState
from civic.cases.queries import get_case_with_parts
from civic.core.permissions import SYSTEM
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import services as feedback
from civic.feedback.models import Comment, Feedback
from civic.pledges import services as pledges
from tests.api.conftest import DEMO_CASE, HIDDEN_TEXT, get_json, walk
from tests.cases.factories import case_input

LISTS = ("/api/v1/cases", "/api/v1/comments", "/api/v1/feedback", "/api/v1/workshops", "/api/v1/pledges",
         "/api/v1/agencies", "/api/v1/pledge-texts")


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _now() -> str:
    return iso(utcnow())


def _changed(client, path: str, since: str, limit: int = 500) -> list[dict[str, Any]]:
    joiner = "&" if "?" in path else "?"
    return walk(client, f"{path}{joiner}limit={limit}&updated_since={quote(since, safe='')}")


def _find(objects: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    (found,) = [item for item in objects if item.get(key) == value]
    return found


def _is_tombstone(item: dict[str, Any], key: str, value: Any) -> bool:
    return set(item) == {key, "deleted", "updated_at"} and item[key] == value and item["deleted"] is True


def _at(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["updated_at"])


def _comment(app, body: str, slug: str = DEMO_CASE) -> tuple[int, str]:
    """A top-level comment by the demo citizen: its id and its item's tracking number."""
    with app.test_request_context():
        case = get_case_with_parts(db.session, slug)
        comment = feedback.submit_comment(db.session, case, feedback.CommentInput(body=body),
                                          author=_user("citizen@demo.civic.tw"))
        db.session.commit()
        return comment.id, db.session.scalar(select(Feedback.tracking_number).where(Feedback.comment_id == comment.id))


def _published_case(app, slug: str) -> None:
    with app.test_request_context():
        case = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input(slug, title_zh=f"新案 {slug}"), reason="測試"), actor=_user("staff.mrt@demo.civic.tw"))
        cases.approve_application(db.session, case, actor=_user("admin@demo.civic.tw"))
        db.session.commit()


@pytest.mark.parametrize("path", LISTS)
def test_without_updated_since_no_list_carries_a_tombstone(client, path):
    objects = walk(client, f"{path}?limit=500")
    assert objects and not [item for item in objects if "deleted" in item]


def test_a_full_list_keeps_hidden_and_deleted_comments_in_place_without_their_words(client, seeded):
    comments = {comment["id"]: comment for comment in walk(client, "/api/v1/comments?limit=500")}
    assert comments[seeded.hidden_comment_id]["state"] == "hidden"
    assert comments[seeded.deleted_comment_id]["state"] == "deleted"
    assert comments[seeded.hidden_comment_id]["body_html"] is None


def test_a_hidden_comment_is_a_tombstone_for_mirrors_until_a_moderator_restores_it(app, client):
    comment_id, number = _comment(app, "請公布每月的施工進度。")
    since = _now()
    with app.test_request_context():
        moderation.hide_comment(db.session, db.session.get(Comment, comment_id),
                                actor=_user("moderator@demo.civic.tw"), reason="off_topic")
        db.session.commit()

    gone = _find(_changed(client, "/api/v1/comments", since), "id", comment_id)
    assert _is_tombstone(gone, "id", comment_id)
    gone_item = _find(_changed(client, "/api/v1/feedback", since), "tracking_number", number)
    assert _is_tombstone(gone_item, "tracking_number", number)
    assert number not in {item["tracking_number"] for item in walk(client, "/api/v1/feedback?limit=500")}

    with app.test_request_context():
        moderation.restore_comment(db.session, db.session.get(Comment, comment_id),
                                   actor=_user("moderator@demo.civic.tw"), reason="經複查後恢復")
        db.session.commit()
    back = _find(_changed(client, "/api/v1/comments", since), "id", comment_id)
    assert back["state"] == "visible" and "deleted" not in back and _at(back) > _at(gone)
    back_item = _find(_changed(client, "/api/v1/feedback", since), "tracking_number", number)
    assert back_item["comment"]["state"] == "visible" and _at(back_item) > _at(gone_item)


def test_a_deleted_comment_and_the_item_it_withdraws_are_tombstones(app, client):
    comment_id, number = _comment(app, "施工期間的噪音管制標準是什麼？")
    since = _now()
    with app.test_request_context():
        feedback.delete_comment(db.session, db.session.get(Comment, comment_id),
                                actor=_user("citizen@demo.civic.tw"))
        db.session.commit()

    assert _is_tombstone(_find(_changed(client, "/api/v1/comments", since), "id", comment_id), "id", comment_id)
    assert _is_tombstone(_find(_changed(client, "/api/v1/feedback", since), "tracking_number", number),
                         "tracking_number", number)
    # The item's own page keeps the public record: closed, withdrawn, without the words.
    item = get_json(client, f"/api/v1/feedback/{number}")
    assert item["status"] == "closed" and item["comment"]["state"] == "deleted"
    assert "withdrawn" in [event["kind"] for event in item["history"]]


def test_tombstones_carry_nothing_but_the_identifier_and_the_time(app, client, seeded):
    everything = [item for path in LISTS for item in _changed(client, path, "2000-01-01")]
    tombstones = [item for item in everything if "deleted" in item]
    assert {item.get("id") for item in tombstones} >= {seeded.hidden_comment_id, seeded.deleted_comment_id}
    assert all(len(item) == 3 and item["deleted"] is True for item in tombstones)
    assert HIDDEN_TEXT not in str(everything)


def test_a_case_that_leaves_publication_takes_its_comments_items_and_texts_with_it(app, client):
    _published_case(app, "leaves-publication")
    comment_id, number = _comment(app, "這個案件的預算怎麼分配？", slug="leaves-publication")
    with app.test_request_context():
        case = get_case_with_parts(db.session, "leaves-publication")
        text_id = pledges.publish_text(db.session, pledges.TextInput(title_zh="本案承諾書", body_zh="本案專用條款。"),
                                       case=case, actor=_user("admin@demo.civic.tw")).id
        db.session.commit()
    since = _now()
    # No service unpublishes a case yet: the review state is set back as one would.
    with app.test_request_context():
        db.session.execute(update(Case.__table__).where(Case.slug == "leaves-publication")
                           .values(review_state=ReviewState.returned, updated_at=utcnow()))
        db.session.commit()

    assert _is_tombstone(_find(_changed(client, "/api/v1/cases", since), "slug", "leaves-publication"),
                         "slug", "leaves-publication")
    assert _is_tombstone(_find(_changed(client, "/api/v1/comments", since), "id", comment_id), "id", comment_id)
    assert _is_tombstone(_find(_changed(client, "/api/v1/feedback", since), "tracking_number", number),
                         "tracking_number", number)
    assert _is_tombstone(_find(_changed(client, "/api/v1/pledge-texts", since), "id", text_id), "id", text_id)
    assert "leaves-publication" not in {case["slug"] for case in walk(client, "/api/v1/cases?limit=500")}

    since_gone = _now()
    with app.test_request_context():
        case = get_case_with_parts(db.session, "leaves-publication")
        cases.resubmit_application(db.session, case, actor=_user("staff.mrt@demo.civic.tw"))
        cases.approve_application(db.session, case, actor=_user("admin@demo.civic.tw"))
        db.session.commit()
    assert _find(_changed(client, "/api/v1/cases", since_gone), "slug", "leaves-publication")["title"]
    assert _find(_changed(client, "/api/v1/comments", since_gone), "id", comment_id)["state"] == "visible"
    assert _find(_changed(client, "/api/v1/feedback", since_gone), "tracking_number", number)["case"] \
        == "leaves-publication"
    assert _find(_changed(client, "/api/v1/pledge-texts", since_gone), "id", text_id)["case"] == "leaves-publication"


def test_a_case_that_was_never_published_is_never_named(app, client):
    since = _now()
    with app.test_request_context():
        staff, admin = _user("staff.mrt@demo.civic.tw"), _user("admin@demo.civic.tw")
        returned = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input("never-published-returned"), reason="內部理由"), actor=staff)
        cases.return_application(db.session, returned, actor=admin, comment="請補件")
        rejected = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input("never-published-rejected"), reason="內部理由"), actor=staff)
        cases.reject_application(db.session, rejected, actor=admin, comment="不符資格")
        pledges.publish_text(db.session, pledges.TextInput(title_zh="未公開案件的承諾書", body_zh="條款。"),
                             case=returned, actor=admin)
        db.session.commit()
    text = " ".join(str(_changed(client, path, since)) for path in LISTS)
    assert "never-published" not in text and "未公開案件的承諾書" not in text


def test_a_deleted_agency_and_a_code_given_up_are_tombstones(app, client):
    since = _now()
    with app.test_request_context():
        doomed = agencies.create_agency(db.session, code="Z00000001", name_zh="裁撤機關", actor=SYSTEM)
        renamed = agencies.create_agency(db.session, code="Z00000002", name_zh="改碼機關", actor=SYSTEM)
        db.session.commit()
        agencies.delete_agency(db.session, doomed, actor=SYSTEM)
        agencies.save_agency(db.session, agencies.AgencyInput(code="Z00000003", name_zh="改碼機關"),
                             agency=renamed, actor=SYSTEM)
        db.session.commit()

    changed = _changed(client, "/api/v1/agencies", since)
    assert _is_tombstone(_find(changed, "code", "Z00000001"), "code", "Z00000001")
    assert _is_tombstone(_find(changed, "code", "Z00000002"), "code", "Z00000002")
    assert _find(changed, "code", "Z00000003")["name"] == "改碼機關"
    codes = [agency["code"] for agency in changed]
    assert codes.index("Z00000002") < codes.index("Z00000003")
    assert {"Z00000001", "Z00000002"}.isdisjoint(agency["code"] for agency in walk(client, "/api/v1/agencies"))


def test_a_closed_agency_stays_listed_as_a_change_not_a_tombstone(app, client):
    since = _now()
    with app.test_request_context():
        agency = agencies.create_agency(db.session, code="Z00000004", name_zh="停用機關", actor=SYSTEM)
        db.session.commit()
        agencies.set_active(db.session, agency, active=False, actor=SYSTEM)
        db.session.commit()
    closed = _find(_changed(client, "/api/v1/agencies", since), "code", "Z00000004")
    assert closed["is_active"] is False and "deleted" not in closed


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_walk_through_objects_and_tombstones_misses_nothing_and_repeats_nothing(app, client, limit):
    since = _now()
    with app.test_request_context():
        made = [agencies.create_agency(db.session, code=f"Y0000000{n}", name_zh=f"機關{n}", actor=SYSTEM)
                for n in range(6)]
        db.session.commit()
        for agency in made[::2]:
            agencies.delete_agency(db.session, agency, actor=SYSTEM)
            db.session.commit()
        agencies.set_active(db.session, get_agency_by_code(db.session, "Y00000001"), active=False, actor=SYSTEM)
        db.session.commit()
    comments = [_comment(app, f"第 {n} 個問題：工期多久？")[0] for n in range(4)]
    with app.test_request_context():
        for comment_id in comments[1::2]:
            moderation.hide_comment(db.session, db.session.get(Comment, comment_id),
                                    actor=_user("moderator@demo.civic.tw"), reason="spam")
            db.session.commit()

    for path, key in (("/api/v1/agencies", "code"), ("/api/v1/comments", "id"), ("/api/v1/feedback",
                                                                                  "tracking_number")):
        whole = _changed(client, path, since)
        paged = _changed(client, path, since, limit=limit)
        assert paged == whole, path
        assert [_at(item) for item in paged] == sorted(_at(item) for item in paged)
        keys = [item[key] for item in paged]
        assert len(keys) == len(set(keys)), path
    agency_tombstones = {item["code"] for item in _changed(client, "/api/v1/agencies", since) if "deleted" in item}
    assert agency_tombstones == {"Y00000000", "Y00000002", "Y00000004"}
    comment_tombstones = {item["id"] for item in _changed(client, "/api/v1/comments", since) if "deleted" in item}
    assert comment_tombstones == set(comments[1::2])
