"""Moderation that can be undone: the list of hidden comments, restoring with a public reason,
the authors' mail, no second report of a hidden comment; with every role that must be refused.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.roles import Role
from civic.core.time import TAIPEI
from civic.extensions import db
from civic.feedback import moderation, queries
from civic.feedback.models import Comment, Report
from civic.notifications.models import OutboxMessage
from civic.notifications.worker import deliver_pending
from tests.conftest import make_account
from tests.feedback.conftest import post
from tests.support import csrf_token, login, post_form

REFUSED = ["citizen", "supplier", "staff", "other_agency_staff"]
ALLOWED = ["moderator", "admin"]


def user(account) -> User:
    return db.session.get(User, account.id)


def comment_of(comment_id: int) -> Comment:
    return db.session.get(Comment, comment_id)


def page_of(response) -> str:
    return response.get_data(as_text=True)


def hide(app, moderator, comment_id: int, reason: str = "abuse") -> None:
    with app.test_request_context():
        moderation.hide_comment(db.session, comment_of(comment_id), actor=user(moderator), reason=reason)
        db.session.commit()


@pytest.fixture
def hidden(app, citizen, moderator, published_case) -> int:
    """A citizen's comment that a moderator hid as abusive; returns its id."""
    comment_id, _number = post(app, citizen, published_case, "你們這群人根本不懂工程！")
    hide(app, moderator, comment_id)
    return comment_id


# The rules.


def test_restoring_needs_a_public_reason_and_keeps_it_where_hiding_keeps_its_own(app, ctx, hidden, moderator):
    comment = comment_of(hidden)
    for reason in ("", "   ", "理" * 1001):
        with pytest.raises(DomainError):
            moderation.restore_comment(db.session, comment, actor=user(moderator), reason=reason)
    db.session.rollback()
    assert comment_of(hidden).is_hidden
    moderation.restore_comment(db.session, comment_of(hidden), actor=user(moderator), reason="  經複查屬合理批評  ")
    db.session.commit()
    assert not comment_of(hidden).is_hidden
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.restored",
                                                       AuditEntry.target_id == str(hidden)))
    assert entry.actor_id == moderator.id
    assert entry.details == {"reason": "經複查屬合理批評", "hidden_for": "abuse"}
    assert queries.get_restorations(db.session, [hidden])[hidden].reason == "經複查屬合理批評"
    with pytest.raises(Conflict):
        moderation.restore_comment(db.session, comment_of(hidden), actor=user(moderator), reason="再一次")


def test_only_moderators_and_admins_hide_and_restore(app, ctx, hidden, citizen, other_citizen, staff, admin):
    for account in (citizen, other_citizen, staff):
        with pytest.raises(PermissionDenied):
            moderation.restore_comment(db.session, comment_of(hidden), actor=user(account), reason="理由")
    assert comment_of(hidden).is_hidden
    moderation.restore_comment(db.session, comment_of(hidden), actor=user(admin), reason="管理員複查")
    assert not comment_of(hidden).is_hidden


def test_a_hidden_comment_is_not_hidden_twice_nor_reported_again(app, ctx, hidden, moderator, other_citizen):
    with pytest.raises(Conflict):
        moderation.hide_comment(db.session, comment_of(hidden), actor=user(moderator), reason="spam")
    with pytest.raises(Conflict, match="無法再次檢舉"):
        moderation.report_comment(db.session, comment_of(hidden), reporter=user(other_citizen), reason="還是很過分")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Report.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.event == "feedback.comment_hidden")) == 1


