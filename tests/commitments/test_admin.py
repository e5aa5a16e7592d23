"""The authority edits the commitments over HTTP: texts, yearly targets and milestones, each change
audited; mistakes are explained in the user's language and change nothing; every other role is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from civic.commitments.models import Commitment, CommitmentMilestone, CommitmentTarget
from civic.core.audit import AuditEntry
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from tests.commitments.conftest import PLAN, add_milestone, set_targets
from tests.conftest import OnTheDemoSite
from tests.support import csrf_token, login, post_form

BASE = f"/admin/commitments/{PLAN}"
TEXTS = {"title_zh": "機關採購廉政平臺優良案例（修正）", "title_en": "Best-practice platforms",
         "description_zh": "每年至少3個。", "description_en": "At least three a year.", "position": "0"}
# Taipei's today when the tests run; the request's clock is the real one, as the session needs it.
TODAY = to_taipei(utcnow()).date()
MILESTONE = {"title_zh": "公布遴選原則", "title_en": "Criteria published", "due_on": "2026-06-30", "done_on": ""}


def targets(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(
            select(CommitmentTarget.year, CommitmentTarget.target).join(Commitment)
            .where(Commitment.code == PLAN)).all())


def milestones(app) -> list[tuple]:
    with app.app_context():
        return list(db.session.execute(
            select(CommitmentMilestone.title_zh, CommitmentMilestone.due_on, CommitmentMilestone.done_on)
            .order_by(CommitmentMilestone.id)).all())


def plan_title(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Commitment.title_zh).where(Commitment.code == PLAN))


def audited(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                          .order_by(AuditEntry.id)))
        db.session.expunge_all()
        return entries


def test_the_dashboard_links_to_the_commitments_and_the_list_to_each(admin_client):
    assert 'href="/admin/commitments"' in admin_client.get("/admin/").get_data(as_text=True)
    page = admin_client.get("/admin/commitments").get_data(as_text=True)
    assert f'href="{BASE}"' in page and "機關採購廉政平臺優良案例" in page
    manage = admin_client.get(BASE).get_data(as_text=True)
    assert "設定年度目標" in manage and f'action="{BASE}/targets"' in manage


def test_an_admin_changes_the_texts_and_the_change_is_audited(app, admin_client):
    response = post_form(admin_client, f"{BASE}/edit", {**TEXTS, "code": "hijacked", "measure": "platforms"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(Commitment).where(Commitment.code == PLAN))
        assert (saved.title_zh, saved.description_en, saved.measure) == (
            TEXTS["title_zh"], "At least three a year.", "best_practice_cases")
    [entry] = audited(app, "commitment.changed")
    assert entry.target_type == "commitment" and entry.target_id == PLAN
    assert entry.details["changes"]["title_zh"][1] == TEXTS["title_zh"]
    assert TEXTS["title_zh"] in admin_client.get("/commitments").get_data(as_text=True)
    # The trail reads the entry in words.
    assert "修改行動方案承諾事項" in admin_client.get("/admin/audit").get_data(as_text=True)


def test_an_admin_adds_a_commitment_with_its_measure(app, admin_client):
    response = post_form(admin_client, "/admin/commitments/new",
                         {**TEXTS, "code": "answer-on-time", "measure": "answered_on_time_share",
                          "title_zh": "如期回覆民眾意見"}, form_page="/admin/commitments/new")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/commitments/answer-on-time"
    [entry] = audited(app, "commitment.created")
    assert entry.details == {"measure": "answered_on_time_share"}
    page = admin_client.get("/commitments").get_data(as_text=True)
    assert "如期回覆民眾意見" in page and "民眾意見如期回覆比率（%）" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title_zh", "", "請輸入承諾事項的中文名稱"),
    ("title_zh", "長" * 201, "200"),
    ("position", "1000", "0 到 999"),
    ("position", "first", "0 到 999"),
])
def test_mistakes_in_the_texts_are_explained_and_change_nothing(app, admin_client, field, value, message):
    response = post_form(admin_client, f"{BASE}/edit", {**TEXTS, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert plan_title(app) == "機關採購廉政平臺優良案例"
    assert audited(app, "commitment.changed") == []


def test_a_new_commitment_needs_a_good_code_and_a_known_measure(app, admin_client):
    for data, message in [({"code": "Bad Code", "measure": "platforms"}, "小寫英文字母"),
                          ({"code": PLAN, "measure": "platforms"}, "已經存在"),
                          ({"code": "new-one", "measure": "happiness"}, "不是有效的選擇")]:
        response = post_form(admin_client, "/admin/commitments/new", {**TEXTS, **data},
                             form_page="/admin/commitments/new")
        assert response.status_code == 422 and message in response.get_data(as_text=True), data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Commitment)) == 1


def test_an_admin_sets_and_changes_a_years_target_and_removes_it(app, admin_client):
    assert post_form(admin_client, f"{BASE}/targets", {"year": "2026", "target": "4"}, form_page=BASE
                     ).status_code == 302
    # Full-width digits, as a Chinese input method types them.
    assert post_form(admin_client, f"{BASE}/targets", {"year": "２０２７", "target": "５"}, form_page=BASE
                     ).status_code == 302
    assert post_form(admin_client, f"{BASE}/targets", {"year": "2026", "target": "3"}, form_page=BASE
                     ).status_code == 302
    assert targets(app) == {2026: 3, 2027: 5}
    changes = [(e.details["year"], e.details["old"], e.details["new"]) for e in audited(app, "commitment.target_set")]
    assert changes == [(2026, None, 4), (2027, None, 5), (2026, 4, 3)]
    response = post_form(admin_client, f"{BASE}/targets/2027/remove", {}, form_page=BASE)
    assert response.status_code == 302
    assert targets(app) == {2026: 3}
    [removed] = audited(app, "commitment.target_removed")
    assert removed.details == {"year": 2027, "old": 5}
    assert post_form(admin_client, f"{BASE}/targets/2027/remove", {}, form_page=BASE).status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"year": "", "target": "3"}, "請輸入年度"),
    ({"year": "1999", "target": "3"}, "2000 到 2100"),
    ({"year": "2101", "target": "3"}, "2000 到 2100"),
    ({"year": "明年", "target": "3"}, "2000 到 2100"),
    ({"year": "2026", "target": ""}, "請輸入目標值"),
    ({"year": "2026", "target": "-1"}, "目標值請輸入整數"),
    ({"year": "2026", "target": "3.5"}, "目標值請輸入整數"),
])
def test_mistakes_in_a_target_are_explained_and_change_nothing(app, admin_client, data, message):
    set_targets_before = targets(app)
    response = post_form(admin_client, f"{BASE}/targets", data, form_page=BASE)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "<title>錯誤：" in page
    assert targets(app) == set_targets_before
    assert audited(app, "commitment.target_set") == []


def test_a_share_target_is_a_percentage(app, admin_client):
    post_form(admin_client, "/admin/commitments/new", {**TEXTS, "code": "answer-on-time",
                                                       "measure": "answered_on_time_share"},
              form_page="/admin/commitments/new")
    response = post_form(admin_client, "/admin/commitments/answer-on-time/targets", {"year": "2026", "target": "101"},
                         form_page="/admin/commitments/answer-on-time")
    assert response.status_code == 422 and "0 到 100 的整數" in response.get_data(as_text=True)
    assert post_form(admin_client, "/admin/commitments/answer-on-time/targets", {"year": "2026", "target": "100"},
                     form_page="/admin/commitments/answer-on-time").status_code == 302
    # A count has no such ceiling.
    assert post_form(admin_client, f"{BASE}/targets", {"year": "2026", "target": "101"}, form_page=BASE
                     ).status_code == 302


def test_targets_errors_read_in_english(app, admin_client):
    admin_client.get("/?lang=en")
    response = post_form(admin_client, f"{BASE}/targets", {"year": "1999", "target": "3"}, form_page=BASE)
    assert response.status_code == 422
    assert "The year is a number from 2000 to 2100." in response.get_data(as_text=True)


def test_an_admin_adds_changes_and_removes_milestones(app, admin_client):
    response = post_form(admin_client, f"{BASE}/milestones/new", MILESTONE)
    assert response.status_code == 302
    [(title, due, done)] = milestones(app)
    assert (title, due, done) == ("公布遴選原則", date(2026, 6, 30), None)
    with app.app_context():
        milestone_id = db.session.scalar(select(CommitmentMilestone.id))
    # Done today (Taipei), the latest day a milestone can be done.
    response = post_form(admin_client, f"{BASE}/milestones/{milestone_id}", {**MILESTONE, "done_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert milestones(app) == [("公布遴選原則", date(2026, 6, 30), TODAY)]
    [changed] = audited(app, "commitment.milestone_changed")
    assert changed.details["changes"] == {"done_on": [None, TODAY.isoformat()]}
    page = admin_client.get("/commitments").get_data(as_text=True)
    assert f"已於民國{TODAY.year - 1911}年{TODAY.month}月{TODAY.day}日完成" in page
    response = post_form(admin_client, f"{BASE}/milestones/{milestone_id}/remove", {}, form_page=BASE)
    assert response.status_code == 302
    assert milestones(app) == []
    assert len(audited(app, "commitment.milestone_added")) == 1
    assert len(audited(app, "commitment.milestone_removed")) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title_zh", "", "請輸入中文的里程碑名稱"),
    ("due_on", "", "請輸入里程碑的預定日期"),
    ("due_on", "2026-02-30", "請輸入正確的日期"),
    ("done_on", (TODAY + timedelta(days=1)).isoformat(), "不能是未來的日期"),
    ("done_on", "昨天", "請輸入正確的日期"),
])
def test_mistakes_in_a_milestone_are_explained_and_change_nothing(app, admin_client, field, value, message):
    response = post_form(admin_client, f"{BASE}/milestones/new", {**MILESTONE, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert milestones(app) == []
    assert audited(app, "commitment.milestone_added") == []


def test_a_milestone_of_another_commitment_or_none_is_not_found(app, admin, admin_client):
    milestone_id = add_milestone(app, admin, "公布遴選原則", date(2026, 6, 30))
    post_form(admin_client, "/admin/commitments/new", {**TEXTS, "code": "other", "measure": "platforms"},
              form_page="/admin/commitments/new")
    assert admin_client.get(f"/admin/commitments/other/milestones/{milestone_id}").status_code == 404
    assert admin_client.get(f"{BASE}/milestones/999999").status_code == 404
    assert admin_client.get("/admin/commitments/nothing").status_code == 404


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "other_agency_staff", "moderator"])
def test_every_other_role_is_refused_and_changes_nothing(app, request, admin, role):
    set_targets(app, admin, y2026=4)
    milestone_id = add_milestone(app, admin, "公布遴選原則", date(2026, 6, 30))
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    for path in ("/admin/commitments", BASE, f"{BASE}/edit", "/admin/commitments/new", f"{BASE}/milestones/new",
                 f"{BASE}/milestones/{milestone_id}"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/")
    for path, data in [(f"{BASE}/edit", TEXTS), (f"{BASE}/targets", {"year": "2026", "target": "9"}),
                       (f"{BASE}/targets/2026/remove", {}), (f"{BASE}/milestones/new", MILESTONE),
                       (f"{BASE}/milestones/{milestone_id}", {**MILESTONE, "title_zh": "改掉"}),
                       (f"{BASE}/milestones/{milestone_id}/remove", {})]:
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    assert targets(app) == {2026: 4}
    assert milestones(app) == [("公布遴選原則", date(2026, 6, 30), None)]
    assert plan_title(app) == "機關採購廉政平臺優良案例"


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(app, client):
    for path in ("/admin/commitments", BASE, f"{BASE}/edit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    token = csrf_token(client, "/login")
    response = client.post(f"{BASE}/targets", data={"csrf_token": token, "year": "2026", "target": "9"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert targets(app) == {}


def test_the_services_refuse_anyone_but_an_admin(app, staff, ctx):
    from civic.accounts.models import User
    from civic.commitments import queries, services
    from civic.core.errors import PermissionDenied

    commitment = queries.get_commitment_by_code(db.session, PLAN)
    with pytest.raises(PermissionDenied):
        services.set_target(db.session, commitment, year=2026, target=3, actor=db.session.get(User, staff.id))


class TestTheDemoSite(OnTheDemoSite):
    def test_the_demo_data_sets_targets_and_milestones_once(self, app, ctx):
        from civic.demo import loader

        loader.load(db.session)  # a second time: the demo site loaded it once
        db.session.commit()
        assert targets(app) == {2025: 3, 2026: 4, 2027: 5}
        assert len(milestones(app)) == 3

