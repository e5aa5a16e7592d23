"""No N+1: a write costs the same number of statements whatever the size of the case it changes."""

from __future__ import annotations

from datetime import date

from civic.accounts.models import User
from civic.cases import parts, services
from civic.cases import queries as case_queries
from civic.extensions import db
from tests.cases import factories


def grow(app, account, slug: str, times: int) -> None:
    """Give the case ``times`` more of every kind of part."""
    with app.test_request_context():
        actor = db.session.get(User, account.id)
        case = case_queries.get_case_with_parts(db.session, slug)
        for number in range(times):
            parts.add_member(case, parts.MemberInput(name=f"委員{number}", organisation="某機關", role="expert"),
                             actor=actor)
            parts.add_meeting(case, parts.MeetingInput(
                held_on=date(2024, 3, 1 + number), title=f"第{number}次會議", attendees=["王○○"],
                statements=[("王○○", "報告"), ("李○○", "建議")], decisions=["公開紀錄"]), actor=actor)
            parts.add_risk(case, services.RiskInput(stage="award", risk=f"風險{number}"), actor=actor)
            parts.add_milestone(case, parts.MilestoneInput(title_zh=f"里程碑{number}"), actor=actor)
            parts.add_document(case, parts.DocumentInput(title=f"文件{number}", url="https://example.gov.tw/a"),
                               actor=actor)
            parts.add_contract(case, parts.ContractInput(title=f"標{number}", ubn="90000006", company_name="示範營造",
                                                         award_value_ntd=1000 + number), actor=actor)
            parts.add_tender(case, parts.TenderInput(unit_id="3.76.47", job_number=f"T-{number}"), actor=actor)
            parts.add_funding(case, parts.FundingInput(source=f"來源{number}", amount_ntd=10), actor=actor)
        db.session.commit()


def cost(count_queries, send) -> int:
    with count_queries() as statements:
        response = send()
    assert 200 <= response.status_code < 300, response.get_json()
    return len(statements)


def test_writes_cost_the_same_on_a_small_and_a_large_case(app, staff, staff_api, count_queries):
    small = factories.apply(app, staff, slug="small-case")
    large = factories.apply(app, staff, slug="large-case")
    grow(app, staff, small, 1)
    grow(app, staff, large, 6)
    staff_api.get("/api/v1/me")  # the token's last use is written once a minute, not on the measured calls
    costs = {}
    for slug in (small, large):
        meeting = f"/api/v1/cases/{slug}/meetings/{_first_meeting(app, slug)}"
        costs[slug] = (
            cost(count_queries, lambda slug=slug: staff_api.patch(f"/api/v1/cases/{slug}", {"title_en": slug})),
            cost(count_queries, lambda slug=slug: staff_api.post(f"/api/v1/cases/{slug}/milestones",
                                                                 {"title_zh": "完工"})),
            cost(count_queries, lambda meeting=meeting: staff_api.patch(meeting, {"decisions": ["改為每月公開"]})),
            cost(count_queries, lambda slug=slug: staff_api.post(f"/api/v1/cases/{slug}/tenders",
                                                                 {"unit_id": "3.76.47", "job_number": "NEW-1"})),
        )
    assert costs[small] == costs[large]


def _first_meeting(app, slug: str) -> int:
    with app.app_context():
        return case_queries.get_case_with_parts(db.session, slug).meetings[0].id
