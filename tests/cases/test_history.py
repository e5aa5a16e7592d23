"""The public record: one entry per change of every part, a hash chain anyone can check, a reason for
every change to a published case, and `history verify` catching what bypassed the application."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from civic.accounts.models import User
from civic.cases import history, parts, queries, services
from civic.cases.models import CaseMember, HistoryEntry, Meeting, MeetingDecision, RiskItem
from civic.core.audit import AuditEntry
from civic.core.errors import DomainError
from civic.extensions import db
from tests.cases.factories import case_input, fill_parts


def load(slug):
    return queries.get_case_with_parts(db.session, slug)


def user(account):
    return db.session.get(User, account.id)


@dataclass(frozen=True)
class Kind:
    collection: str
    add: Any
    update: Any
    changed: dict[str, tuple[Any, Any]]
    # What the part needs on the case first (a variation, its contract), as setup(case, actor).
    setup: Any = None

    def prepare(self, slug: str, actor) -> None:
        if self.setup is not None:
            self.setup(load(slug), actor)
            db.session.commit()


def _variation(case, kind: str, **values) -> parts.VariationInput:
    return parts.VariationInput(contract_id=case.contracts[0].id, kind=kind, approved_on=date(2024, 6, 1),
                                rationale="地質改良", **values)


KINDS = {
    "member": Kind(
        "members",
        lambda case, actor: parts.add_member(case, parts.MemberInput("王○○", "捷運局", "agency"), actor=actor),
        lambda case, part, actor, reason: parts.update_member(
            case, part.id, parts.MemberInput("王○○", "臺北地檢署", "prosecutor"), actor=actor, reason=reason),
        {"organisation": ("捷運局", "臺北地檢署"), "role": ("agency", "prosecutor")}),
    "meeting": Kind(
        "meetings",
        lambda case, actor: parts.add_meeting(case, parts.MeetingInput(
            held_on=date(2024, 3, 1), title="第1次會議", statements=[("王○○", "報告進度")],
            decisions=["每季公開會議紀錄"]), actor=actor),
        lambda case, part, actor, reason: parts.update_meeting(case, part.id, parts.MeetingInput(
            held_on=date(2024, 3, 1), title="第1次會議", statements=[("王○○", "報告進度落後")],
            decisions=["每月公開會議紀錄"]), actor=actor, reason=reason),
        {"statements": ([{"speaker": "王○○", "content": "報告進度"}], [{"speaker": "王○○", "content": "報告進度落後"}]),
         "decisions": (["每季公開會議紀錄"], ["每月公開會議紀錄"])}),
    "risk": Kind(
        "risks",
        lambda case, actor: parts.add_risk(case, services.RiskInput(stage="award", risk="評選委員利益衝突"),
                                           actor=actor),
        lambda case, part, actor, reason: parts.update_risk(case, part.id, services.RiskInput(
            stage="award", risk="評選委員利益衝突", likelihood="high", status="mitigating"), actor=actor,
            reason=reason),
        {"likelihood": ("medium", "high"), "status": ("open", "mitigating")}),
    "milestone": Kind(
        "milestones",
        lambda case, actor: parts.add_milestone(
            case, parts.MilestoneInput(title_zh="動工", planned_on=date(2020, 1, 1)), actor=actor),
        lambda case, part, actor, reason: parts.update_milestone(case, part.id, parts.MilestoneInput(
            title_zh="動工", planned_on=date(2021, 6, 30)), actor=actor, reason=reason),
        {"planned_on": ("2020-01-01", "2021-06-30")}),
    "document": Kind(
        "documents",
        lambda case, actor: parts.add_document(case, parts.DocumentInput(title="可行性研究",
                                                                         url="https://example.gov.tw/a"), actor=actor),
        lambda case, part, actor, reason: parts.update_document(case, part.id, parts.DocumentInput(
            title="可行性研究（修訂）", url="https://example.gov.tw/a"), actor=actor, reason=reason),
        {"title": ("可行性研究", "可行性研究（修訂）")}),
    "contract": Kind(
        "contracts",
        lambda case, actor: parts.add_contract(case, parts.ContractInput(
            title="CQ840 標", ubn="90000006", company_name="示範營造", award_value_ntd=10_000_000_000), actor=actor),
        lambda case, part, actor, reason: parts.update_contract(case, part.id, parts.ContractInput(
            title="CQ840 標", ubn="90000006", company_name="示範營造", award_value_ntd=9_800_000_000), actor=actor,
            reason=reason),
        {"award_value_ntd": (10_000_000_000, 9_800_000_000)}),
    "tender": Kind(
        "tenders",
        lambda case, actor: parts.add_tender(case, parts.TenderInput("3.76.47", "CQ850-2026"), actor=actor),
        lambda case, part, actor, reason: parts.update_tender(
            case, part.id, parts.TenderInput("3.76.47", "CQ850-2026A"), actor=actor, reason=reason),
        {"job_number": ("CQ850-2026", "CQ850-2026A")}),
    "funding": Kind(
        "funding",
        lambda case, actor: parts.add_funding(case, parts.FundingInput("中央補助", 30_000_000_000), actor=actor),
        lambda case, part, actor, reason: parts.update_funding(
            case, part.id, parts.FundingInput("中央補助", 31_000_000_000), actor=actor, reason=reason),
        {"amount_ntd": (30_000_000_000, 31_000_000_000)}),
    "variation": Kind(
        "variations",
        lambda case, actor: parts.add_variation(case, _variation(case, "value", new_value_ntd=10_500_000_000),
                                                actor=actor),
        lambda case, part, actor, reason: parts.update_variation(
            case, part.id, _variation(case, "duration", new_ends_on=date(2027, 6, 30)), actor=actor, reason=reason),
        {"kind": ("value", "duration"), "new_value_ntd": (10_500_000_000, None), "new_ends_on": (None, "2027-06-30")},
        setup=lambda case, actor: parts.add_contract(case, parts.ContractInput(
            title="CQ840 標", ubn="90000006", company_name="示範營造", award_value_ntd=10_000_000_000), actor=actor)),
}


def entries_of(slug: str) -> list[HistoryEntry]:
    case = load(slug)
    return list(db.session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id)
                                   .order_by(HistoryEntry.seq)))


def contract_hash(entry: dict) -> str:
    """The hash exactly as ../shared/CONTRACT.md words it, written here independently."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_part_kind_records_create_change_and_delete_with_before_and_after(app, ctx, published_case, staff,
                                                                                 kind):
    spec = KINDS[kind]
    actor = user(staff)
    spec.prepare(published_case, actor)
    before = len(entries_of(published_case))
    part = spec.add(load(published_case), actor)
    db.session.commit()
    case = load(published_case)
    part = next(p for p in getattr(case, spec.collection) if p.id == part.id)
    spec.update(case, part, actor, "更正誤植")
    db.session.commit()
    parts.remove_part(load(published_case), spec.collection, part.id, actor=actor, reason="重複登錄")
    db.session.commit()

    created, changed, deleted = entries_of(published_case)[before:]
    assert [e.action for e in (created, changed, deleted)] == ["created", "updated", "deleted"]
    assert {e.part_kind for e in (created, changed, deleted)} == {kind}
    assert {e.part_id for e in (created, changed, deleted)} == {part.id}
    assert created.before is None and deleted.after is None
    assert changed.before == {name: old for name, (old, _new) in spec.changed.items()}
    assert changed.after == {name: new for name, (_old, new) in spec.changed.items()}
    # The deletion keeps every value the part had: a tombstone, not only its name.
    assert deleted.before == {**created.after, **changed.after}
    assert (changed.reason, deleted.reason) == ("更正誤植", "重複登錄")
    assert created.actor_role == "staff" and created.actor_agency == "A00000001"
    assert history.verify_case(db.session, load(published_case)) is None


