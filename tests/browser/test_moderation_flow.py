"""Moderation in a real browser, on a phone: a moderator finds a hidden comment, shows it again
with a public reason, the public sees why, and the author is mailed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility, screenshot, sign_in_as
from tests.support import SMTPServer

pytestmark = pytest.mark.browser

CASE = "taipei-mrt-wanda-line"
AUTHOR = "citizen@demo.civic.tw"
WORDS = "請說明萬大線第二期的工程延宕原因，並公布改善期程。"


def hidden_comment(demo: LiveServer) -> int:
    """A demo citizen's comment, hidden by the demo moderator as off topic; returns its id."""
    from civic.accounts.queries import get_user_by_email
    from civic.cases.queries import get_case_with_parts
    from civic.extensions import db
    from civic.feedback import moderation, services

    with demo.app.test_request_context():
        author = get_user_by_email(db.session, AUTHOR)
        comment = services.submit_comment(db.session, get_case_with_parts(db.session, CASE),
                                          services.CommentInput(body=WORDS), author=author)
        moderation.hide_comment(db.session, comment, reason="off_topic",
                                actor=get_user_by_email(db.session, "moderator@demo.civic.tw"))
        db.session.commit()
        return comment.id


def test_a_moderator_shows_a_hidden_comment_again_on_a_phone(demo, phone_page: Page, smtp_server: SMTPServer):
    page = phone_page
    comment_id = hidden_comment(demo)
    sign_in_as(page, "moderator@demo.civic.tw")

    page.goto("/moderation/")
    page.get_by_role("link", name=re.compile(r"已隱藏的留言（\d+）")).click()
    expect(page.get_by_role("heading", level=1, name="已隱藏的留言")).to_be_visible()
    entry = page.locator("section.civic-comment", has_text=WORDS)
    expect(entry.get_by_text("離題")).to_be_visible()
    expect(entry.get_by_text("留言版主")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "90-moderation-hidden-list-phone-zh")

    page.goto(f"/cases/{CASE}#comment-{comment_id}")
    comment = page.locator(f"#comment-{comment_id}")
    expect(comment.get_by_text("已被版主隱藏：離題")).to_be_visible()
    comment.get_by_role("link", name="重新顯示").click()

    expect(page.get_by_role("heading", level=1, name="重新顯示被隱藏的留言")).to_be_visible()
    expect(page.get_by_text(WORDS)).to_be_visible()
    page.get_by_role("button", name="重新顯示").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("請公開說明重新顯示這則留言的理由。")
    check_accessibility(page)
    page.get_by_label("重新顯示的公開理由").fill("經複查，本則留言與工程期程直接相關，並未離題。")
    screenshot(page, "91-moderation-restore-phone-zh")
    page.get_by_role("button", name="重新顯示").click()

    expect(page.get_by_text("留言已重新顯示。")).to_be_visible()
    assert page.url.endswith(f"/cases/{CASE}#comment-{comment_id}")
    comment = page.locator(f"#comment-{comment_id}")
    expect(comment.get_by_text(WORDS)).to_be_visible()
    expect(comment.get_by_text(re.compile(r"版主曾隱藏這則留言，並於民國\d+年\d+月\d+日重新顯示：經複查"))).to_be_visible()
    expect(comment.get_by_role("link", name="重新顯示")).to_have_count(0)
    check_accessibility(page)
    comment.scroll_into_view_if_needed()
    screenshot(page, "92-moderation-restored-thread-phone-zh")

    demo.deliver_mail()
    subjects = [message["Subject"] for message in smtp_server.mailbox.to(AUTHOR)]
    assert any(subject.startswith("版主已隱藏您在「臺北捷運萬大") for subject in subjects)
    assert any(subject.endswith("的留言已重新顯示") for subject in subjects)
