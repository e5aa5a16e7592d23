"""Moderating the showcase over HTTP: who reaches /admin/apps (every role), approving, refusing and taking
down with a reason mailed to the maker, every step audited, and nobody deciding on their own app."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from civic.showcase.models import AppStatus
from tests.admin.test_trail import rows_text
from tests.conftest import make_account
from tests.showcase.conftest import approve_as, edit, latest_app_id, make_app_as, stored_app
from tests.support import Mailbox, post_form, signed_in

REASON = "截圖與網址內容不符，請更新截圖後再送出。"


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def actions(app, app_id: int) -> list[tuple[str, dict]]:
    with app.app_context():
        return [(entry.action, entry.details) for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.target_type == "showcase_app", AuditEntry.target_id == str(app_id))
            .order_by(AuditEntry.id))]


def decide(client, app_id: int, verb: str, lang: str | None = None, **fields):
    """Post a decision on the app as it is now (its current version), unless ``version`` is given."""
    fields.setdefault("version", stored_app(client.application, app_id).version)
    path = f"/admin/apps/{app_id}/{verb}" + (f"?lang={lang}" if lang else "")
    return post_form(client, path, fields, form_page="/apps")


@pytest.mark.parametrize("role", ["citizen", "other_citizen", "supplier", "staff", "integrity_officer"])
def test_no_one_but_moderators_and_administrators_reaches_the_moderation_of_apps(app, request, role, pending_app):
    client = signed_in(app, request.getfixturevalue(role))
    for path in ("/admin/apps", f"/admin/apps/{pending_app}", "/admin/apps?status=published"):
        assert client.get(path).status_code == 403, path
    for verb in ("approve", "reject", "unpublish"):
        assert decide(client, pending_app, verb, reason="x").status_code == 403, verb
    assert stored_app(app, pending_app).status == AppStatus.pending


def test_anonymous_visitors_are_sent_to_sign_in(app, client, pending_app):
    assert client.get("/admin/apps").headers["Location"].startswith("/login?next=")
    response = post_form(client, f"/admin/apps/{pending_app}/approve", {}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored_app(app, pending_app).status == AppStatus.pending


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_administrators_see_the_queue_oldest_first_and_approve(app, request, role, citizen,
                                                                                mailbox):
    first = make_app_as(app, citizen, name="最早送出的應用程式")
    second = make_app_as(app, citizen, name="後來送出的應用程式")
    client = signed_in(app, request.getfixturevalue(role))
    queue = client.get("/admin/apps").get_data(as_text=True)
    assert queue.index("最早送出的應用程式") < queue.index("後來送出的應用程式")
    assert client.get(f"/admin/apps/{first}").status_code == 200
    response = decide(client, first, "approve")
    assert response.status_code == 302
    assert stored_app(app, first).status == AppStatus.published
    assert stored_app(app, second).status == AppStatus.pending
    assert "最早送出的應用程式" in app.test_client().get("/apps").get_data(as_text=True)
    deliver(app)
    [mail] = mailbox.to(citizen.email)
    assert "最早送出的應用程式" in mail["Subject"] and "已公開" in mail["Subject"]
    assert mailbox.link(mail, "/apps/") == f"/apps/{first}"
    assert [action for action, _ in actions(app, first)] == ["showcase_app.submitted", "showcase_app.published"]


def test_a_refusal_needs_a_reason_that_the_maker_reads_by_mail_and_on_their_list(
        app, citizen, citizen_client, moderator_client, pending_app, mailbox):
    response = decide(moderator_client, pending_app, "reject", reason="   ")
    assert response.status_code == 422
    assert "請說明理由" in response.get_data(as_text=True)
    assert stored_app(app, pending_app).status == AppStatus.pending

    assert decide(moderator_client, pending_app, "reject", reason=REASON).status_code == 302
    refused = stored_app(app, pending_app)
    assert refused.status == AppStatus.rejected and refused.reason == REASON
    deliver(app)
    [mail] = mailbox.to(citizen.email)
    assert "未獲接受" in mail["Subject"]
    assert REASON in Mailbox.text(mail)
    assert mailbox.link(mail, "/apps/") == f"/apps/{pending_app}/edit"
    # The footer says why this mail came.
    assert "本信由 http://civic.test 寄出，因為您以在該網站的帳號將這個應用程式提交到展示區。" in Mailbox.text(mail)
    assert REASON in citizen_client.get("/apps/mine").get_data(as_text=True)
    assert app.test_client().get(f"/apps/{pending_app}").status_code == 404
    assert actions(app, pending_app)[-1] == ("showcase_app.rejected", {"reason": REASON})


def test_the_maker_is_mailed_in_their_own_language(app, moderator_client, mailbox):
    maker = make_account(app, "maker@example.org", role="citizen", locale="en")
    app_id = make_app_as(app, maker, name="Platform map")
    assert decide(moderator_client, app_id, "reject", reason="The link does not open.").status_code == 302
    deliver(app)
    [mail] = mailbox.to(maker.email)
    assert mail["Subject"] == "Your app Platform map was not accepted"
    assert "The link does not open." in Mailbox.text(mail)


def test_a_published_app_is_taken_down_with_a_reason(app, client, citizen, moderator_client, published_app,
                                                      mailbox):
    assert decide(moderator_client, published_app, "unpublish", reason="").status_code == 422
    assert client.get(f"/apps/{published_app}").status_code == 200
    assert decide(moderator_client, published_app, "unpublish", reason=REASON).status_code == 302
    assert stored_app(app, published_app).status == AppStatus.unpublished
    assert client.get(f"/apps/{published_app}").status_code == 404
    assert client.get(f"/apps/{published_app}/screenshot").status_code == 404
    deliver(app)
    assert any("下架" in mail["Subject"] and REASON in Mailbox.text(mail) for mail in mailbox.to(citizen.email))
    assert [action for action, _ in actions(app, published_app)] == [
        "showcase_app.submitted", "showcase_app.published", "showcase_app.unpublished"]


def test_a_decision_on_an_app_not_waiting_is_refused(app, moderator_client, published_app):
    response = decide(moderator_client, published_app, "approve")
    assert response.status_code == 302
    assert "並未等待版主審核" in moderator_client.get("/admin/apps").get_data(as_text=True)
    response = decide(moderator_client, published_app, "reject", reason=REASON)
    assert response.status_code == 422
    assert stored_app(app, published_app).status == AppStatus.published


def test_a_moderator_does_not_decide_on_their_own_app(app, moderator, moderator_client, admin):
    own = make_app_as(app, moderator, name="版主自己的應用程式")
    page = moderator_client.get(f"/admin/apps/{own}").get_data(as_text=True)
    assert "須由其他版主審核" in page and f"/admin/apps/{own}/approve" not in page
    decide(moderator_client, own, "approve")
    assert stored_app(app, own).status == AppStatus.pending
    assert decide(signed_in(app, admin), own, "approve").status_code == 302
    assert stored_app(app, own).status == AppStatus.published


def test_a_pending_screenshot_is_seen_by_its_maker_and_the_moderators_only(app, request, pending_app):
    expected = {"citizen": 200, "moderator": 200, "admin": 200, "other_citizen": 404, "staff": 404}
    for role, status in expected.items():
        client = signed_in(app, request.getfixturevalue(role))
        assert client.get(f"/apps/{pending_app}/screenshot").status_code == status, role
        assert client.get(f"/apps/{pending_app}").status_code == status, role
    private = signed_in(app, request.getfixturevalue("citizen")).get(f"/apps/{pending_app}/screenshot")
    assert "public" not in private.headers["Cache-Control"]
    assert app.test_client().get(f"/apps/{pending_app}/screenshot").status_code == 404


def test_the_trail_names_apps_and_reads_their_actions_as_words(app, admin, moderator_client, pending_app):
    decide(moderator_client, pending_app, "reject", reason=REASON)
    text = rows_text(signed_in(app, admin).get("/admin/audit?target_type=showcase_app"))
    for words in ("應用程式提交到展示區", "應用程式未獲接受進入展示區", "展示區的應用程式", "廉政平臺地圖", REASON):
        assert words in text, words
    assert "showcase_app." not in text


def test_a_decision_on_an_app_changed_since_it_was_reviewed_is_refused(app, citizen_client, moderator_client,
                                                                        pending_app, mailbox):
    page = moderator_client.get(f"/admin/apps/{pending_app}").get_data(as_text=True)
    reviewed = stored_app(app, pending_app).version
    assert page.count(f'name="version" value="{reviewed}"') == 2
    # The maker changes the link while the moderator reads the old one.
    assert edit(citizen_client, pending_app, name="廉政平臺地圖", link="https://elsewhere.example.org/").status_code \
        == 302
    response = decide(moderator_client, pending_app, "approve", version=reviewed)
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/apps/{pending_app}"
    again = moderator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您審核期間，這個應用程式已有變動；請重新審核。" in again and "https://elsewhere.example.org/" in again
    refused = decide(moderator_client, pending_app, "reject", reason=REASON, version=reviewed)
    assert refused.status_code == 422 and "請重新審核" in refused.get_data(as_text=True)
    # A form without its version, or with one that is not a number, is refused the same way.
    for version in ("", "²", "9" * 30):
        assert decide(moderator_client, pending_app, "approve", version=version).status_code == 302
    current = stored_app(app, pending_app)
    assert current.status == AppStatus.pending and current.version == reviewed + 1
    # Reviewed again, the new version is decided on.
    assert f'name="version" value="{current.version}"' in moderator_client.get(
        f"/admin/apps/{pending_app}").get_data(as_text=True)
    assert decide(moderator_client, pending_app, "approve").status_code == 302
    assert stored_app(app, pending_app).status == AppStatus.published
    deliver(app)
    assert len(mailbox.messages) == 1


def test_a_published_app_changed_and_approved_again_is_not_taken_down_by_an_older_review(
        app, citizen_client, moderator_client, admin, published_app):
    reviewed = stored_app(app, published_app).version
    edit(citizen_client, published_app, name="採購透明儀表板 第二版")
    approve_as(app, admin, published_app)
    response = decide(moderator_client, published_app, "unpublish", reason=REASON, version=reviewed)
    assert response.status_code == 422
    assert "The app changed while you were reviewing it" in decide(
        moderator_client, published_app, "unpublish", reason=REASON, version=reviewed,
        lang="en").get_data(as_text=True)
    assert stored_app(app, published_app).status == AppStatus.published


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_Hant_TW", ("等待版主審核的應用程式：2", "展示區的應用程式", "資料競賽")),
    ("en", ("Apps waiting for a moderator: 2", "Apps for the showcase", "Data challenges"))])
def test_the_dashboard_counts_the_apps_waiting_and_leads_to_the_showcase_screens(app, admin, citizen, moderator,
                                                                                 lang, words):
    for name in ("第一個", "第二個", "已公開的"):
        make_app_as(app, citizen, name=name)
    approve_as(app, moderator, latest_app_id(app))
    page = signed_in(app, admin).get(f"/admin/?lang={lang}").get_data(as_text=True)
    waiting, showcase, challenges = words
    assert f'href="/admin/apps" data-apps-waiting>{waiting}</a>' in page
    assert f'href="/admin/apps">{showcase}</a>' in page and f'href="/admin/challenges">{challenges}</a>' in page


def test_moderators_find_the_apps_from_their_own_page(app, moderator, staff):
    page = signed_in(app, moderator).get("/moderation/").get_data(as_text=True)
    assert 'href="/admin/apps">展示區的應用程式</a>' in page
    english = signed_in(app, moderator).get("/moderation/?lang=en").get_data(as_text=True)
    assert 'href="/admin/apps">Apps for the showcase</a>' in english