def test_the_chain_links_every_entry_and_hashes_it_as_the_contract_says(app, ctx, published_case, admin):
    fill_parts(app, admin, published_case)
    case = load(published_case)
    previous = "0" * 64
    for expected_seq, entry in enumerate(entries_of(published_case), 1):
        data = history.public(entry)
        assert data["seq"] == expected_seq
        assert data["previous_hash"] == previous
        assert data["hash"] == contract_hash(data)
        previous = data["hash"]
    assert queries.get_history_head(db.session, case.id) == previous


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_published_case_part_is_not_changed_or_removed_without_a_reason(app, ctx, published_case, staff, kind):
    spec = KINDS[kind]
    spec.prepare(published_case, user(staff))
    part_id = spec.add(load(published_case), user(staff)).id
    db.session.commit()
    count = len(entries_of(published_case))
    case = load(published_case)
    part = next(p for p in getattr(case, spec.collection) if p.id == part_id)
    with pytest.raises(DomainError) as refused:
        spec.update(case, part, user(staff), "  ")
    assert refused.value.field == "reason"
    db.session.rollback()
    with pytest.raises(DomainError):
        parts.remove_part(load(published_case), spec.collection, part_id, actor=user(staff))
    db.session.rollback()
    assert len(entries_of(published_case)) == count
    assert part_id in [p.id for p in getattr(load(published_case), spec.collection)]


def test_an_unpublished_application_changes_without_a_reason(app, ctx, application, staff):
    services.update_case(db.session, load(application), case_input(application, title_zh="新水庫（第二期）",
                                                                    budget_ntd=150_000_000), actor=user(staff))
    db.session.commit()
    assert entries_of(application)[-1].after == {"title_zh": "新水庫（第二期）"}


