"""updated_at never moves backwards: every change of state of every object of the API, made through
the services, moves its updated_at strictly forward, so that mirrors see it."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from civic.accounts.models import User
from civic.agencies import services as agencies
from civic.agencies.queries import get_agency_by_code
from civic.api.serializers import iso
from civic.cases import services as cases
from civic.cases.models import Case
from civic.cases.queries import get_case_with_parts
from civic.core.permissions import SYSTEM
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import services as feedback
from civic.feedback.models import Comment, Feedback
from civic.feedback.queries import get_feedback
from civic.pledges import services as pledges
from civic.pledges.models import Pledge
from civic.workshops import services as workshops
from civic.workshops.queries import get_workshop
from tests.api.conftest import DEMO_CASE, get_json, walk
from tests.cases.factories import case_input

# A demo contractor whose one pledge is active, and the demo supplier who represents it.
UBN = "94656321"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _at(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["updated_at"])


def _strictly_increasing(stamps: list[datetime]) -> bool:
    return all(earlier < later for earlier, later in pairwise(stamps))


def _comment_in_list(client, comment_id: int) -> dict[str, Any]:
    """The comment as the full list shows it (deleted and hidden ones too)."""
    (found,) = [c for c in walk(client, f"/api/v1/comments?case={DEMO_CASE}&limit=500") if c["id"] == comment_id]
    return found


def test_hiding_restoring_and_deleting_a_reply_each_move_its_updated_at_forward(app, client, seeded):
    with app.test_request_context():
        case = get_case_with_parts(db.session, DEMO_CASE)
        parent_id = get_feedback(db.session, seeded.tracking_number).comment_id
        reply = feedback.submit_comment(db.session, case, feedback.CommentInput(body="補充：請一併公布分包商。",
                                                                                parent_id=parent_id),
                                        author=_user("citizen@demo.civic.tw"))
        db.session.commit()
        reply_id = reply.id
    stamps = [_at(_comment_in_list(client, reply_id))]
    steps = (
        lambda comment: moderation.hide_comment(db.session, comment, actor=_user("moderator@demo.civic.tw"),
                                                reason="off_topic"),
        lambda comment: moderation.restore_comment(db.session, comment, actor=_user("moderator@demo.civic.tw"),
                                                   reason="離題判斷有誤"),
        lambda comment: feedback.delete_comment(db.session, comment, actor=_user("citizen@demo.civic.tw")),
    )
    for step in steps:
        with app.test_request_context():
            step(db.session.get(Comment, reply_id))
            db.session.commit()
        stamps.append(_at(_comment_in_list(client, reply_id)))
    assert _strictly_increasing(stamps)
    assert _comment_in_list(client, reply_id)["state"] == "deleted"


def test_answering_hiding_and_restoring_each_move_a_feedback_items_updated_at_forward(app, client):
    with app.test_request_context():
        case = get_case_with_parts(db.session, DEMO_CASE)
        comment = feedback.submit_comment(db.session, case, feedback.CommentInput(body="車站出入口何時開放？"),
                                          author=_user("citizen@demo.civic.tw"))
        db.session.commit()
        comment_id = comment.id
        number = db.session.scalar(select(Feedback.tracking_number).where(Feedback.comment_id == comment_id))
    path = f"/api/v1/feedback/{number}"
    stamps = [_at(get_json(client, path))]
    steps = (
        lambda item: feedback.publish_response(db.session, item, actor=_user("staff.mrt@demo.civic.tw"),
                                               body="預計明年第一季開放。"),
        lambda item: moderation.hide_comment(db.session, db.session.get(Comment, comment_id),
                                             actor=_user("moderator@demo.civic.tw"), reason="abuse"),
        lambda item: moderation.restore_comment(db.session, db.session.get(Comment, comment_id),
                                                actor=_user("moderator@demo.civic.tw"), reason="經複查後恢復"),
    )
    for step in steps:
        with app.test_request_context():
            step(get_feedback(db.session, number))
            db.session.commit()
        stamps.append(_at(get_json(client, path)))
    assert _strictly_increasing(stamps)
    listed = [item for item in walk(client, "/api/v1/feedback?limit=500") if item["tracking_number"] == number]
    assert listed == [get_json(client, path)]


def test_withdrawing_a_pledge_and_recording_a_breach_move_its_updated_at_forward_and_keep_it_listed(app, client):
    (pledge,) = walk(client, f"/api/v1/pledges?ubn={UBN}")
    stamps = [_at(pledge)]
    steps = (
        lambda found: pledges.withdraw(db.session, found, actor=_user("supplier@demo.civic.tw"),
                                       reason="合約已履行完畢。"),
        lambda found: pledges.record_breach(db.session, found, actor=_user("admin@demo.civic.tw"),
                                            note="經查違反承諾事項。"),
    )
    for step in steps:
        since = iso(utcnow())
        with app.test_request_context():
            step(db.session.scalar(select(Pledge).where(Pledge.receipt == pledge["receipt"])))
            db.session.commit()
        (changed,) = [p for p in walk(client, f"/api/v1/pledges?updated_since={quote(since, safe='')}")
                      if p["receipt"] == pledge["receipt"]]
        assert "deleted" not in changed and changed["status"] == "withdrawn"
        stamps.append(_at(changed))
    assert _strictly_increasing(stamps)


def test_cancelling_a_workshop_moves_its_updated_at_forward_and_keeps_it_listed(app, client, seeded):
    before = get_json(client, f"/api/v1/workshops/{seeded.workshop_id}")
    since = iso(utcnow())
    with app.test_request_context():
        workshop = get_workshop(db.session, seeded.workshop_id)
        holder = db.session.scalar(select(User).where(User.agency_id == workshop.agency_id,
                                                      User.email.like("staff.%")))
        workshops.cancel_workshop(db.session, workshop, actor=holder, reason="颱風來襲，改期舉辦。")
        db.session.commit()
    (changed,) = [w for w in walk(client, f"/api/v1/workshops?updated_since={quote(since, safe='')}")
                  if w["id"] == seeded.workshop_id]
    assert changed["status"] == "cancelled" and "deleted" not in changed
    assert _at(changed) > _at(before)


def test_deactivating_and_reactivating_an_agency_each_move_its_updated_at_forward(app, client):
    def listed() -> dict[str, Any]:
        (found,) = [a for a in walk(client, "/api/v1/agencies?limit=500") if a["code"] == "X00000001"]
        return found

    with app.test_request_context():
        agencies.create_agency(db.session, code="X00000001", name_zh="輪替機關", actor=SYSTEM)
        db.session.commit()
    stamps = [_at(listed())]
    for active in (False, True):
        with app.test_request_context():
            agencies.set_active(db.session, get_agency_by_code(db.session, "X00000001"), active=active,
                                actor=SYSTEM)
            db.session.commit()
        assert listed()["is_active"] is active
        stamps.append(_at(listed()))
    assert _strictly_increasing(stamps)


def test_each_review_decision_and_best_practice_moves_a_cases_updated_at_forward(app, client):
    def stored() -> datetime:
        with app.app_context():
            return db.session.scalar(select(Case.updated_at).where(Case.slug == "reviewed-step-by-step"))

    with app.test_request_context():
        cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input("reviewed-step-by-step"), reason="高風險"), actor=_user("staff.mrt@demo.civic.tw"))
        db.session.commit()
    stamps = [stored()]
    steps = (
        lambda case: cases.return_application(db.session, case, actor=_user("admin@demo.civic.tw"), comment="請補件"),
        lambda case: cases.resubmit_application(db.session, case, actor=_user("staff.mrt@demo.civic.tw")),
        lambda case: cases.approve_application(db.session, case, actor=_user("admin@demo.civic.tw")),
        lambda case: cases.set_best_practice(db.session, case, actor=_user("admin@demo.civic.tw"), is_best=True,
                                             reason_zh="資訊公開完整", reason_en=""),
        lambda case: cases.set_best_practice(db.session, case, actor=_user("admin@demo.civic.tw"), is_best=False,
                                             reason_zh="", reason_en=""),
    )
    for step in steps:
        with app.test_request_context():
            step(get_case_with_parts(db.session, "reviewed-step-by-step"))
            db.session.commit()
        stamps.append(stored())
    assert _strictly_increasing(stamps)
    assert _at(get_json(client, "/api/v1/cases/reviewed-step-by-step")) == stamps[-1]
