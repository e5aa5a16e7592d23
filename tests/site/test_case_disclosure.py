"""Disclosure by stage on the public pages: the case page shows each stage's share, what a due stage
is missing and the data itself (impacts, funding, each contract's terms and variations, the completion
record) in both languages, and stays current in the kept record; the agency page averages each stage
over the cases that have reached it. Neither runs more queries for more parts."""

from __future__ import annotations

import re
from datetime import date

from civic.accounts.models import User
from civic.cases import parts, queries
from civic.extensions import db
from tests.cases import factories
from tests.cases.test_disclosure import fill_disclosure
from tests.site.test_case_tenders import page_of, section


def _full_case(app, staff, admin) -> str:
    slug = factories.apply(app, staff)
    factories.publish(app, admin, slug)
    fill_disclosure(app, admin, slug)
    return slug


def _rows(html: str) -> list[str]:
    """The text of each body row of the tables in ``html``, tags removed and spaces squeezed."""
    body = "".join(re.findall(r"<tbody.*?</tbody>", html, re.S))
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def test_the_case_page_shows_each_stage_and_the_data_in_both_languages(app, client, staff, admin):
    slug = _full_case(app, staff, admin)
    chinese = section(page_of(client.get(f"/cases/{slug}?lang=zh_Hant_TW")), "disclosure")
    assert "依階段揭露" in chinese and "應揭露的 5 個階段中 5 個已完整揭露" in chinese
    rows = _rows(chinese)
    assert rows[0].startswith("規劃 100% 5 項中 5 項") and "無" in rows[0]
    assert any(row.startswith("中央補助") for row in rows) and any(row.startswith("臺北市政府自籌") for row in rows)
    assert "施工噪音與地表沉陷" in chinese and "徵收私有地" in chinese
    assert '<time datetime="2015-07-02">' in chinese
    variations = [row for row in rows if "地質條件與設計不符" in row or "追加地盤改良" in row]
    assert len(variations) == 2
    assert '<time datetime="2023-06-30">' in chinese  # the new end date
    assert "潛盾隧道與車站土建" in chinese and '<time datetime="2016-01-01">' in chinese
    assert "全線完工通車" in chinese and "地質改良追加經費" in chinese
    english = section(page_of(client.get(f"/cases/{slug}?lang=en")), "disclosure")
    assert "Disclosure by stage" in english and "5 of 5 stages due fully disclosed" in english
    assert _rows(english)[0].startswith("Identification 100% 5 of 5")
    assert "Funding sources" in english and "No variations" not in english
    assert 'data-label="Reason"' in english and 'lang="zh-Hant-TW">地質條件與設計不符' in english
    assert 'href="#disclosure"' in page_of(client.get(f"/cases/{slug}?lang=en"))


def test_a_stage_not_yet_due_says_so_and_a_due_one_lists_what_is_missing(app, client, staff, admin):
    slug = factories.apply(app, staff, status="tendering")
    factories.publish(app, admin, slug)
    english = section(page_of(client.get(f"/cases/{slug}?lang=en")), "disclosure")
    rows = {row.split(" ", 1)[0]: row for row in _rows(english)}
    assert "Not yet due" in rows["Implementation"] and "Not yet due" in rows["Completion"]
    assert "Date the budget was approved" in rows["Preparation"] and "Funding sources" in rows["Preparation"]
    assert "Period of every contract" in rows["Procurement"]
    assert "No funding sources published yet." in english and "No completion record published yet." in english
    chinese = section(page_of(client.get(f"/cases/{slug}?lang=zh_Hant_TW")), "disclosure")
    assert "尚未到期" in chinese and "預算核定日期" in chinese


def test_the_kept_record_shows_a_new_variation_at_once(app, kept_fragments, staff, admin):
    slug = _full_case(app, staff, admin)
    reader = app.test_client()
    reader.get("/cases?lang=zh_Hant_TW")
    assert "範圍縮減" not in page_of(reader.get(f"/cases/{slug}"))
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        parts.add_variation(case, parts.VariationInput(
            case.contracts[0].id, "scope", date(2022, 1, 5), "用地取得延宕", description="範圍縮減一站"),
            actor=db.session.get(User, admin.id))
        db.session.commit()
    assert "範圍縮減一站" in section(page_of(reader.get(f"/cases/{slug}")), "disclosure")


def test_the_case_page_runs_the_same_queries_however_many_variations(app, client, staff, admin, count_queries):
    slug = _full_case(app, staff, admin)
    path = f"/cases/{slug}"
    client.get(path)
    with count_queries() as few:
        page_of(client.get(path))
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        case = queries.get_case_with_parts(db.session, slug)
        for number in range(4):
            parts.add_funding(case, parts.FundingInput(f"來源{number}", 1_000 * (number + 1)), actor=actor)
            parts.add_variation(case, parts.VariationInput(
                case.contracts[0].id, "value", date(2021, 1, number + 1), f"理由{number}",
                new_value_ntd=12_000_000_000 + number), actor=actor)
        db.session.commit()
    with count_queries() as many:
        page = page_of(client.get(path))
    assert "理由3" in page
    assert len(many) == len(few)


def test_the_agency_page_averages_each_stage_over_the_cases_that_reached_it(app, client, staff, admin,
                                                                            count_queries):
    full = _full_case(app, staff, admin)
    early = factories.apply(app, staff, slug="early-case", status="identification", budget_ntd=None)
    factories.publish(app, admin, early)
    code = "A00000001"  # the staff account's agency
    english = page_of(client.get(f"/agencies/{code}?lang=en"))
    table = re.search(r'<h2 class="govuk-heading-m" id="disclosure">.*?</table>', english, re.S).group()
    rows = _rows(table)
    # Preparation is due for both: the full case 100, the early one 1 of 6 (17): 58.5, shown as 58 or 59.
    assert rows[0] == "Identification 100%"
    assert re.fullmatch(r"Preparation 5[89]%", rows[1])
    assert rows[2:] == ["Procurement 100%", "Implementation 100%", "Completion 100%"]
    chinese = page_of(client.get(f"/agencies/{code}?lang=zh_Hant_TW"))
    assert "依階段揭露" in chinese and "平均揭露比例" in chinese
    assert full and early
    # One statement averages the stored scores, whatever the number of cases.
    with count_queries() as statements:
        page_of(client.get(f"/agencies/{code}?lang=en"))
    assert sum("avg(" in statement.lower() and "disclosure" in statement for statement in statements) == 1
