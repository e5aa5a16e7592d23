"""Disclosure by stage (CoST IDS): each stage's data points scored on a bare and a full case, the stages
due by status, the score stored on the case and kept up to date as parts change, recomputed for every
case by ``flask cases refresh-disclosure``, and variations read as a chain from the contract as signed."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select, update

from civic.accounts.models import User
from civic.cases import disclosure, parts, queries, services
from civic.cases.models import Case
from civic.extensions import db
from tests.cases import factories

STAGES = ["identification", "preparation", "procurement", "implementation", "completion"]


def fill_disclosure(app, account, slug: str) -> None:
    """Give a case every part the standard asks for at every stage, and mark it completed."""
    factories.fill_parts(app, account, slug)
    with app.test_request_context():
        actor = db.session.get(User, account.id)
        case = queries.get_case_with_parts(db.session, slug)
        services.update_case(db.session, case, factories.case_input(
            slug, status="completed", contract_value_ntd=10_000_000_000,
            environmental_impact="施工噪音與地表沉陷，沿線設監測點。", land_impact="徵收私有地 2 公頃，拆遷 12 戶。",
            budget_approved_on=date(2015, 7, 2), completed_on=date(2024, 6, 30), final_cost_ntd=11_200_000_000,
            final_scope="全線完工通車。", completion_changes="地質改良追加經費，工期展延一年。"),
            actor=actor, reason="完工")
        parts.add_funding(case, parts.FundingInput("中央補助", 30_000_000_000), actor=actor)
        parts.add_funding(case, parts.FundingInput("臺北市政府自籌", 16_650_000_000), actor=actor)
        parts.add_tender(case, parts.TenderInput("3.76.47", "CQ840-2015"), actor=actor)
        [contract] = case.contracts
        parts.update_contract(case, contract.id, parts.ContractInput(
            title=contract.title, ubn="90000006", company_name="示範營造", award_value_ntd=10_000_000_000,
            starts_on=date(2016, 1, 1), ends_on=date(2021, 12, 31), scope="潛盾隧道與車站土建。"), actor=actor,
            reason="補上履約期間與範圍")
        parts.add_variation(case, parts.VariationInput(
            contract.id, "value", date(2019, 5, 1), "地質條件與設計不符", new_value_ntd=11_200_000_000), actor=actor)
        parts.add_variation(case, parts.VariationInput(
            contract.id, "duration", date(2020, 3, 1), "追加地盤改良", new_ends_on=date(2023, 6, 30)), actor=actor)
        parts.add_milestone(case, parts.MilestoneInput(title_zh="通車", planned_on=date(2023, 1, 1),
                                                       actual_on=date(2024, 6, 30)), actor=actor)
        parts.add_risk(case, services.RiskInput(stage="contract_implementation", risk="層層轉包"), actor=actor)
        parts.add_document(case, parts.DocumentInput(title="完工評估報告", url="https://example.gov.tw/e",
                                                     document_type="evaluationReports"), actor=actor)
        db.session.commit()


def _stored(app, slug: str) -> dict[str, int]:
    with app.app_context():
        return db.session.scalar(select(Case.disclosure).where(Case.slug == slug))


def _scores(app, slug: str) -> dict[str, disclosure.StageScore]:
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        return {score.stage.code: score for score in disclosure.assess(case)}


def test_a_bare_case_scores_what_it_has_and_only_the_early_stages_are_due(app, staff):
    slug = factories.apply(app, staff, status="identification", budget_ntd=None)
    scores = _scores(app, slug)
    assert list(scores) == STAGES
    assert [code for code, score in scores.items() if score.due] == ["identification", "preparation"]
    assert (scores["identification"].filled, scores["identification"].total) == (5, 5)
    preparation = scores["preparation"]
    assert {point.key for point in preparation.missing} == {
        "environmental_impact", "land_impact", "funding", "budget", "budget_approval"}
    assert (preparation.filled, preparation.total, preparation.percent) == (1, 6, 17)
    assert scores["procurement"].filled == 1  # the procurement kind
    assert scores["completion"].percent == 0
    # Stages not due are stored as null, so agency averages leave them out.
    assert _stored(app, slug) == {"identification": 100, "preparation": 17, "procurement": None,
                                  "implementation": None, "completion": None}


def test_a_full_case_scores_every_stage_in_full(app, staff, admin):
    slug = factories.apply(app, staff)
    factories.publish(app, admin, slug)
    fill_disclosure(app, admin, slug)
    scores = _scores(app, slug)
    assert all(score.due and score.percent == 100 and not score.missing for score in scores.values()), {
        code: [point.key for point in score.missing] for code, score in scores.items()}
    assert _stored(app, slug) == dict.fromkeys(STAGES, 100)


def test_the_stored_value_follows_the_parts(app, staff, admin):
    slug = factories.apply(app, staff)
    factories.publish(app, admin, slug)
    fill_disclosure(app, admin, slug)
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        case = queries.get_case_with_parts(db.session, slug)
        for source in list(case.funding):
            parts.remove_part(case, "funding", source.id, actor=actor, reason="誤植")
        parts.add_contract(case, parts.ContractInput(title="機電標", ubn="90000006", company_name="示範營造",
                                                     award_value_ntd=1_000_000), actor=actor)
        db.session.commit()
    stored = _stored(app, slug)
    assert stored["preparation"] == 83  # 5 of 6: no funding sources
    assert stored["procurement"] == 67  # 4 of 6: the new contract has no scope nor period
    assert stored["identification"] == stored["implementation"] == stored["completion"] == 100


def _due(status, *, tenders=(), contracts=()):
    case = SimpleNamespace(status=status, tenders=list(tenders), contracts=list(contracts))
    return [stage.code for stage in disclosure.STAGES if disclosure.is_due(stage, case)]


def test_the_stages_due_follow_the_status_or_what_a_stopped_case_reached():
    assert _due("identification") == ["identification", "preparation"]
    assert _due("tendering") == ["identification", "preparation", "procurement"]
    assert _due("implementation") == STAGES[:4]
    assert _due("completed") == STAGES
    # Suspended or cancelled: as far as its tenders and contracts show, never to completion.
    assert _due("suspended") == _due("cancelled") == ["identification", "preparation"]
    assert _due("cancelled", tenders=["A.41 T1"]) == STAGES[:3]
    assert _due("suspended", contracts=["CQ840"]) == STAGES[:4]
    every_path = {point.path for stage in disclosure.STAGES for point in stage.points}
    assert {"budget.approvalDate", "budget.budgetBreakdowns", "completion.endDate",
            "contractingProcesses.summary.modifications"} <= every_path


def test_variations_read_as_a_chain_from_the_contract_as_signed(app, staff, admin):
    slug = factories.apply(app, staff)
    factories.publish(app, admin, slug)
    fill_disclosure(app, admin, slug)
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        [contract] = case.contracts
        value, duration = disclosure.variation_steps(case)[contract.id]
    assert (value.old_value_ntd, value.new_value_ntd) == (10_000_000_000, 11_200_000_000)
    assert (value.old_ends_on, value.new_ends_on) == (date(2021, 12, 31), date(2021, 12, 31))
    assert (duration.old_value_ntd, duration.new_value_ntd) == (11_200_000_000, 11_200_000_000)
    assert (duration.old_ends_on, duration.new_ends_on) == (date(2021, 12, 31), date(2023, 6, 30))


def test_the_command_recomputes_every_case(app, staff, admin):
    slug = factories.apply(app, staff)
    factories.publish(app, admin, slug)
    fill_disclosure(app, admin, slug)
    with app.app_context():
        db.session.execute(update(Case.__table__).values(disclosure={}, completeness=0))
        db.session.commit()
    assert _stored(app, slug) == {}
    result = app.test_cli_runner().invoke(args=["cases", "refresh-disclosure"])
    assert result.exit_code == 0, result.output
    assert "1 cases" in result.output
    assert _stored(app, slug) == dict.fromkeys(STAGES, 100)
    with app.app_context():
        assert db.session.scalar(select(Case.completeness).where(Case.slug == slug)) == 100
