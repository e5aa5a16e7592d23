"""Reading the community API's /api/tender records: types, amounts, dates, companies, deep links,
and a clear reason for every record left out while the rest are kept."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from civic.procurement.models import AnnouncementKind
from civic.procurement.parsing import (
    MAX_AMOUNT_NTD,
    RecordError,
    amount,
    kind_of,
    parse_record,
    parse_response,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def record(**overrides) -> dict:
    """One well-formed 決標公告 record; ``overrides`` replace its top-level fields."""
    values = {
        "date": "20260420",
        "filename": "BDM-1-71000003",
        "brief": {"type": "決標公告", "title": "萬大線CQ850區段標土建工程"},
        "job_number": "CQ850-2026",
        "unit_id": "3.76.47",
        "unit_name": "臺北市政府捷運工程局",
        "detail": {},
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(("label", "kind"), [
    ("公開招標公告", AnnouncementKind.tender),
    ("限制性招標(經公開評選或公開徵求)公告", AnnouncementKind.tender),
    ("選擇性招標(建立合格廠商名單)公告", AnnouncementKind.tender),
    ("公開取得報價單或企劃書公告", AnnouncementKind.tender),
    ("公開招標更正公告", AnnouncementKind.correction),
    ("決標更正公告", AnnouncementKind.correction),
    ("無法決標更正公告", AnnouncementKind.correction),
    ("決標公告", AnnouncementKind.award),
    ("定期彙送公告", AnnouncementKind.other),
    ("無法決標公告", AnnouncementKind.failed),
    ("撤銷公告", AnnouncementKind.other),
    ("招標文件公開閱覽公告資料公告", AnnouncementKind.tender),
    ("財物變賣公告", AnnouncementKind.other),
    ("", AnnouncementKind.other),
])
def test_kind_of_each_published_type(label, kind):
    assert kind_of(label) is kind


@pytest.mark.parametrize(("text", "value"), [
    ("1,234,567元", 1_234_567),
    ("1234567", 1_234_567),
    ("新臺幣 88,000,000 元", 88_000_000),
    ("1,148,000,000元(含稅)", 1_148_000_000),
    ("0元", 0),
    (1_200_000, 1_200_000),
    ("", None),
    (None, None),
    ("未公開", None),
    ("元", None),
])
def test_amount_reads_text_and_numbers(text, value):
    assert amount(text) == value


@pytest.mark.parametrize("text", [MAX_AMOUNT_NTD, f"{MAX_AMOUNT_NTD:,}元", -1, "9" * 5000])
def test_amount_out_of_range_is_a_record_error(text):
    with pytest.raises(RecordError, match="amount out of range"):
        amount(text)


def test_a_well_formed_award_with_its_amounts_and_single_bidder():
    parsed = parse_response(fixture("tender_open.json"))

    assert parsed.problems == []
    tender, correction, award = parsed.announcements
    assert (tender.kind, correction.kind, award.kind) == (
        AnnouncementKind.tender, AnnouncementKind.correction, AnnouncementKind.award)
    assert tender.published_on == date(2026, 3, 2)
    assert tender.title == "萬大線CQ850區段標土建工程"
    assert tender.category == "工程類5133-土木工程及相關服務"
    assert (tender.procedure, tender.award_method) == ("公開招標", "最低標")
    assert tender.budget_ntd == 1_200_000_000
    assert tender.unit_name == "臺北市政府捷運工程局"
    assert tender.companies == []
    assert correction.budget_ntd == 1_200_000_000  # from 已公告資料:預算金額
    assert award.filename == "BDM-1-71000003"
    assert (award.unit_id, award.job_number) == ("3.76.47", "CQ850-2026")
    assert award.reserve_price_ntd == 1_150_000_000
    assert award.award_amount_ntd == 1_148_000_000
    assert award.bidder_count == 1
    assert award.award_method == "最低標"
    assert [(c.ubn, c.name, c.bid, c.won) for c in award.companies] == [
        ("90000006", "示範營造股份有限公司", True, True)]


def test_dates_are_yyyymmdd():
    assert parse_record(record(date="20260228")).published_on == date(2026, 2, 28)
    assert parse_record(record(date=20260105)).published_on == date(2026, 1, 5)


@pytest.mark.parametrize(("value", "reason"), [
    ("2026-03-10", "date is not YYYYMMDD"),
    ("", "date is not YYYYMMDD"),
    (None, "date is not YYYYMMDD"),
    ("２０２６０１０５", "date is not YYYYMMDD"),  # full-width digits
    ("20260230", "no such date"),
    ("20261301", "no such date"),
    ("18991231", "date out of range"),
    ("21010101", "date out of range"),
])
def test_a_bad_date_says_why(value, reason):
    with pytest.raises(RecordError, match=reason):
        parse_record(record(date=value))


def test_bidders_and_winners_from_the_detail_labels():
    detail = {
        "投標廠商:投標廠商家數": "3",
        "投標廠商:投標廠商1:廠商代碼": "90000006",
        "投標廠商:投標廠商1:廠商名稱": "示範營造股份有限公司",
        "投標廠商:投標廠商1:是否得標": "是",
        "投標廠商:投標廠商2:廠商代碼": "12345675",
        "投標廠商:投標廠商2:廠商名稱": "範例工程有限公司",
        "投標廠商:投標廠商2:是否得標": "否",
        # Numbered past 9: ordered by number, not as text.
        "投標廠商:投標廠商10:廠商代碼": "22099131",
        "投標廠商:投標廠商10:廠商名稱": "第十營造股份有限公司",
        # A winner of another item named only in the awarded items.
        "決標品項:第1品項:得標廠商1:得標廠商": "示範營造股份有限公司",
        "決標品項:第2品項:得標廠商1:得標廠商": "第十營造股份有限公司",
    }
    data = parse_record(record(detail=detail))

    assert data.bidder_count == 3
    assert [(c.ubn, c.name, c.bid, c.won) for c in data.companies] == [
        ("90000006", "示範營造股份有限公司", True, True),
        ("12345675", "範例工程有限公司", True, False),
        ("22099131", "第十營造股份有限公司", True, True),
    ]


def test_a_winner_named_with_its_code_but_not_among_the_bidders():
    detail = {"決標品項:第1品項:得標廠商1:得標廠商": "示範營造股份有限公司",
              "決標品項:第1品項:得標廠商1:得標廠商代碼": "90000006"}
    data = parse_record(record(detail=detail))
    assert [(c.ubn, c.name, c.bid, c.won) for c in data.companies] == [
        ("90000006", "示範營造股份有限公司", False, True)]


def test_companies_from_the_brief_when_the_detail_has_none():
    brief = {
        "type": "決標公告", "title": "萬大線CQ850區段標土建工程",
        "companies": {
            "ids": ["90000006", "12345675"],
            "names": ["示範營造股份有限公司", "範例工程有限公司"],
            "id_key": [{"90000006": ["投標廠商:投標廠商1:廠商代碼"]},
                       {"12345675": ["投標廠商:投標廠商2:廠商代碼"]}],
            "name_key": [{"示範營造股份有限公司": ["投標廠商:投標廠商1:廠商名稱",
                                                   "決標品項:第1品項:得標廠商1:得標廠商"]},
                         {"範例工程有限公司": ["投標廠商:投標廠商2:廠商名稱",
                                               "決標品項:第1品項:未得標廠商1:未得標廠商"]}],
        },
    }
    data = parse_record(record(brief=brief, detail={"決標資料:總決標金額": "1,000元"}))
    assert [(c.ubn, c.name, c.bid, c.won) for c in data.companies] == [
        ("90000006", "示範營造股份有限公司", True, True),
        ("12345675", "範例工程有限公司", True, False),
    ]


def test_the_brief_is_ignored_when_the_detail_names_bidders():
    brief = {"type": "決標公告", "title": "標案",
             "companies": {"ids": ["12345675"], "names": ["別家公司"], "id_key": [], "name_key": []}}
    detail = {"投標廠商:投標廠商1:廠商代碼": "90000006", "投標廠商:投標廠商1:廠商名稱": "示範營造"}
    data = parse_record(record(brief=brief, detail=detail))
    assert [c.ubn for c in data.companies] == ["90000006"]


@pytest.mark.parametrize("companies", [
    "90000006",
    ["90000006"],
    {"ids": 90000006, "names": 5},
    {"ids": ["90000006"], "names": None, "id_key": {"90000006": 7}, "name_key": "x"},
])
def test_a_misshapen_brief_company_list_does_not_break_the_record(companies):
    data = parse_record(record(brief={"type": "決標公告", "title": "標案", "companies": companies}))
    assert data.title == "標案"
    assert all(company.ubn == "90000006" for company in data.companies)


@pytest.mark.parametrize(("url", "kept"), [
    ("https://web.pcc.gov.tw/tps/QueryTender/query/searchTenderDetail?pkPmsMain=NzEwMDAwMDE=", True),
    ("https://web.pcc.gov.tw/tps/atm/AtmAwardWithoutSso/QueryAtmAwardDetail?pkAtmMain=NzEwMDAwMDM=", True),
    ("http://web.pcc.gov.tw/tps/QueryTender/query/searchTenderDetail?pkPmsMain=1", False),
    ("https://web.pcc.gov.tw.example.com/tps/x", False),
    ("https://evil.example/?https://web.pcc.gov.tw/", False),
    ("javascript:alert(1)//https://web.pcc.gov.tw/", False),
    ("/index/entry/20260420/BDM-1-71000003", False),
    ("", False),
])
def test_official_url_kept_only_for_the_official_site(url, kept):
    data = parse_record(record(detail={"url": url}))
    assert data.official_url == (url if kept else "")


def test_nul_bytes_are_stripped_everywhere_they_are_kept():
    detail = {
        "url": "https://web.pcc.gov.tw/tps/\x00x",
        "招標資料:招標方式": "公開\x00招標",
        "投標廠商:投標廠商1:廠商代碼": "9000\x000006",
        "投標廠商:投標廠商1:廠商名稱": "示範\x00營造",
    }
    data = parse_record(record(filename="BDM-1-\x0071000003", unit_id="3.76.\x0047",
                               job_number="CQ850\x00-2026", unit_name="臺北市\x00政府",
                               brief={"type": "決標\x00公告", "title": "萬大線\x00工程",
                                      "category": "工程\x00類"},
                               detail=detail))
    assert data.filename == "BDM-1-71000003"
    assert (data.unit_id, data.job_number) == ("3.76.47", "CQ850-2026")
    assert (data.type_label, data.kind) == ("決標公告", AnnouncementKind.award)
    assert (data.title, data.category, data.procedure) == ("萬大線工程", "工程類", "公開招標")
    assert data.unit_name == "臺北市政府"
    assert data.official_url == "https://web.pcc.gov.tw/tps/x"
    assert [(c.ubn, c.name) for c in data.companies] == [("90000006", "示範營造")]
    assert not any("\x00" in str(value) for value in vars(data).values())


def test_the_response_unit_name_stands_in_for_a_record_without_one():
    source = {"unit_name": "經濟部水利署", "records": [record(unit_name="")]}
    assert parse_response(source).announcements[0].unit_name == "經濟部水利署"


def test_the_title_falls_back_to_the_detail():
    data = parse_record(record(brief={"type": "決標公告"}, detail={"已公告資料:標案名稱": "堤防工程"}))
    assert data.title == "堤防工程"


def test_failed_tenders_and_malformed_records_in_the_fixture():
    parsed = parse_response(fixture("tender_failed.json"))

    assert [(a.filename, a.kind) for a in parsed.announcements] == [
        ("TIQ-1-72000001", AnnouncementKind.tender),
        ("BDM-3-72000002", AnnouncementKind.failed),
        ("BDM-3-72000003", AnnouncementKind.failed),
    ]
    assert parsed.announcements[0].budget_ntd == 88_000_000
    assert parsed.announcements[0].unit_name == "經濟部水利署"
    assert [(p.index, p.filename) for p in parsed.problems] == [(3, "TIQ-1-72000004"), (4, "")]
    assert "date is not YYYYMMDD" in parsed.problems[0].reason
    assert "2026-03-10" in parsed.problems[0].reason
    assert "filename" in parsed.problems[1].reason


def mutate(path: str, value, *more) -> dict:
    """The award record with the field at each dotted ``path`` replaced, or removed for ``...``."""
    changed = copy.deepcopy(fixture("tender_open.json")["records"][2])
    pairs = [(path, value), *zip(more[::2], more[1::2], strict=True)]
    for dotted, new in pairs:
        *parents, last = dotted.split(".")
        target = changed
        for name in parents:
            target = target[name]
        if new is ...:
            del target[last]
        else:
            target[last] = new
    return changed


MALFORMED = [
    pytest.param("not a record", "a record must be an object", id="string"),
    pytest.param(None, "a record must be an object", id="null"),
    pytest.param([1, 2], "a record must be an object", id="list"),
    pytest.param(mutate("filename", ...), "filename", id="no-filename"),
    pytest.param(mutate("filename", "  "), "filename", id="blank-filename"),
    pytest.param(mutate("filename", "X" * 61), "filename", id="long-filename"),
    pytest.param(mutate("unit_id", ...), "no unit_id or job_number", id="no-unit"),
    pytest.param(mutate("job_number", ""), "no unit_id or job_number", id="no-job-number"),
    pytest.param(mutate("brief", "決標公告", "detail.type", ...), "no announcement type", id="brief-not-object"),
    pytest.param(mutate("brief.type", "", "detail.type", ...), "no announcement type", id="no-type"),
    pytest.param(mutate("brief.title", None), "no title", id="no-title"),
    pytest.param(mutate("date", "2026/04/20"), "date is not YYYYMMDD", id="slashed-date"),
    pytest.param(mutate("detail.決標資料:總決標金額", f"{MAX_AMOUNT_NTD}元"), "amount out of range",
                 id="amount-too-large"),
    pytest.param(mutate("detail.投標廠商:投標廠商家數", "100000"), "number of bidders out of range",
                 id="bidder-count"),
]


@pytest.mark.parametrize(("bad", "reason"), MALFORMED)
def test_each_malformed_record_is_a_problem_and_the_rest_are_kept(bad, reason):
    good = fixture("tender_open.json")["records"]
    parsed = parse_response({"unit_name": "臺北市政府捷運工程局", "records": [good[0], bad, good[1]]})

    assert [a.filename for a in parsed.announcements] == ["TIQ-1-71000001", "TIQ-2-71000002"]
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert problem.index == 1
    assert reason in problem.reason
    expected_filename = bad.get("filename", "").strip()[:60] if isinstance(bad, dict) else ""
    assert problem.filename == expected_filename


@pytest.mark.parametrize("data", [None, [], "records", {}, {"records": {}}, {"records": "x"}])
def test_a_response_without_a_record_list_is_refused(data):
    with pytest.raises(RecordError, match="not a tender response"):
        parse_response(data)


def test_an_empty_record_list_is_no_announcements_and_no_problems():
    parsed = parse_response({"unit_name": "", "records": []})
    assert (parsed.announcements, parsed.problems) == ([], [])


def test_a_winner_is_known_by_its_number_before_its_name():
    record = {"date": "20260420", "filename": "BDM-1-9", "unit_id": "3.76.47", "job_number": "X1",
              "brief": {"type": "決標公告", "title": "標案"},
              "detail": {"投標廠商:投標廠商1:廠商代碼": "11111111", "投標廠商:投標廠商1:廠商名稱": "",
                         "投標廠商:投標廠商2:廠商代碼": "22222222", "投標廠商:投標廠商2:廠商名稱": "",
                         "決標品項:第1品項:得標廠商1:得標廠商": "",
                         "決標品項:第1品項:得標廠商1:得標廠商代碼": "22222222"}}
    companies = {c.ubn: c.won for c in parse_record(record).companies}
    assert companies == {"11111111": False, "22222222": True}


def test_an_absurd_label_leaves_its_record_out_and_keeps_the_rest():
    good = {"date": "20260420", "filename": "BDM-1-1", "unit_id": "3.76.47", "job_number": "X1",
            "brief": {"type": "決標公告", "title": "標案"}}
    odd = {**good, "filename": "BDM-1-2", "detail": {"投標廠商:投標廠商" + "9" * 5000 + ":廠商代碼": "1"}}
    parsed = parse_response({"records": [good, odd]})
    assert [a.filename for a in parsed.announcements] == ["BDM-1-1", "BDM-1-2"]
    assert parsed.problems == [] and parsed.announcements[1].companies == []
