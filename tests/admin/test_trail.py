"""The audit trail as prose: every recorded action has words, targets and actors are named,
details read as "key: value", the CSV says the same as the page, and a page of any length
runs the same queries; over HTTP on both databases.
"""

from __future__ import annotations

import ast
import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

import civic
from civic.accounts import administration
from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.admin import trail
from civic.agencies import services as agencies
from civic.core import audit
from civic.extensions import db
from civic.feedback.models import FeedbackStatus
from tests.cases import factories as case_factories
from tests.support import login

CIVIC = Path(civic.__file__).parent


# Every action the code records has words.


def _literals(node: ast.expr) -> set[str] | None:
    """The texts an expression can take when it is made of string literals; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    return None


def _argument(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    return call.args[position] if position is not None and len(call.args) > position else None


def _called(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _sources() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for path in sorted(CIVIC.rglob("*.py"))}


PART_KINDS = ("member", "meeting", "risk", "milestone", "document", "contract")


def _case_actions(sources: dict[Path, ast.Module]) -> set[str]:
    """What a case can undergo: each part added, changed or removed, and every action named in
    civic/cases (``action="published"``, or the action given to the parts' ``_changed``)."""
    actions = {"applied", "updated"} | {f"{kind}.{verb}" for kind in PART_KINDS
                                        for verb in ("added", "updated", "removed")}
    for path, tree in sources.items():
        if path.parent.name != "cases":
            continue
        for call in _calls(tree):
            given = _argument(call, 2 if _called(call) == "_changed" else None, "action")
            actions |= (_literals(given) or set()) if given is not None else set()
    return actions


def recorded_actions() -> set[str]:
    """Every action name that a call of audit.record in civic/ can write."""
    sources = _sources()
    case_actions = {f"case.{action}" for action in _case_actions(sources)}
    # Actions built at run time, by the expression that builds them, and every value it can take.
    built = {
        "f'case.{action}'": case_actions,
        "f'case.{name}'": case_actions,
        "f'feedback.{status}'": {f"feedback.{status}" for status in FeedbackStatus},
    }
    actions: set[str] = set()
    for path, tree in sources.items():
        for call in _calls(tree):
            if not (_called(call) == "record" and getattr(call.func, "value", None) is not None
                    and getattr(call.func.value, "id", None) == "audit"):
                continue
            given = _argument(call, 1, "action")
            texts = _literals(given)
            if texts is None:
                source = ast.unparse(given)
                assert source in built, f"{path.relative_to(CIVIC.parent)}:{call.lineno}: the action {source} " \
                                        "is built in a way this test does not know; add its values to `built`"
                texts = built[source]
            actions |= texts
    return actions


def test_every_action_the_code_records_has_words():
    recorded = recorded_actions()
    assert {"invitation.sent", "case.meeting.updated", "case.contract.removed", "case.featured",
            "case.resubmitted", "feedback.in_progress", "agency.deactivated", "company.claim_rejected"} <= recorded
    assert sorted(recorded - trail.ACTION_LABELS.keys()) == []


def recorded_detail_keys() -> set[str]:
    """Every detail key a call of audit.record in civic/ writes by name (``reason=...``)."""
    keys: set[str] = set()
    for tree in _sources().values():
        for call in _calls(tree):
            if (_called(call) == "record" and getattr(call.func, "value", None) is not None
                    and getattr(call.func.value, "id", None) == "audit"):
                keys |= {keyword.arg for keyword in call.keywords if keyword.arg}
    return keys - {"actor_id", "target_type", "target_id"}


def test_every_detail_the_code_records_has_words():
    recorded = recorded_detail_keys()
    assert {"reason", "on_time", "changes", "hidden_for"} <= recorded
    # Field changes are read field by field, each field with its own words.
    assert sorted(recorded - trail.DETAIL_KEYS.keys() - {"changes"}) == []


def test_every_case_action_of_the_history_has_words():
    parts = [f"{part}.{verb}" for part in PART_KINDS for verb in ("added", "updated", "removed")]
    for action in ("applied", "resubmitted", "published", "returned", "rejected", "updated", "featured",
                   "unfeatured", *parts):
        assert f"case.{action}" in trail.ACTION_LABELS, action


def test_an_action_without_words_reads_as_its_code_spelt_out():
    assert trail.action_label("workshop.seats_doubled") == "Workshop · seats doubled"
    assert trail.target_type_label("gadget_part") == "Gadget part"


# Details as prose.


def test_details_read_as_key_value_lines_in_the_pages_language(app):
    details = {"changes": {"name_zh": ["舊機關", "新機關"], "name_en": ["", "New"]}, "reason": "spam",
               "role": "staff", "moved": True, "promoted": [3, 4], "agency": None, "mystery_key": "值"}
    with app.test_request_context("/"):
        lines = trail.detail_lines(details)
    assert lines == ["中文名稱：舊機關 → 新機關", "英文名稱：— → New", "理由：垃圾訊息或廣告", "身分：機關承辦人員",
                     "時間或地點有變更：是", "由候補遞補：3, 4", "機關：—", "mystery key：值"]
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert trail.detail_lines({"reason": "離職", "moved": False}) == ["Reason: 離職", "Time or place changed: No"]


# The page and the CSV.


INLINE = {"a", "abbr", "b", "code", "em", "i", "mark", "small", "span", "strong", "time"}


def visible_text(html: str) -> str:
    """The words a person sees: text outside tags, without scripts and styles."""

    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")
            self._part(tag)

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")
            self._part(tag)

        def _part(self, tag):
            # A cell, a line or a break parts words; a span or a link inside a line does not.
            if tag not in INLINE:
                self.parts.append(" ")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    collector = Collector()
    collector.feed(html)
    return " ".join("".join(collector.parts).split())


def rows_text(response) -> str:
    """The visible words of the trail's rows (not of the filter's choices)."""
    page = response.get_data(as_text=True)
    assert '<tbody class="govuk-table__body">' in page
    return visible_text(page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0])


