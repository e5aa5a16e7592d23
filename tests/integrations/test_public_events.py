"""The public events the services write in the same transaction as the change they tell of, for
webhooks (and digests) to read: a published case changed (once per change, with its entries), an
answer published, an item overdue, a workshop opened, a pledge signed or withdrawn. Public data only."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from civic.accounts.models import User
from civic.cases import queries as case_queries
from civic.cases import services as case_services
from civic.cases.models import HistoryEntry
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import deadlines, follow_ups
from civic.feedback import services as feedback_services
from civic.feedback.queries import get_feedback
from civic.notifications.models import Event
from civic.pledges import services as pledge_services
from tests.cases import factories as case_factories
from tests.feedback.conftest import post
from tests.workshops.conftest import hold


def events(app, name: str | None = None) -> list[Event]:
    with app.app_context():
        statement = select(Event).order_by(Event.id)
        if name is not None:
            statement = statement.where(Event.name == name)
        return list(db.session.scalars(statement))


def test_a_case_tells_of_itself_once_published_and_once_per_change(app, staff, admin):
    slug = case_factories.apply(app, staff)
    # An application is nobody's business yet.
    assert events(app, "case.changed") == []
    case_factories.publish(app, admin, slug)
    [published] = events(app, "case.changed")
    assert published.payload["slug"] == slug and published.payload["published"] is True
    assert published.payload["title"] == "臺北捷運萬大線" and published.payload["title_en"] == "Taipei MRT Wanda Line"
    assert published.payload["agency"] == "A00000001" and published.agency_id is not None
    assert published.payload["url"] == f"http://civic.test/cases/{slug}"
    assert published.payload["history_url"] == f"http://civic.test/api/v1/cases/{slug}/history"

    # One change of several fields is one event naming each entry it made.
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        case_services.update_case(db.session, case, case_factories.case_input(
            slug, title_en="Taipei Metro Wanda Line", budget_ntd=47_000_000_000, contract_value_ntd=10_000_000_000),
            actor=db.session.get(User, admin.id), reason="依決標結果更新")
        db.session.commit()
        entries = list(db.session.scalars(select(HistoryEntry.seq).where(HistoryEntry.case_id == case.id)
                                          .order_by(HistoryEntry.seq)))
    first, changed = events(app, "case.changed")
    assert changed.case_id == first.case_id
    assert changed.payload["entries"] == [entries[-1]]
    assert changed.payload["changes"] == [{"seq": entries[-1], "action": "updated", "part": {"kind": "case",
                                                                                           "id": changed.case_id}}]
    assert changed.payload["title_en"] == "Taipei Metro Wanda Line"
    # Public data only: not who made the change, nor the reason's author.
    assert "admin@example.tw" not in json.dumps(changed.payload, ensure_ascii=False)


def test_an_answer_names_the_item_and_the_case(app, citizen, staff, published_case):
    number = post(app, citizen, published_case)[1]
    with app.test_request_context():
        feedback = get_feedback(db.session, number)
        feedback_services.publish_response(db.session, feedback, actor=db.session.get(User, staff.id),
                                           body="已完成審查。")
        db.session.commit()
    [event] = events(app, "answer.published")
    assert event.payload["tracking_number"] == number and event.payload["slug"] == published_case
    assert event.payload["case"]["slug"] == published_case and event.payload["follow_up"] is False
    assert event.payload["url"] == f"http://civic.test/feedback/{number}"
    assert citizen.email not in json.dumps(event.payload) and staff.email not in json.dumps(event.payload)

    # The further answer to the author's follow-up is published news too.
    with app.test_request_context():
        feedback = get_feedback(db.session, number)
        follow_ups.follow_up(db.session, feedback, "這沒有回答我的問題。", actor=db.session.get(User, citizen.id))
        db.session.commit()
        feedback = get_feedback(db.session, number)
        feedback_services.publish_response(db.session, feedback, actor=db.session.get(User, staff.id),
                                           body="補充說明如下。")
        db.session.commit()
    _first, further = events(app, "answer.published")
    assert further.payload["tracking_number"] == number and further.payload["follow_up"] is True


def test_an_item_past_its_deadline_is_told_of_once(app, citizen, published_case):
    number = post(app, citizen, published_case)[1]
    later = utcnow() + timedelta(days=60)
    for _ in range(2):
        with app.test_request_context():
            deadlines.check_deadlines(db.session, now=later)
            db.session.commit()
    [event] = events(app, "feedback.overdue")
    assert event.payload["tracking_number"] == number and event.payload["slug"] == published_case
    assert event.payload["overdue_at"] is not None


def test_a_workshop_tells_of_itself_without_its_online_link(app, staff, published_case):
    workshop_id = hold(app, staff, case_slug=published_case)
    [event] = events(app, "workshop.opened")
    data = event.payload
    assert data["id"] == workshop_id and data["slug"] == published_case and data["agency"] == "A00000001"
    assert data["online"] is True and data["capacity"] == 3 and data["seats_left"] == 3
    assert data["url"] == f"http://civic.test/workshops/{workshop_id}"
    assert "meet.example.tw" not in json.dumps(data)
    # The workshop's own fields under "workshop", beside the case and agency every event carries.
    assert data["workshop"]["id"] == workshop_id and data["workshop"]["capacity"] == 3
    assert data["workshop"]["url"] == data["url"] and data["case"]["slug"] == published_case


def test_a_pledge_signed_and_withdrawn_without_its_signers_name(app, supplier, admin, published_case):

    with app.test_request_context():
        from civic.pledges import default_text

        pledge_services.publish_text(db.session, pledge_services.TextInput(
            title_zh=default_text.TITLE_ZH, body_zh=default_text.BODY_ZH), case=None,
            actor=db.session.get(User, admin.id))
        case = case_queries.get_case_by_slug(db.session, published_case)
        actor = db.session.get(User, supplier.id)
        pledge = pledge_services.sign(db.session, pledge_services.SignInput(
            ubn="90000006", signer_name="王大明", signer_title="負責人", agree=True, case=case), actor=actor)
        pledge_services.withdraw(db.session, pledge, actor=actor, reason="公司已解散")
        db.session.commit()
        receipt = pledge.receipt
    [signed] = events(app, "pledge.signed")
    [withdrawn] = events(app, "pledge.withdrawn")
    assert signed.payload["receipt"] == receipt and signed.payload["ubn"] == "90000006"
    assert signed.payload["slug"] == published_case and signed.agency_id is not None
    assert withdrawn.payload["withdrawal_reason"] == "公司已解散" and withdrawn.payload["status"] == "withdrawn"
    for event in (signed, withdrawn):
        assert "王大明" not in json.dumps(event.payload, ensure_ascii=False)
        assert event.payload["url"] == f"http://civic.test/pledges/{receipt}"
        # The pledge's own fields under "pledge", beside the case and agency every event carries.
        assert event.payload["pledge"]["receipt"] == receipt and event.payload["pledge"]["ubn"] == "90000006"
        assert event.payload["case"]["slug"] == published_case and event.payload["agency"] == "A00000001"
    assert withdrawn.payload["pledge"]["status"] == "withdrawn"


def test_every_event_carries_its_case_and_agency_in_one_shape(app, citizen, other_citizen, staff, supplier, admin,
                                                               published_case):
    """Bots read every event the same way: "case" (the case's summary, or null), "agency" (a code, or
    null) and "slug", then the event's own fields."""
    _comment_id, number = post(app, citizen, published_case)
    with app.test_request_context():
        feedback = get_feedback(db.session, number)
        feedback_services.submit_comment(db.session, case_queries.get_case_by_slug(db.session, published_case),
                                         feedback_services.CommentInput(body="我也想知道。",
                                                                        parent_id=feedback.comment_id),
                                         author=db.session.get(User, other_citizen.id))
        db.session.commit()
    with app.test_request_context():
        deadlines.check_deadlines(db.session, now=utcnow() + timedelta(days=60))
        db.session.commit()
    with app.test_request_context():
        feedback_services.publish_response(db.session, get_feedback(db.session, number),
                                           actor=db.session.get(User, staff.id), body="已完成審查。")
        db.session.commit()
    hold(app, staff, case_slug=published_case)
    with app.test_request_context():
        from civic.pledges import default_text

        pledge_services.publish_text(db.session, pledge_services.TextInput(
            title_zh=default_text.TITLE_ZH, body_zh=default_text.BODY_ZH), case=None,
            actor=db.session.get(User, admin.id))
        pledge_services.sign(db.session, pledge_services.SignInput(
            ubn="90000006", signer_name="王大明", signer_title="負責人", agree=True, case=None),
            actor=db.session.get(User, supplier.id))
        db.session.commit()

    found = events(app)
    assert {event.name for event in found} == {"case.changed", "comment.posted", "feedback.overdue",
                                               "answer.published", "workshop.opened", "pledge.signed"}
    for event in found:
        assert {"case", "agency", "slug"} <= event.payload.keys(), event.name
        if event.name == "pledge.signed":
            # A pledge for every case names none, and so no agency.
            assert event.payload["case"] is None and event.payload["agency"] is None
            assert event.payload["slug"] is None and event.payload["pledge"]["ubn"] == "90000006"
        else:
            assert event.payload["case"]["slug"] == event.payload["slug"] == published_case, event.name
            assert event.payload["agency"] == "A00000001", event.name
    first, reply = events(app, "comment.posted")
    # A reply is told with its thread's item.
    assert first.payload["tracking_number"] == reply.payload["tracking_number"] == number
    assert reply.payload["reply_to"] == first.payload["comment_id"]
