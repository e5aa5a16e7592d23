"""Case rules: applications and review, validation, history, completeness, best practice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from civic.accounts.models import User
from civic.cases import parts, queries, services
from civic.cases.models import HistoryEntry, ReviewState
from civic.cases.thresholds import check_threshold
from civic.core.audit import AuditEntry
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.extensions import db
from tests.cases.factories import apply, case_input, fill_parts, publish


def load(slug):
    return queries.get_case_with_parts(db.session, slug)


def user(account):
    return db.session.get(User, account.id)


def test_an_application_is_unpublished_until_an_admin_approves_it(app, ctx, staff, admin):
    slug = apply(app, staff)
    case = load(slug)
    assert case.review_state == ReviewState.submitted and case.agency.code == "A00000001"
    assert [r.risk for r in case.risks] == ["圍標"]
    services.approve_application(db.session, case, actor=user(admin), comment="同意")
    db.session.commit()
    assert load(slug).is_published and load(slug).published_at is not None


@pytest.mark.parametrize("role", ["citizen", "supplier", "moderator", "admin"])
def test_only_staff_apply(app, ctx, request, role):
    account = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.submit_application(
            db.session, services.ApplicationInput(case=case_input(), reason="x"), actor=user(account))


@pytest.mark.parametrize("role", ["staff", "other_agency_staff", "moderator", "citizen"])
def test_only_admins_review(app, ctx, application, request, role):
    account = request.getfixturevalue(role)
    for decide in (services.approve_application, services.return_application, services.reject_application):
        with pytest.raises(PermissionDenied):
            decide(db.session, load(application), actor=user(account), comment="x")


def test_returning_or_rejecting_needs_a_comment_and_a_decision_is_final(app, ctx, application, admin):
    with pytest.raises(DomainError):
        services.return_application(db.session, load(application), actor=user(admin), comment=" ")
    services.reject_application(db.session, load(application), actor=user(admin), comment="不符資格")
    with pytest.raises(Conflict):
        services.approve_application(db.session, load(application), actor=user(admin))


def test_a_returned_application_can_be_sent_again_by_its_agency(app, ctx, application, staff, admin):
    services.return_application(db.session, load(application), actor=user(admin), comment="請補充風險")
    services.resubmit_application(db.session, load(application), actor=user(staff))
    assert load(application).review_state == ReviewState.submitted


def test_the_very_large_thresholds_are_checked_per_kind(app, ctx):
    assert check_threshold("works", 200_000_000).is_met
    assert not check_threshold("works", 199_999_999).is_met
    assert check_threshold("goods", 100_000_000).is_met
    assert not check_threshold("services", 19_999_999).is_met
    assert not check_threshold("services", None).is_met


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"slug": "Bad Slug"}, "slug"), ({"budget_ntd": -1}, "budget_ntd"),
     ({"contract_value_ntd": -5}, "contract_value_ntd"), ({"sector_code": "nope"}, "sector"),
     ({"county": "atlantis"}, "county"), ({"latitude": 25}, "latitude"),
     ({"title_zh": " "}, "title_zh"), ({"procurement_kind": "magic"}, "procurement_kind"),
     ({"platform_established_on": date.today() + timedelta(days=30)}, "platform_established_on"),
     ({"budget_ntd": 10**14}, "budget_ntd")],
)
def test_invalid_case_data_is_refused_with_the_field_named(app, ctx, staff, overrides, field):
    with pytest.raises(DomainError) as error:
        services.submit_application(
            db.session, services.ApplicationInput(case=case_input(**overrides), reason="x"),
            actor=user(staff))
    assert error.value.field == field


def test_slugs_are_unique(app, ctx, staff, published_case):
    with pytest.raises(Conflict):
        apply(app, staff, slug=published_case)


def test_staff_edit_only_their_own_agencys_cases(app, ctx, published_case, staff, other_agency_staff, admin):
    data = case_input(published_case, title_zh="萬大線（第一期）")
    with pytest.raises(PermissionDenied):
        services.update_case(db.session, load(published_case), data, actor=user(other_agency_staff))
    with pytest.raises(PermissionDenied):
        parts.add_member(load(published_case), parts.MemberInput("王", "某", "expert"),
                         actor=user(other_agency_staff))
    services.update_case(db.session, load(published_case), data, actor=user(staff), reason="更名")
    db.session.commit()
    assert load(published_case).title_zh == "萬大線（第一期）"


def test_every_change_is_kept_in_the_history_with_who_and_what(app, ctx, published_case, staff):
    services.update_case(db.session, load(published_case),
                         case_input(published_case, budget_ntd=50_000_000_000, status="completed"),
                         actor=user(staff), reason="追加預算")
    db.session.commit()
    entry = db.session.scalars(select(HistoryEntry).where(HistoryEntry.action == "updated")).one()
    assert entry.actor_id == staff.id and entry.actor_role == "staff" and entry.actor_agency == "A00000001"
    assert entry.before == {"budget_ntd": 46_650_000_000, "status": "implementation"}
    assert entry.after == {"budget_ntd": 50_000_000_000, "status": "completed"}
    assert entry.reason == "追加預算"
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.updated")).one()


def test_saving_without_changes_records_nothing(app, ctx, published_case, staff):
    before = db.session.query(HistoryEntry).count()
    assert services.update_case(db.session, load(published_case), case_input(published_case),
                                actor=user(staff)) is False
    assert db.session.query(HistoryEntry).count() == before


def test_completeness_rises_as_parts_are_added(app, ctx, published_case, admin):
    before = load(published_case).completeness
    assert 0 < before < 100
    fill_parts(app, admin, published_case)
    assert load(published_case).completeness == 100


def test_meetings_must_have_been_held_and_statements_need_a_speaker(app, ctx, published_case, staff):
    case = load(published_case)
    with pytest.raises(DomainError) as error:
        parts.add_meeting(case, parts.MeetingInput(held_on=date.today() + timedelta(days=1), title="x"),
                          actor=user(staff))
    assert error.value.field == "held_on"
    with pytest.raises(DomainError) as error:
        parts.add_meeting(case, parts.MeetingInput(held_on=date(2024, 1, 1), title="x",
                                                   statements=[("", "沒有發言者")]), actor=user(staff))
    assert error.value.field == "statements"


def test_contracts_need_a_valid_unified_business_number(app, ctx, published_case, staff):
    with pytest.raises(DomainError) as error:
        parts.add_contract(load(published_case), parts.ContractInput(
            title="標", ubn="12345678", company_name="某公司", award_value_ntd=1), actor=user(staff))
    assert error.value.field == "ubn"


def test_documents_must_be_web_links(app, ctx, published_case, staff):
    with pytest.raises(DomainError):
        parts.add_document(load(published_case), parts.DocumentInput(title="x", url="javascript:alert(1)"),
                           actor=user(staff))


def test_removing_a_part_is_recorded(app, ctx, published_case, staff, admin):
    fill_parts(app, admin, published_case)
    case = load(published_case)
    member = case.members[0]
    parts.remove_part(case, "members", member.id, actor=user(staff), reason="退出平臺")
    db.session.commit()
    assert member.name not in [m.name for m in load(published_case).members]
    entry = db.session.scalars(select(HistoryEntry).where(HistoryEntry.action == "deleted")).one()
    assert entry.before["name"] == member.name and entry.after is None


def test_best_practice_needs_a_reason_and_an_admin(app, ctx, published_case, admin, staff):
    with pytest.raises(PermissionDenied):
        services.set_best_practice(db.session, load(published_case), actor=user(staff), is_best=True,
                                   reason_zh="好", reason_en="")
    with pytest.raises(DomainError):
        services.set_best_practice(db.session, load(published_case), actor=user(admin), is_best=True,
                                   reason_zh="", reason_en="")
    services.set_best_practice(db.session, load(published_case), actor=user(admin), is_best=True,
                               reason_zh="會議紀錄全公開", reason_en="Open minutes")
    assert load(published_case).is_best_practice


def test_unpublished_cases_cannot_be_best_practice(app, ctx, application, admin):
    with pytest.raises(Conflict):
        services.set_best_practice(db.session, load(application), actor=user(admin), is_best=True,
                                   reason_zh="x", reason_en="")


def test_publish_helper_publishes(app, staff, admin):
    slug = apply(app, staff, slug="second-case")
    publish(app, admin, slug)
    with app.app_context():
        assert load(slug).is_published


def test_meetings_cannot_predate_the_platform(app, ctx, published_case, staff):
    with pytest.raises(DomainError) as error:
        parts.add_meeting(load(published_case), parts.MeetingInput(held_on=date(2019, 4, 30), title="籌備會"),
                          actor=user(staff))
    assert error.value.field == "held_on" and "民國108年5月1日" in error.value.message
