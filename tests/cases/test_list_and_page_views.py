"""The list of cases and the case page as a reader on a phone meets them: filters that start at
"All", budgets typed in 億 or 萬, errors in the reader's language, the risk register in the order
of a procurement, and the contents at the top with the thread and following."""

from __future__ import annotations

import re
from datetime import date

import pytest

from civic.accounts.models import User
from civic.cases import parts, queries, services
from civic.extensions import db
from tests.cases.factories import apply, fill_parts, publish
from tests.support import login

FILTER_SELECTS = ("agency", "sector", "status", "kind", "year", "signal")


def page_of(response) -> str:
    return response.get_data(as_text=True)


def first_option(page: str, name: str) -> tuple[str, str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    option = re.search(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    return option.group(1), option.group(2).strip()


@pytest.mark.parametrize(("lang", "everything"), [("zh", "全部"), ("en", "All")])
def test_every_filter_list_starts_with_all(app, client, published_case, lang, everything):
    page = page_of(client.get(f"/cases?lang={lang}"))
    for name in FILTER_SELECTS:
        assert first_option(page, name) == ("", everything)


@pytest.mark.parametrize(
    ("query", "found"),
    # The published case's budget is NT$46,650,000,000: 466.5 億, 4,665,000 萬.
    [("min_value=400&unit=yi", True), ("min_value=500&unit=yi", False),
     ("min_value=466.5&unit=yi", True), ("max_value=466.4&unit=yi", False),
     ("max_value=4,665,000&unit=wan", True), ("max_value=4,664,999&unit=wan", False),
     ("min_value=４００&unit=yi", True), ("min_value=466.6億", False), ("min_value=4000000萬&unit=yi", True),
     ("min_value=46,650,000,000&unit=ntd", True), ("min_value=46,650,000,001&unit=ntd", False),
     # Addresses from before the unit existed counted whole NT dollars.
     ("min_value=46,650,000,000", True), ("max_value=1000", False)],
)
def test_budgets_are_typed_in_the_unit_chosen(app, client, published_case, query, found):
    response = client.get(f"/cases?{query}")
    assert response.status_code == 200
    assert ("臺北捷運萬大線" in page_of(response)) is found


def test_the_unit_starts_at_yi_and_is_explained(app, client, published_case):
    zh = page_of(client.get("/cases"))
    assert re.search(r'<option[^>]*value="yi"[^>]*selected', zh)
    assert "單位" in zh and "50億" in zh and "3000萬" in zh
    en = page_of(client.get("/cases?lang=en"))
    assert "NT$100 million (億元)" in en and "50 in 億元 is NT$5 billion" in en


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [("min_value=abc&unit=yi", "請以數字輸入預算", "Enter the budget as a number"),
     ("min_value=-5&unit=yi", "請以數字輸入預算", "Enter the budget as a number"),
     ("min_value=0.5&unit=ntd", "小數位數過多", "Use fewer decimal places"),
     ("min_value=99999999&unit=yi", "預算金額過大", "That budget is too large"),
     ("min_value=10&max_value=5&unit=yi", "預算上限不能低於下限", "The upper budget must not be below the lower one"),
     ("min_value=1億&max_value=5000萬", "預算上限不能低於下限", "The upper budget must not be below the lower one")],
)
def test_a_budget_that_cannot_be_read_is_refused_in_the_readers_language(app, client, published_case,
                                                                          query, zh, en):
    response = client.get(f"/cases?{query}")
    assert response.status_code == 400
    page = page_of(response)
    assert zh in page
    # The filters are open, so the message is seen beside its field.
    assert re.search(r'<details class="govuk-details civic-filter-panel"[^>]* open>', page)
    english = client.get(f"/cases?{query}&lang=en")
    assert english.status_code == 400
    assert en in page_of(english)


def test_the_filters_in_use_are_shown_each_with_a_link_that_drops_it(app, client, published_case):
    page = page_of(client.get("/cases?sector=rail&min_value=400&unit=yi"))
    assert "篩選（已選 2 項）" in page
    assert 'href="/cases?min_value=400&amp;unit=yi">領域：軌道' in page
    assert "預算下限：400 億元" in page
    assert 'href="/cases?sector=rail&amp;unit=yi">' in page
    english = page_of(client.get("/cases?sector=rail&lang=en"))
    assert "Filter (1 in use)" in english and "Sector: Rail and metro" in english
    assert "Filter (" not in page_of(client.get("/cases"))


def add_risks(app, admin, slug: str) -> None:
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        case = queries.get_case_with_parts(db.session, slug)
        for stage, text in [("contract_implementation", "轉包"), ("planning", "規格綁標"),
                            ("award", "評選不公"), ("tendering", "洩漏底價")]:
            parts.add_risk(case, services.RiskInput(stage=stage, risk=text), actor=actor)
        db.session.commit()


def in_order(page: str, texts: list[str]) -> bool:
    places = [page.index(text) for text in texts]
    return places == sorted(places)


def test_risks_are_listed_in_the_order_of_a_procurement(app, client, published_case, admin):
    add_risks(app, admin, published_case)
    zh = page_of(client.get(f"/cases/{published_case}"))
    risks = zh[zh.index('id="risks"'):]
    assert in_order(risks, ["<h3 class=\"govuk-heading-s\">規劃設計</h3>", "<h3 class=\"govuk-heading-s\">招標</h3>",
                            "<h3 class=\"govuk-heading-s\">決標</h3>", "<h3 class=\"govuk-heading-s\">履約</h3>"])
    en = page_of(client.get(f"/cases/{published_case}?lang=en"))
    risks = en[en.index('id="risks"'):]
    assert in_order(risks, [">Planning</h3>", ">Tendering</h3>", ">Award</h3>", ">Contract implementation</h3>"])
    # Chinese-only risks are marked as Chinese on the English page.
    assert '<span lang="zh-Hant' in risks and "規格綁標" in risks
    stages = [risk["stage"] for risk in client.get(f"/api/v1/cases/{published_case}").get_json()["risks"]]
    assert stages == ["planning", "tendering", "tendering", "award", "contract_implementation"]


def test_the_contents_lead_to_every_section_the_thread_and_following(app, client, published_case, admin,
                                                                      citizen):
    fill_parts(app, admin, published_case)
    page = page_of(client.get(f"/cases/{published_case}"))
    contents = page[page.index('class="civic-contents"'):page.index("</nav>", page.index('class="civic-contents"'))]
    for section in ("facts", "members", "meetings", "risks", "milestones", "contracts", "documents", "history",
                    "workshops", "pledges", "comments"):
        assert f'href="#{section}"' in contents
        assert f'<details class="civic-section" id="{section}"' in page
    assert "民眾留言（0）" in contents and "登入後即可追蹤這個案件" in contents
    # Only the key facts are open for everyone; the rest fold to their heading and count.
    assert '<details class="civic-section" id="facts" open>' in page
    assert '<details class="civic-section" id="meetings">' in page and "1 場會議" in page
    english = page_of(client.get(f"/cases/{published_case}?lang=en"))
    assert "Public comments (0)" in english and "Sign in to follow this case" in english
    login(client, citizen)
    signed_in = page_of(client.get(f"/cases/{published_case}?lang=zh"))
    top = signed_in[:signed_in.index('id="facts"')]
    assert f'action="/cases/{published_case}/follow"' in top and ">追蹤這個案件<" in top
    assert signed_in.count(">追蹤這個案件<") == 1


def test_an_english_page_marks_chinese_only_text(app, client, staff, admin):
    slug = apply(app, staff, slug="no-english", title_zh="只有中文的案件", title_en="",
                 platform_established_on=date(2020, 1, 1))
    publish(app, admin, slug)
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        case = queries.get_case_with_parts(db.session, slug)
        parts.add_member(case, parts.MemberInput(name="王○○", organisation="某機關", role="agency"), actor=actor)
        parts.add_meeting(case, parts.MeetingInput(held_on=date(2024, 3, 1), title="第1次會議"), actor=actor)
        db.session.commit()
    english = page_of(client.get(f"/cases/{slug}?lang=en"))
    assert re.search(r'<h1 class="govuk-heading-xl"><span lang="zh-Hant[^"]*">只有中文的案件</span></h1>', english)
    assert re.search(r'<span lang="zh-Hant[^"]*">王○○</span>', english)
    assert re.search(r'civic-disclosure__title" id="meeting-\d+" lang="zh-Hant[^"]*">第1次會議', english)
    chinese = page_of(client.get(f"/cases/{slug}?lang=zh"))
    assert 'lang="zh-Hant' not in chinese[chinese.index("<main"):]
    listing = page_of(client.get("/cases?lang=en"))
    assert re.search(r'<span lang="zh-Hant[^"]*">只有中文的案件</span>', listing)
    assert "Budget: NT$46.65 billion" in listing
    assert "預算：" in page_of(client.get("/cases?lang=zh"))