@pytest.fixture
def busy_trail(app, admin, staff, citizen, published_case):
    """A trail with a case applied for and published, an invitation, a comment and a suspension."""
    from tests.feedback.conftest import post

    number = post(app, citizen, published_case)[1]
    with app.test_request_context():
        acting = db.session.get(User, admin.id)
        administration.invite(db.session, email="clerk@agency-a.gov.tw", role="staff",
                              agency=db.session.get(User, staff.id).agency, actor=acting)
        accounts.suspend_user(db.session, db.session.get(User, citizen.id), actor=acting, reason="灌水留言")
        db.session.commit()
    return number


def test_the_trail_names_actions_targets_and_people_in_chinese(app, admin_client, busy_trail):
    response = admin_client.get("/admin/audit")
    assert response.status_code == 200
    text = rows_text(response)
    for words in ("已送出申請", "已公開", "寄出邀請", "發表留言", "已收到並送交機關", "帳號停權",
                  "臺北捷運萬大線", "clerk@agency-a.gov.tw", f"{busy_trail} · 臺北捷運萬大線", "citizen",
                  "機關承辦人員（測試機關 A00000001）", "管理者", "理由：灌水留言", "身分：機關承辦人員",
                  "案件", "邀請", "民眾意見", "帳號"):
        assert words in text, words
    for code in ("case.applied", "invitation.sent", "comment.posted", "account.suspended", "\\u"):
        assert code not in text, code


def test_the_trail_reads_in_english_on_request(app, admin_client, busy_trail):
    text = rows_text(admin_client.get("/admin/audit?lang=en"))
    for words in ("Application submitted", "Invitation sent", "Comment posted", "Account suspended",
                  "Taipei MRT Wanda Line", "Agency staff", "Administrator", "Reason: 灌水留言",
                  "Role: Agency staff", "Public feedback"):
        assert words in text, words


def test_a_target_links_to_everything_that_happened_to_it(app, admin_client, busy_trail, published_case):
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/admin/audit?target_type=case&amp;target_id={published_case}"' in page
    only_case = rows_text(admin_client.get(f"/admin/audit?target_type=case&target_id={published_case}"))
    assert "已公開" in only_case and "寄出邀請" not in only_case


def test_actions_and_target_types_are_chosen_by_their_words(app, admin_client, busy_trail):
    response = admin_client.get("/admin/audit?action=invitation.sent")
    page = response.get_data(as_text=True)
    assert '<option value="invitation.sent" selected>寄出邀請</option>' in page
    assert '<option value="case">案件</option>' in page
    text = rows_text(response)
    assert "寄出邀請" in text and "發表留言" not in text


