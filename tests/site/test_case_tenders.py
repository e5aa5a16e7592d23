"""The case page's tenders and risk signals: the timeline of announcements imported from the
e-procurement system with amounts, bidders, winners, the official page and the source named, in both
languages; the signals with what they mean; in a fixed number of queries however long the timeline."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from civic.accounts.models import User
from civic.cases import parts, queries
from civic.core.permissions import SYSTEM
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.procurement.parsing import parse_response
from civic.procurement.services import store
from civic.site import case_page

FIXTURES = Path(__file__).parents[1] / "procurement" / "fixtures"
OPEN = ("3.76.47", "CQ850-2026")
FAILED = ("A.17.2.1", "nwda1150012")
ATTRIBUTION_ZH = "資料來源：政府電子採購網（行政院公共工程委員會），經由社群 API"
ATTRIBUTION_EN = ("Source: Government e-Procurement System (Public Construction Commission, Executive Yuan), "
                  "via the community API")


def add_tender(app, account, slug, unit_id, job_number):
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        parts.add_tender(case, parts.TenderInput(unit_id, job_number), actor=db.session.get(User, account.id))
        db.session.commit()


def import_response(app, response: dict, source: str = "test"):
    with app.test_request_context():
        report = store(db.session, parse_response(response), source=source, actor=SYSTEM)
        db.session.commit()
    return report


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def page_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, section_id: str) -> str:
    """The HTML of one folding section of the case page."""
    found = re.search(rf'<details class="civic-section" id="{section_id}".*?</details>', page, re.S)
    assert found, f"no section {section_id}"
    return found.group()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def tendered_case(app, staff, published_case):
    add_tender(app, staff, published_case, *OPEN)
    add_tender(app, staff, published_case, *FAILED)
    return published_case


def test_the_page_shows_the_timeline_with_amounts_bidders_winners_and_the_source(app, client, tendered_case):
    import_response(app, fixture("tender_open.json"))
    page = page_of(client.get(f"/cases/{tendered_case}"))
    assert 'href="#tenders"' in page
    tenders = section(page, "tenders")
    words = text_of(tenders)
    assert "採購公告與決標" in words and "3.76.47" in words and "CQ850-2026" in words
    assert "臺北市政府捷運工程局" in words
    # Oldest first: the call for tenders, its correction, the award.
    assert words.index("公開招標公告") < words.index("公開招標更正公告") < words.index("決標公告")
    assert "民國115年3月2日" in words and "民國115年4月20日" in words
    assert "NT$ 1,200,000,000" in words and "NT$ 1,150,000,000" in words and "NT$ 1,148,000,000" in words
    assert "萬大線CQ850區段標土建工程" in words
    assert 'href="/companies/90000006"' in tenders and "示範營造股份有限公司" in words
    assert "90000006" in words
    assert ('href="https://web.pcc.gov.tw/tps/atm/AtmAwardWithoutSso/QueryAtmAwardDetail?pkAtmMain=NzEwMDAwMDM="'
            in tenders)
    assert 'href="https://web.pcc.gov.tw/tps/QueryTender/query/searchTenderDetail?pkPmsMain=NzEwMDAwMDE="' in tenders
    assert ATTRIBUTION_ZH in words
    # The other tender has nothing imported yet, and says so.
    assert "A.17.2.1" in words and "尚未匯入" in words


def test_the_english_page_shows_the_timeline_with_chinese_data_marked(app, client, tendered_case):
    import_response(app, fixture("tender_open.json"))
    page = page_of(client.get(f"/cases/{tendered_case}?lang=en"))
    tenders = section(page, "tenders")
    words = text_of(tenders)
    assert "Tenders and awards" in words and "Award amount" in words and "Number of bidders" in words
    assert "20 Apr 2026" in words and "NT$ 1,148,000,000" in words
    assert ATTRIBUTION_EN in words and "資料來源" not in words
    # The system's own wording of the type, with its kind in the reader's language beside it.
    assert '<strong lang="zh-Hant-TW">決標公告</strong> (Award notice)' in tenders
    assert '<span lang="zh-Hant-TW">臺北市政府捷運工程局</span>' in tenders
    assert re.search(r'href="/companies/90000006"><span lang="zh-Hant-TW">示範營造股份有限公司</span>', tenders)
    assert "Official page on the e-procurement system" in words


def test_single_bidder_and_repeated_failures_are_shown_as_signals_with_their_meaning(app, client, tendered_case):
    import_response(app, fixture("tender_open.json"))
    import_response(app, fixture("tender_failed.json"))
    page = page_of(client.get(f"/cases/{tendered_case}"))
    assert 'href="#signals"' in page
    signals = section(page, "signals")
    assert 'data-signal="single_bidder"' in signals and 'data-signal="repeated_failed_tenders"' in signals
    words = text_of(signals)
    assert "風險訊號" in words and "訊號不是指控" in words
    assert "3.76.47 CQ850-2026" in words and "BDM-1-71000003" in words
    assert "A.17.2.1 nwda1150012" in words and "BDM-3-72000002" in words and "BDM-3-72000003" in words
    assert 'href="https://cardinal.readthedocs.io/en/latest/cli/indicators/"' in signals
    assert '<span lang="en">OCDS Cardinal R018 (Single bid received)</span>' in signals

    english = section(page_of(client.get(f"/cases/{tendered_case}?lang=en")), "signals")
    words = text_of(english)
    assert "One bidder in an open tender" in words and "Tender failed more than once" in words
    assert "Only one company bid in a tender open to all." in words
    assert "What this means and what it does not" in words and "A signal is not an accusation." in words
    assert "names one bidder" in words and "2 announcements of no award" in words


def test_a_case_without_tenders_shows_no_tender_section(app, client, published_case):
    page = page_of(client.get(f"/cases/{published_case}"))
    assert 'id="tenders"' not in page and 'href="#tenders"' not in page and "採購公告與決標" not in page
    assert "目前沒有" in text_of(section(page, "signals"))


def award(filename: str, day: str, bidders: list[tuple[str, str]]) -> dict:
    """A 決標公告 of the open tender naming ``bidders``, the first of them the winner."""
    detail = {"已公告資料:招標方式": "公開招標", "決標資料:總決標金額": "1,000,000元",
              "投標廠商:投標廠商家數": str(len(bidders))}
    for number, (ubn, name) in enumerate(bidders, start=1):
        detail |= {f"投標廠商:投標廠商{number}:廠商代碼": ubn, f"投標廠商:投標廠商{number}:廠商名稱": name,
                   f"投標廠商:投標廠商{number}:是否得標": "是" if number == 1 else "否"}
    return {"date": day, "filename": filename, "brief": {"type": "決標公告", "title": "萬大線附屬工程"},
            "unit_id": OPEN[0], "job_number": OPEN[1], "detail": detail}


def test_the_page_runs_the_same_queries_however_many_announcements(app, client, tendered_case, count_queries):
    import_response(app, fixture("tender_open.json"))
    path = f"/cases/{tendered_case}"
    client.get(path)
    with count_queries() as few:
        page_of(client.get(path))
    import_response(app, fixture("tender_failed.json"))
    import_response(app, {"records": [
        award(f"BDM-9-7100{number:04d}", f"202605{number + 1:02d}",
              [(f"9100{number:02d}{bidder:02d}", f"示範{number}-{bidder}公司") for bidder in range(3)])
        for number in range(5)]})
    with count_queries() as many:
        page = page_of(client.get(path))
    assert "示範4-2公司" in page
    assert len(many) == len(few)


def test_kept_fragments_show_an_import_at_once_and_signals_turn_with_the_day(app, kept_fragments, staff,
                                                                            published_case, monkeypatch):
    path = f"/cases/{published_case}"
    reader = app.test_client()
    reader.get("/cases?lang=zh_Hant_TW")  # a cookie: the page is made anew from its fragments
    assert 'id="tenders"' not in page_of(reader.get(path))
    add_tender(app, staff, published_case, *OPEN)
    page = page_of(reader.get(path))
    assert 'href="#tenders"' in page and "尚未匯入" in page and 'data-signal="single_bidder"' not in page
    import_response(app, fixture("tender_open.json"))
    page = page_of(reader.get(path))
    assert "決標公告" in section(page, "tenders") and 'data-signal="single_bidder"' in section(page, "signals")
    # A milestone due tomorrow is not overdue today; the day after, with nothing committed, it is.
    tomorrow = to_taipei(utcnow()).date() + timedelta(days=1)
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, published_case)
        parts.add_milestone(case, parts.MilestoneInput(title_zh="動工", planned_on=tomorrow),
                            actor=db.session.get(User, staff.id))
        db.session.commit()
    assert 'data-signal="milestones_overdue"' not in page_of(reader.get(path))
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(case_page, "utcnow", lambda: later)
    assert 'data-signal="milestones_overdue"' in page_of(reader.get(path))
