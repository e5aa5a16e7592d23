"""Contracts whose price or period grew through variations: the price_growth and time_extension
signals at their thresholds (strictly more than ten and twenty per cent), only the latest variation
of each kind counting, on the case page in both languages, and the /cases filter by risk signal
deciding as the case page does, combined with other filters and paged, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date

import pytest

from civic.accounts.models import User
from civic.cases import parts, queries
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.procurement.signals import DEFINITIONS, PRICE_GROWTH_SIGNAL, TIME_EXTENSION_SIGNAL, case_signals
from tests.cases.factories import apply, publish

UBN = "90000006"
SIGNED = 1_000_000
STARTS, ENDS = date(2024, 1, 1), date(2024, 4, 10)  # 100 days


def add_contract(app, account, slug: str, *, title: str = "土建標", value: int = SIGNED,
                 starts: date | None = STARTS, ends: date | None = ENDS) -> int:
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        contract = parts.add_contract(case, parts.ContractInput(
            title=title, ubn=UBN, company_name="測試營造", award_value_ntd=value, awarded_on=date(2023, 12, 1),
            starts_on=starts, ends_on=ends), actor=db.session.get(User, account.id))
        db.session.commit()
        return contract.id


def vary(app, account, slug: str, contract_id: int, approved_on: date, *, value: int | None = None,
         ends: date | None = None) -> int:
    """A value variation when ``value`` is given, else a duration one."""
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        variation = parts.add_variation(case, parts.VariationInput(
            contract_id=contract_id, kind="value" if value is not None else "duration", approved_on=approved_on,
            rationale="地質條件與原設計不符", new_value_ntd=value, new_ends_on=ends),
            actor=db.session.get(User, account.id))
        db.session.commit()
        return variation.id


def signals_of(app, slug: str) -> dict[str, list[dict]]:
    with app.test_request_context():
        case = queries.get_case_by_slug(db.session, slug)
        now = utcnow()
        found = case_signals(db.session, case, [], today=to_taipei(now).date(), now=now)
    by_code: dict[str, list[dict]] = {}
    for signal in found:
        by_code.setdefault(signal.code, []).append(signal.data)
    return by_code


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_thresholds_are_ten_and_twenty_per_cent():
    assert (PRICE_GROWTH_SIGNAL, TIME_EXTENSION_SIGNAL) == (0.10, 0.20)


@pytest.mark.parametrize(("value", "signal"), [(1_100_000, False), (1_101_000, True), (900_000, False)])
def test_a_price_grows_into_a_signal_only_beyond_ten_per_cent(app, staff, published_case, value, signal):
    contract = add_contract(app, staff, published_case)
    variation = vary(app, staff, published_case, contract, date(2024, 3, 1), value=value)
    found = signals_of(app, published_case).get("price_growth")
    if not signal:
        assert found is None
        return
    assert found == [{"contract_id": contract, "contract": "土建標", "award_value_ntd": SIGNED,
                      "new_value_ntd": value, "growth_percent": 10.1, "approved_on": "2024-03-01",
                      "variations": [variation]}]


@pytest.mark.parametrize(("ends", "signal"), [(date(2024, 4, 30), False), (date(2024, 5, 1), True)])
def test_a_period_grows_into_a_signal_only_beyond_twenty_per_cent(app, staff, published_case, ends, signal):
    # Signed for 100 days: 120 days is twenty per cent longer, 121 days more than that.
    contract = add_contract(app, staff, published_case)
    variation = vary(app, staff, published_case, contract, date(2024, 3, 1), ends=ends)
    found = signals_of(app, published_case).get("time_extension")
    if not signal:
        assert found is None
        return
    assert found == [{"contract_id": contract, "contract": "土建標", "starts_on": "2024-01-01",
                      "ends_on": "2024-04-10", "new_ends_on": "2024-05-01", "growth_percent": 21.0,
                      "approved_on": "2024-03-01", "variations": [variation]}]


def test_no_variation_no_signal(app, staff, published_case):
    add_contract(app, staff, published_case)
    assert not {"price_growth", "time_extension"} & set(signals_of(app, published_case))


@pytest.mark.parametrize(("starts", "ends"), [(None, ENDS), (STARTS, None), (None, None)])
def test_a_period_without_both_dates_signed_gives_no_signal(app, staff, published_case, starts, ends):
    contract = add_contract(app, staff, published_case, starts=starts, ends=ends)
    vary(app, staff, published_case, contract, date(2024, 3, 1), ends=date(2025, 12, 31))
    assert "time_extension" not in signals_of(app, published_case)


def test_only_the_latest_variation_counts_by_approval_date_then_as_entered(app, staff, published_case):
    contract = add_contract(app, staff, published_case)
    # Entered out of order: the one approved last brings the price back within ten per cent.
    later = vary(app, staff, published_case, contract, date(2024, 6, 1), value=1_050_000)
    earlier = vary(app, staff, published_case, contract, date(2024, 3, 1), value=1_500_000)
    assert "price_growth" not in signals_of(app, published_case)
    # Two approved the same day: the one entered last is the latest.
    same_day = vary(app, staff, published_case, contract, date(2024, 6, 1), value=1_200_000)
    [found] = signals_of(app, published_case)["price_growth"]
    assert (found["new_value_ntd"], found["growth_percent"]) == (1_200_000, 20.0)
    assert found["variations"] == [earlier, later, same_day]
    # A long extension later shortened again is no signal; the other kind does not count.
    first = vary(app, staff, published_case, contract, date(2024, 3, 2), ends=date(2024, 12, 31))
    vary(app, staff, published_case, contract, date(2024, 5, 2), ends=date(2024, 4, 20))
    assert "time_extension" not in signals_of(app, published_case)
    assert first


def test_each_contract_is_judged_on_its_own(app, staff, published_case):
    grown = add_contract(app, staff, published_case, title="機電標")
    steady = add_contract(app, staff, published_case, title="土建標")
    vary(app, staff, published_case, grown, date(2024, 3, 1), value=2_000_000)
    vary(app, staff, published_case, steady, date(2024, 3, 1), value=1_000_001)
    [found] = signals_of(app, published_case)["price_growth"]
    assert (found["contract_id"], found["contract"], found["growth_percent"]) == (grown, "機電標", 100.0)


def test_the_case_page_shows_both_signals_in_words_in_both_languages(app, client, staff, published_case):
    contract = add_contract(app, staff, published_case)
    vary(app, staff, published_case, contract, date(2024, 3, 1), value=1_120_000)
    vary(app, staff, published_case, contract, date(2024, 3, 2), ends=date(2024, 6, 1))
    zh = text_of(page_of(client.get(f"/cases/{published_case}")))
    assert "契約價格經變更增加逾一成" in zh and "契約期間經變更延長逾兩成" in zh
    assert "簽約價格為" in zh and "增加12.0%" in zh and "期間延長52.0%" in zh
    assert "Red flags for integrity (2016): contract amendments" in zh
    en = text_of(page_of(client.get(f"/cases/{published_case}?lang=en")))
    assert "Contract price raised by more than ten per cent" in en
    assert "Contract period extended by more than twenty per cent" in en
    assert "12.0% more" in en and "a period 52.0% longer" in en
    assert "1 Mar 2024" in en and "1 Jun 2024" in en


# The /cases filter by risk signal


@pytest.fixture
def cases(app, staff, admin) -> dict[str, str]:
    """Five published cases: three whose price grew beyond the signal (one a road, the others
    rail), one whose price grew only ten per cent, one without variations."""
    made = {}
    for slug, title, sector, growth in (
            ("grown-a", "甲案", "rail", 1_200_000), ("grown-b", "乙案", "rail", 1_300_000),
            ("grown-road", "丙案", "road", 1_400_000), ("ten", "丁案", "rail", 1_100_000),
            ("none", "戊案", "rail", None)):
        apply(app, staff, slug=slug, title_zh=title, sector_code=sector)
        publish(app, admin, slug)
        contract = add_contract(app, staff, slug)
        if growth:
            vary(app, staff, slug, contract, date(2024, 3, 1), value=growth)
        made[slug] = title
    return made


def listed(page: str) -> list[str]:
    return re.findall(r'href="/cases/([a-z0-9-]+)"', page)


def test_the_list_filtered_by_a_signal_shows_exactly_the_cases_with_it(app, client, cases):
    everything = listed(page_of(client.get("/cases")))
    page = page_of(client.get("/cases?signal=price_growth"))
    shown = listed(page)
    assert sorted(shown) == ["grown-a", "grown-b", "grown-road"]
    # In the list's own order.
    assert shown == [slug for slug in everything if slug in shown]
    assert "找到 3 件案件" in text_of(page)
    assert "風險訊號：契約價格經變更增加逾一成" in text_of(page)
    assert re.search(r'<option[^>]*value="price_growth"[^>]*selected[^>]*>\s*契約價格經變更增加逾一成', page)
    english = page_of(client.get("/cases?signal=price_growth&lang=en"))
    assert sorted(listed(english)) == ["grown-a", "grown-b", "grown-road"]
    assert "Risk signal: Contract price raised by more than ten per cent" in text_of(english)
    assert listed(page_of(client.get("/cases?signal=time_extension"))) == []


def test_the_signal_filter_combines_with_the_others(app, client, cases):
    assert sorted(listed(page_of(client.get("/cases?signal=price_growth&sector=rail")))) == ["grown-a", "grown-b"]
    assert listed(page_of(client.get("/cases?signal=price_growth&sector=road"))) == ["grown-road"]
    by_title = listed(page_of(client.get("/cases?sort=title")))
    assert listed(page_of(client.get("/cases?signal=price_growth&sort=title"))) == [
        slug for slug in by_title if slug.startswith("grown")]


def test_the_signal_filter_pages_its_matches(app, client, cases, monkeypatch):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 2)
    first = listed(page_of(client.get("/cases?signal=price_growth")))
    second = listed(page_of(client.get("/cases?signal=price_growth&page=2")))
    assert len(first) == 2 and len(second) == 1
    assert sorted(first + second) == ["grown-a", "grown-b", "grown-road"]
    assert client.get("/cases?signal=price_growth&page=3").status_code == 404


@pytest.mark.parametrize(("lang", "message"), [("zh", "不是有效的選擇"), ("en", "Not a valid choice")])
def test_an_unknown_signal_is_refused_not_ignored(app, client, cases, lang, message):
    response = client.get(f"/cases?signal=bribery&lang={lang}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'href="#signal"' in page
    assert listed(page) == []


def test_every_signal_can_be_chosen(app, client, cases):
    page = page_of(client.get("/cases?lang=en"))
    select = re.search(r'<select[^>]*name="signal"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'value="([^"]*)"', select) == ["", *DEFINITIONS]
    for code in DEFINITIONS:
        assert client.get(f"/cases?signal={code}").status_code == 200


def test_the_filtered_list_runs_the_same_queries_however_many_cases_it_shows(app, client, staff, admin, cases,
                                                                           count_queries):
    def counted() -> int:
        with count_queries() as statements:
            page_of(client.get("/cases?signal=price_growth"))
        return len(statements)

    before = counted()
    for number in range(3):
        slug = f"more-{number}"
        apply(app, staff, slug=slug, title_zh=f"追加{number}")
        publish(app, admin, slug)
        vary(app, staff, slug, add_contract(app, staff, slug), date(2024, 3, 1), value=2_000_000)
    assert len(listed(page_of(client.get("/cases?signal=price_growth")))) == 6
    assert counted() == before


def api_slugs(client, query: str) -> list[str]:
    """The slugs of every page of /api/v1/cases?``query``, following the next links."""
    slugs, address = [], f"/api/v1/cases?{query}"
    while address:
        response = client.get(address)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        slugs += [case["slug"] for case in body["data"]]
        address = body["next"]
    return slugs


def test_the_api_lists_the_cases_with_a_signal_with_the_other_filters_a_page_at_a_time(app, client, cases):
    assert sorted(api_slugs(client, "signal=price_growth&limit=2")) == ["grown-a", "grown-b", "grown-road"]
    assert sorted(api_slugs(client, "signal=price_growth&sector=rail")) == ["grown-a", "grown-b"]
    assert api_slugs(client, "signal=time_extension") == []
    [case] = client.get("/api/v1/cases?signal=price_growth&sector=road").get_json()["data"]
    assert [signal["code"] for signal in case["signals"]] == ["price_growth"]
    refused = client.get("/api/v1/cases?signal=bribery")
    assert refused.status_code == 400 and "signal" in refused.get_data(as_text=True)