def test_hiding_and_restoring_move_updated_at_forward_and_mail_the_author_the_taipei_date(
        app, ctx, citizen, moderator, published_case, mailbox):
    english = make_account(app, "reader@example.tw", Role.citizen, locale="en")
    with time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=TAIPEI), tick=False):
        chinese_id, _ = post(app, citizen, published_case, "請問預算為何增加？")
        english_id, _ = post(app, english, published_case, "Why did the budget grow?")
    stamps = [comment_of(chinese_id).updated_at]
    # 00:30 in Taipei is still the day before in UTC: the mail must say the Taipei day.
    with time_machine.travel(datetime(2025, 3, 4, 0, 30, tzinfo=TAIPEI), tick=False):
        for comment_id in (chinese_id, english_id):
            moderation.hide_comment(db.session, comment_of(comment_id), actor=user(moderator), reason="off_topic")
        db.session.commit()
    stamps.append(comment_of(chinese_id).updated_at)
    with time_machine.travel(datetime(2025, 3, 5, 7, 45, tzinfo=TAIPEI), tick=False):
        for comment_id in (chinese_id, english_id):
            moderation.restore_comment(db.session, comment_of(comment_id), actor=user(moderator),
                                       reason="與案件預算有關，並未離題")
        db.session.commit()
    stamps.append(comment_of(chinese_id).updated_at)
    assert stamps[0] < stamps[1] < stamps[2]

    assert deliver_pending(db.session).sent >= 4
    hidden_zh, restored_zh = (m for m in mailbox.to(citizen.email) if "留言" in m["Subject"])
    assert "版主已隱藏您在「" in hidden_zh["Subject"]
    text = mailbox.text(hidden_zh)
    assert "民國114年3月4日" in text and "離題" in text and f"#comment-{chinese_id}" in text
    assert "民國114年3月3日" not in text
    assert "重新顯示" in restored_zh["Subject"]
    text = mailbox.text(restored_zh)
    assert "民國114年3月5日" in text and "與案件預算有關，並未離題" in text

    hidden_en, restored_en = (m for m in mailbox.to(english.email) if "comment" in m["Subject"])
    assert hidden_en["Subject"].startswith("A moderator hid your comment on")
    assert "4 Mar 2025" in mailbox.text(hidden_en) and "off topic" in mailbox.text(hidden_en)
    assert restored_en["Subject"].startswith("Your comment on")
    assert "5 Mar 2025" in mailbox.text(restored_en)
    html = restored_en.get_body(preferencelist=("html",)).get_content()
    assert "與案件預算有關，並未離題" in html


def test_no_mail_goes_to_a_suspended_or_deleted_author(app, ctx, hidden, citizen, moderator):
    moderation.suspend_author(db.session, user(citizen), actor=user(moderator), reason="多次違規")
    moderation.restore_comment(db.session, comment_of(hidden), actor=user(moderator), reason="留言本身無問題")
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.event == "feedback.comment_restored")) == 0


def test_the_list_of_hidden_comments_is_newest_first_and_paginated(app, ctx, citizen, moderator, published_case,
                                                                   monkeypatch):
    ids = []
    for day in (1, 2, 3):
        with time_machine.travel(datetime(2025, 3, day, 9, 0, tzinfo=TAIPEI), tick=False):
            comment_id, _ = post(app, citizen, published_case, f"第 {day} 則")
            moderation.hide_comment(db.session, comment_of(comment_id), actor=user(moderator), reason="spam")
            db.session.commit()
            ids.append(comment_id)
    monkeypatch.setattr(queries, "HIDDEN_PAGE_SIZE", 2)
    first = queries.list_hidden_comments(db.session, page=1)
    second = queries.list_hidden_comments(db.session, page=2)
    assert [c.id for c in first.items] == [ids[2], ids[1]] and [c.id for c in second.items] == [ids[0]]
    assert first.total == 3 and first.pages == 2
    assert first.items[0].hidden_by.id == moderator.id


# The pages.


def test_a_moderator_restores_a_hidden_comment_from_its_thread_with_a_public_reason(
        app, hidden, citizen, moderator, published_case, mailbox):
    mod = app.test_client()
    login(mod, moderator)
    thread = page_of(mod.get(f"/cases/{published_case}"))
    assert f"/moderation/comments/{hidden}/restore" in thread

    form = page_of(mod.get(f"/moderation/comments/{hidden}/restore?next=/cases/{published_case}"))
    assert "你們這群人根本不懂工程！" in form and "moderator" in form and "謾罵或騷擾" in form
    refused = post_form(mod, f"/moderation/comments/{hidden}/restore", {"reason": "  "})
    assert refused.status_code == 422 and "請公開說明重新顯示這則留言的理由。" in page_of(refused)
    with app.app_context():
        assert comment_of(hidden).is_hidden

    done = post_form(mod, f"/moderation/comments/{hidden}/restore",
                     {"reason": "經複查屬合理批評 <script>alert(1)</script>",
                      "next": f"/cases/{published_case}#comment-{hidden}"})
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{published_case}#comment-{hidden}"
    public = page_of(app.test_client().get(f"/cases/{published_case}"))
    assert "你們這群人根本不懂工程！" in public
    assert "版主曾隱藏這則留言，並於" in public and "重新顯示：經複查屬合理批評 &lt;script&gt;" in public
    assert "<script>alert(1)" not in public
    with app.app_context():
        deliver_pending(db.session)
    subjects = [m["Subject"] for m in mailbox.to(citizen.email)]
    assert any("版主已隱藏" in s for s in subjects) and any("已重新顯示" in s for s in subjects)


