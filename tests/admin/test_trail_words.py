"""Every kind of target the code records, and every code stored as a detail, reads as words in
both languages on /admin/audit: no action, target type, field or measure shows as its code.
"""

from __future__ import annotations

import ast

import pytest

from civic.accounts import security_events
from civic.admin import queries, trail
from civic.commitments.models import Commitment, CommitmentMeasure
from civic.core import audit
from civic.extensions import db
from tests.admin.test_trail import CIVIC, _argument, _called, _calls, _literals, _sources, rows_text


def _module_constants(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def recorded_target_types() -> set[str]:
    """Every target type a call of audit.record in civic/ can write: a literal, a module constant,
    or the types that ``security_events.target`` hands over."""
    types: set[str] = set()
    for path, tree in _sources().items():
        constants = _module_constants(tree)
        for call in _calls(tree):
            if not (_called(call) == "record" and getattr(getattr(call.func, "value", None), "id", None) == "audit"):
                continue
            given = _argument(call, None, "target_type")
            if given is None:
                spread = [ast.unparse(keyword.value) for keyword in call.keywords if keyword.arg is None]
                assert any(text.startswith("security_events.target(") for text in spread), \
                    f"{path.relative_to(CIVIC.parent)}:{call.lineno}: no target type this test can read"
                types |= {"user", security_events.UNKNOWN_ADDRESS}
                continue
            texts = _literals(given)
            if texts is None and isinstance(given, ast.Name) and given.id in constants:
                texts = {constants[given.id]}
            assert texts is not None, f"{path.relative_to(CIVIC.parent)}:{call.lineno}: target type " \
                                      f"{ast.unparse(given)} is built in a way this test does not know"
            types |= texts
    return types


def test_every_target_type_the_code_records_has_words():
    recorded = recorded_target_types()
    assert {"case", "commitment", "email_hash", "user", "workshop_registration"} <= recorded
    assert sorted(recorded - trail.TARGET_TYPES.keys()) == []


def test_every_target_type_with_a_record_of_its_own_is_named():
    # Addresses without an account are only a hash, and mail only a number: nothing to name them by.
    # A report is named by its number only: the administration never reads the reports package.
    # A token is named by its number: its name is its holder's, read on their own page.
    # A webhook is named by its number: its address is its owner's, read on their own page.
    unnamed = ["api_token", "calendar", "email_hash", "outbox", "report", "report_notice", "webhook"]
    assert sorted(trail.TARGET_TYPES.keys() - queries.NAMERS.keys()) == unnamed


def test_every_action_and_target_type_has_words_in_both_languages(app):
    for language, differs in (("zh_Hant_TW", True), ("en", False)):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            for table in (trail.ACTION_LABELS, trail.TARGET_TYPES, trail.DETAIL_KEYS):
                for code, label in table.items():
                    words = str(label)
                    assert words and words != code, code
                    if differs:
                        assert any("\u4e00" <= char <= "\u9fff" for char in words), (code, words)


@pytest.fixture
def commitment_changes(app):
    """A commitment added and then changed field by field, as its services record them."""
    with app.test_request_context():
        db.session.add(Commitment(code="open-minutes", title_zh="會議紀錄公開", title_en="Minutes published",
                                  measure=CommitmentMeasure.platforms))
        audit.record(db.session, "commitment.created", actor_id=None, target_type="commitment",
                     target_id="open-minutes", measure=str(CommitmentMeasure.platforms))
        audit.record(db.session, "commitment.milestone_changed", actor_id=None, target_type="commitment",
                     target_id="open-minutes", milestone=1,
                     changes={"title_zh": ["舊", "新"], "due_on": ["2026-01-01", "2026-02-01"],
                              "done_on": [None, "2026-02-02"]})
        db.session.commit()


def test_a_commitment_reads_as_its_title_and_measure_in_chinese(admin_client, commitment_changes):
    text = rows_text(admin_client.get("/admin/audit?target_type=commitment"))
    for words in ("會議紀錄公開", "新增行動方案承諾事項", "衡量指標：當年度計入的廉政平臺數", "預定日期：",
                  "完成日期：", "中文名稱：舊 → 新"):
        assert words in text, words
    for code in ("platforms", "commitment.", "due on", "done on", "title zh", "measure"):
        assert code not in text, code


def test_a_commitment_reads_as_its_title_and_measure_in_english(admin_client, commitment_changes):
    text = rows_text(admin_client.get("/admin/audit?target_type=commitment&lang=en"))
    for words in ("Minutes published", "Action plan commitment added", "Integrity platforms counted in that year",
                  "Due on: 2026-01-01 → 2026-02-01", "Title in Chinese: 舊 → 新"):
        assert words in text, words
    assert "measure" not in text.lower().replace("what it measures", "")