def test_an_action_or_target_without_words_is_shown_not_refused(app, admin_client):
    with app.test_request_context():
        audit.record(db.session, "gadget.seats_doubled", actor_id=None, target_type="gadget", target_id="7",
                     nested={"a": [1, None]}, formula="=1+1")
        db.session.commit()
    response = admin_client.get("/admin/audit")
    assert response.status_code == 200
    text = rows_text(response)
    assert "Gadget · seats doubled" in text and "nested：a：1" in text and "系統" in text


def test_the_csv_has_the_columns_of_the_page_in_taipei_time_and_safe_from_formulas(app, admin_client, admin):
    with app.test_request_context():
        agencies.create_agency(db.session, code="Z00000009", name_zh="=HYPERLINK(\"http://x\")",
                               actor=db.session.get(User, admin.id))
        db.session.commit()
    response = admin_client.get("/admin/audit.csv?action=agency.created")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["時間", "動作", "對象類型", "對象", "操作者", "身分", "細節"]
    created = [row for row in rows[1:] if row[3].startswith("'=HYPERLINK")]
    assert len(created) == 1
    when, action, target_type, _name, actor, role, details = created[0]
    assert when.endswith("+08:00") and action == "新增機關" and target_type == "機關"
    assert actor == "admin" and role == "管理者" and details == ""
    english = admin_client.get("/admin/audit.csv?action=agency.created&lang=en").get_data(as_text=True)
    assert next(csv.reader(io.StringIO(english[1:]))) == ["When", "Action", "Target type", "Target", "Who", "Role",
                                                          "Details"]


def test_the_csv_reads_details_and_deleted_targets(app, admin_client, admin):
    with app.test_request_context():
        acting = db.session.get(User, admin.id)
        agency = agencies.create_agency(db.session, code="Z00000010", name_zh="舊名", actor=acting)
        agencies.save_agency(db.session, agencies.AgencyInput(code="Z00000010", name_zh="新名"), agency=agency,
                             actor=acting)
        db.session.commit()
    rows = list(csv.reader(io.StringIO(admin_client.get("/admin/audit.csv?target_id=Z00000010")
                                       .get_data(as_text=True)[1:])))
    changed = next(row for row in rows if row[1] == "修改機關資料")
    assert changed[3] == "新名" and "中文名稱：舊名 → 新名" in changed[6]


# A page of any length runs the same queries.


def test_the_trail_runs_the_same_queries_for_few_or_many_rows(app, admin_client, admin, staff, citizen,
                                                              published_case, count_queries):
    from tests.conftest import make_account
    from tests.feedback.conftest import post
    from tests.workshops.conftest import hold

    def add_rows(first: int, count: int) -> None:
        for number in range(first, first + count):
            with app.test_request_context():
                agencies.create_agency(db.session, code=f"Q{number:08d}", name_zh=f"機關 {number}",
                                       actor=db.session.get(User, admin.id))
                db.session.commit()
            make_account(app, f"person{number}@example.tw", "citizen")
            case_factories.apply(app, staff, slug=f"case-{number}")
            hold(app, staff, title=f"工作坊 {number}")
            post(app, citizen, published_case, f"留言 {number}")

    add_rows(1, 1)
    admin_client.get("/admin/audit")
    with count_queries() as few:
        few_rows = admin_client.get("/admin/audit").get_data(as_text=True).count('class="govuk-table__row"')
    add_rows(2, 4)
    with count_queries() as many:
        many_rows = admin_client.get("/admin/audit").get_data(as_text=True).count('class="govuk-table__row"')
    assert many_rows > few_rows + 20
    assert len(many) == len(few)


def test_only_admins_download_the_trail(app, client, citizen, staff, moderator, admin):
    response = client.get("/admin/audit.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for account in (citizen, staff, moderator):
        other = app.test_client()
        login(other, account)
        assert other.get("/admin/audit").status_code == 403
        assert other.get("/admin/audit.csv").status_code == 403
    login(client, admin)
    assert client.get("/admin/audit").status_code == 200
    assert client.get("/admin/audit.csv").status_code == 200