@pytest.mark.parametrize("change", ["member", "statement", "decision", "risk", "case"])
def test_no_path_changes_a_part_without_an_entry(app, ctx, published_case, admin, change):
    fill_parts(app, admin, published_case)
    case = load(published_case)
    if change == "member":
        case.members[0].name = "悄悄改名"
    elif change == "statement":
        case.meetings[0].statements[0].content = "悄悄改寫"
    elif change == "decision":
        case.meetings[0].decisions.append(MeetingDecision(content="悄悄加上", position=9))
    elif change == "risk":
        db.session.delete(case.risks[0])
    else:
        case.budget_ntd = 1
    with pytest.raises(history.UnrecordedChange):
        db.session.flush()
    db.session.rollback()


def test_verify_names_an_entry_rewritten_in_the_database(app, ctx, published_case, admin):
    fill_parts(app, admin, published_case)
    case = load(published_case)
    assert app.test_cli_runner().invoke(args=["history", "verify"]).exit_code == 0
    db.session.execute(text("UPDATE case_history_entries SET after = :after WHERE case_id = :case AND seq = 3"),
                       {"after": json.dumps({"name": "另一人", "organisation": "某", "role": "expert"}),
                        "case": case.id})
    result = app.test_cli_runner().invoke(args=["history", "verify"])
    assert result.exit_code != 0
    assert f"case {published_case}, entry 3" in result.output


def test_verify_names_a_part_changed_in_the_database(app, ctx, published_case, admin):
    fill_parts(app, admin, published_case)
    meeting = load(published_case).meetings[0]
    db.session.execute(text("UPDATE case_meeting_decisions SET content = '改寫的決議' WHERE meeting_id = :id"),
                       {"id": meeting.id})
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["history", "verify"])
    assert result.exit_code != 0
    assert f"case {published_case}" in result.output and f"meeting {meeting.id}" in result.output
    assert "decisions" in result.output


def test_verify_notices_an_entry_removed_from_the_middle(app, ctx, published_case, admin):
    fill_parts(app, admin, published_case)
    case = load(published_case)
    db.session.execute(text("DELETE FROM case_history_entries WHERE case_id = :case AND seq = 2"),
                       {"case": case.id})
    result = app.test_cli_runner().invoke(args=["history", "verify"])
    assert result.exit_code != 0 and "entry 3" in result.output


def test_entries_are_never_dated_before_the_one_they_follow(app, ctx, published_case, admin):
    fill_parts(app, admin, published_case)
    moments = [entry.at for entry in entries_of(published_case)]
    assert moments == sorted(moments)


def test_a_change_of_a_part_moves_the_case_forward_for_mirrors(app, ctx, published_case, staff):
    before = load(published_case).updated_at
    KINDS["member"].add(load(published_case), user(staff))
    db.session.commit()
    assert load(published_case).updated_at > before


def test_guarded_models_cover_every_part_kind():
    covered = {history.KINDS[model] for model in history.KINDS}
    # The e-procurement system's announcements are recorded by civic.procurement, which tests them
    # (tests/procurement/test_import.py).
    assert covered == {"case", "announcement", *{kind for kind in KINDS}}
    assert {CaseMember, Meeting, RiskItem} <= set(history.KINDS)


def test_the_audit_trail_points_at_the_entry_and_keeps_its_reason(app, ctx, published_case, staff):
    services.update_case(db.session, load(published_case), case_input(published_case, status="completed"),
                         actor=user(staff), reason="完工")
    db.session.commit()
    entry = entries_of(published_case)[-1]
    trail = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.updated")).all()[-1]
    assert trail.details == {"entry": entry.seq, "reason": "完工"}


@pytest.mark.parametrize(("table", "column", "value"), [
    ("cases", "final_scope", "改寫的完工範圍"),
    ("cases", "environmental_impact", "改寫的環境影響"),
    ("case_contracts", "scope", "改寫的契約範圍"),
])
def test_verify_guards_the_disclosure_fields_too(app, ctx, published_case, admin, table, column, value):
    fill_parts(app, admin, published_case)
    case = load(published_case)
    where = "id = :case" if table == "cases" else "case_id = :case"
    db.session.execute(text(f"UPDATE {table} SET {column} = :value WHERE {where}"),  # noqa: S608
                       {"value": value, "case": case.id})
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["history", "verify"])
    assert result.exit_code != 0 and column in result.output


def test_a_field_the_record_never_named_agrees_only_while_it_is_empty():
    recorded = {"title": "CQ840 標"}
    assert not history._differs("scope", "", recorded)
    assert not history._differs("starts_on", None, recorded)
    assert history._differs("scope", "全線土建", recorded)
    assert history._differs("title", "CQ850 標", recorded)
