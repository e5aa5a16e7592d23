"""Cases made through the same services as the site: applied for by staff, published by an admin."""

from __future__ import annotations

from datetime import date

from civic.accounts.models import User
from civic.cases import parts, queries, services
from civic.extensions import db

# The edit form of the case apply() makes, once published, as it stands: a submission of them changes nothing.
CASE_FORM = {
    "title_zh": "臺北捷運萬大線", "title_en": "Taipei MRT Wanda Line", "slug": "taipei-mrt-wanda",
    "sector": "rail", "procurement_kind": "works", "status": "implementation", "county": "taipei",
    "address": "臺北市萬華區", "budget_ntd": "46650000000", "contract_value_ntd": "",
    "summary_zh": "連接臺北市與新北市的捷運路線。", "summary_en": "A metro line linking Taipei and New Taipei.",
    "platform_established_on": "2019-05-01",
}

def case_input(slug: str = "taipei-mrt-wanda", **overrides) -> services.CaseInput:
    values = dict(
        slug=slug, title_zh="臺北捷運萬大線", title_en="Taipei MRT Wanda Line", sector_code="rail",
        procurement_kind="works", status="implementation", county="taipei", address="臺北市萬華區",
        budget_ntd=46_650_000_000, summary_zh="連接臺北市與新北市的捷運路線。",
        summary_en="A metro line linking Taipei and New Taipei.",
        platform_established_on=date(2019, 5, 1),
    )
    values.update(overrides)
    return services.CaseInput(**values)


def apply(app, staff_account, slug="taipei-mrt-wanda", reason="巨額工程，風險高", **overrides) -> str:
    with app.test_request_context():
        actor = db.session.get(User, staff_account.id)
        case = services.submit_application(
            db.session,
            services.ApplicationInput(case=case_input(slug, **overrides), reason=reason,
                                      risks=[services.RiskInput(stage="tendering", risk="圍標")]),
            actor=actor)
        db.session.commit()
        return case.slug


def publish(app, admin_account, slug: str) -> None:
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        services.approve_application(db.session, case, actor=db.session.get(User, admin_account.id))
        db.session.commit()


def fill_parts(app, admin_account, slug: str) -> None:
    """Give a case every part, so it scores full completeness."""
    with app.test_request_context():
        actor = db.session.get(User, admin_account.id)
        case = queries.get_case_with_parts(db.session, slug)
        for name, role in [("王○○", "agency"), ("李○○", "prosecutor"), ("陳○○", "civil_society")]:
            parts.add_member(case, parts.MemberInput(name=name, organisation="某機關", role=role), actor=actor)
        parts.add_meeting(case, parts.MeetingInput(
            held_on=date(2024, 3, 1), title="第1次會議", attendees=["王○○, 捷運局"],
            statements=[("王○○", "報告進度")], decisions=["每季公開會議紀錄"]), actor=actor)
        parts.add_risk(case, services.RiskInput(stage="award", risk="評選委員利益衝突"), actor=actor)
        parts.add_milestone(case, parts.MilestoneInput(title_zh="動工", planned_on=date(2020, 1, 1)), actor=actor)
        parts.add_document(case, parts.DocumentInput(title="可行性研究", url="https://example.gov.tw/a"),
                           actor=actor)
        parts.add_contract(case, parts.ContractInput(title="CQ840 標", ubn="90000006", company_name="示範營造",
                                                     award_value_ntd=10_000_000_000), actor=actor)
        services.update_case(db.session, case, case_input(slug, contract_value_ntd=10_000_000_000),
                             actor=actor, reason="決標後補上契約金額")
        db.session.commit()