def test_the_status_page_shows_why_a_comment_was_shown_again(app, citizen, moderator, published_case):
    comment_id, number = post(app, citizen, published_case, "請公布施工日誌。")
    hide(app, moderator, comment_id, "spam")
    assert "已被版主隱藏：垃圾訊息或廣告" in page_of(app.test_client().get(f"/feedback/{number}"))
    with app.test_request_context():
        moderation.restore_comment(db.session, comment_of(comment_id), actor=user(moderator), reason="誤判為廣告")
        db.session.commit()
    status = page_of(app.test_client().get(f"/feedback/{number}"))
    assert "請公布施工日誌。" in status and "重新顯示：誤判為廣告" in status


def test_the_queue_and_the_list_lead_to_restore(app, hidden, moderator, published_case):
    mod = app.test_client()
    login(mod, moderator)
    queue = page_of(mod.get("/moderation/"))
    assert "/moderation/hidden" in queue and "已隱藏的留言（1）" in queue
    listing = page_of(mod.get("/moderation/hidden"))
    assert "1 則已隱藏的留言" in listing and "你們這群人根本不懂工程！" in listing
    assert "隱藏者" in listing and "moderator" in listing and "謾罵或騷擾" in listing and "民國" in listing
    assert f"/moderation/comments/{hidden}/restore?next=/moderation/hidden" in listing
    done = post_form(mod, f"/moderation/comments/{hidden}/restore",
                     {"reason": "複查後恢復", "next": "/moderation/hidden"})
    assert done.headers["Location"] == "/moderation/hidden"
    after = page_of(mod.get("/moderation/hidden"))
    assert "留言已重新顯示。" in after and "目前沒有被隱藏的留言。" in after
    assert mod.get("/moderation/hidden?page=x").status_code == 400
    again = mod.get(f"/moderation/comments/{hidden}/restore")
    assert again.status_code == 302 and "這則留言沒有被隱藏" in page_of(mod.get("/moderation/hidden"))


def test_the_list_and_the_restore_page_are_translated(app, hidden, moderator):
    mod = app.test_client()
    login(mod, moderator)
    listing = page_of(mod.get("/moderation/hidden?lang=en"))
    assert "1 hidden comment" in listing and "Hidden by" in listing and "abusive or harassing" in listing
    form = page_of(mod.get(f"/moderation/comments/{hidden}/restore"))
    assert "Show a hidden comment again" in form and "Public reason for showing it again" in form
    refused = post_form(mod, f"/moderation/comments/{hidden}/restore", {"reason": ""})
    assert "Say publicly why the comment is shown again." in page_of(refused)


def test_a_hidden_comment_cannot_be_reported_again(app, hidden, other_citizen, published_case):
    reporter = app.test_client()
    login(reporter, other_citizen)
    assert f"/comments/{hidden}/report" not in page_of(reporter.get(f"/cases/{published_case}"))
    response = reporter.get(f"/comments/{hidden}/report")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#comment-{hidden}")
    token = csrf_token(reporter, "/")
    response = reporter.post(f"/comments/{hidden}/report", data={"reason": "仍然很過分", "csrf_token": token})
    assert response.status_code == 303
    assert "版主已隱藏這則留言，無法再次檢舉。" in page_of(reporter.get(f"/cases/{published_case}"))
    with app.app_context():
        assert db.session.scalar(select(func.count(Report.id))) == 0


# Who may.


def test_anonymous_visitors_are_sent_to_sign_in(app, hidden):
    client = app.test_client()
    for path in ("/moderation/hidden", f"/moderation/comments/{hidden}/restore"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    response = post_form(client, f"/moderation/comments/{hidden}/restore", {"reason": "理由"}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        assert comment_of(hidden).is_hidden


@pytest.mark.parametrize("role", REFUSED)
def test_everyone_but_moderators_and_admins_is_refused(app, request, role, hidden):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/moderation/hidden").status_code == 403
    assert client.get(f"/moderation/comments/{hidden}/restore").status_code == 403
    token = csrf_token(client, "/")
    assert client.post(f"/moderation/comments/{hidden}/restore",
                       data={"reason": "理由", "csrf_token": token}).status_code == 403
    assert f"/moderation/comments/{hidden}/restore" not in page_of(client.get("/cases/" + request.getfixturevalue(
        "published_case")))
    with app.app_context():
        assert comment_of(hidden).is_hidden
        assert db.session.scalar(select(func.count(AuditEntry.id))
                                 .where(AuditEntry.action == "comment.restored")) == 0


@pytest.mark.parametrize("role", ALLOWED)
def test_moderators_and_admins_list_and_restore(app, request, role, hidden):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/moderation/hidden").status_code == 200
    assert client.get(f"/moderation/comments/{hidden}/restore").status_code == 200
    assert post_form(client, f"/moderation/comments/{hidden}/restore", {"reason": "複查後恢復"}).status_code == 302
    with app.app_context():
        assert not comment_of(hidden).is_hidden
