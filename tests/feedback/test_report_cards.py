"""Agency report cards: figures over the items received in a period (Taipei dates), the sortable
/agencies table, /agencies.csv, each agency's CSV, the API, and the printable yearly card."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from civic.accounts.models import User
from civic.agencies import services as agency_services
from civic.agencies.models import Agency
from civic.core.permissions import SYSTEM
from civic.core.time import TAIPEI, utcnow
from civic.extensions import db
from civic.feedback import deadlines, periods, queries, services
from civic.feedback import figures as feedback_figures
from civic.feedback.models import Comment, Feedback
from civic.site import agencies as agencies_views
from tests.cases import factories as case_factories
from tests.feedback.conftest import post
from tests.support import login

BOM = "\ufeff"
COLUMNS = ["code", "name_zh", "name_en", "period", "received", "acknowledged_on_time", "answered",
           "answered_on_time", "median_working_days", "overdue_now", "extended", "reopened"]
FIGURES = COLUMNS[4:]


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0):
    """Freeze the clock at a Taipei time."""
    return time_machine.travel(datetime(year, month, day, hour, minute, tzinfo=TAIPEI), tick=False)


def answer(app, staff, number: str, body: str = "已依意見辦理。") -> None:
    with app.test_request_context():
        services.publish_response(db.session, queries.get_feedback(db.session, number),
                                  actor=db.session.get(User, staff.id), body=body)
        db.session.commit()


def change(app, number: str, **values) -> None:
    """Set an item's fields directly, for states the services reach only over time."""
    with app.app_context():
        feedback = db.session.scalar(select(Feedback).where(Feedback.tracking_number == number))
        for name, value in values.items():
            setattr(feedback, name, value)
        db.session.commit()


def read_csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:])))


def page_of(response) -> str:
    return response.get_data(as_text=True)


def table_row(page: str, code: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row">\s*<th scope="row"[^>]*><a class="govuk-link" '
                      rf'href="/agencies/{code}[^"]*">.*?</tr>', page, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


@pytest.fixture
def other_case(app, other_agency_staff, admin) -> str:
    slug = case_factories.apply(app, other_agency_staff, slug="kaohsiung-light-rail", title_zh="高雄輕軌")
    case_factories.publish(app, admin, slug)
    return slug


# Periods


def test_periods_are_all_a_year_or_a_quarter_of_taipei_dates():
    assert periods.parse(None) == periods.parse("all") == periods.EVERYTHING
    quarter = periods.parse("2026-Q1")
    assert quarter.start == datetime(2026, 1, 1, tzinfo=TAIPEI)
    assert quarter.end == datetime(2026, 4, 1, tzinfo=TAIPEI)
    assert periods.parse("2026").months[-1] == (2026, 12)
    for bad in ("2026-Q5", "26", "1999", "2101", "2026-q1", "everything", "2026-01"):
        with pytest.raises(periods.BadPeriod):
            periods.parse(bad)


def test_an_item_received_late_on_the_last_of_march_counts_in_the_first_quarter(app, citizen, staff,
                                                                                 published_case):
    with at(2026, 3, 31, 23, 30):
        post(app, citizen, published_case, "三月最後一晚")
    with at(2026, 4, 1, 0, 10):
        post(app, citizen, published_case, "四月第一個早上")
    client = app.test_client()
    with at(2026, 4, 2):
        for period, received in (("2026-Q1", "1"), ("2026-Q2", "1"), ("2026", "2"), ("2025", "0"), ("all", "2")):
            rows = read_csv(client.get(f"/agencies.csv?period={period}"))
            [row] = [r for r in rows if r["code"] == staff.agency_code]
            assert row["received"] == received and row["period"] == period
        stats = client.get(f"/api/v1/agencies/{staff.agency_code}/stats?period=2026-Q1").get_json()
        assert stats["received"] == 1 and stats["period"] == "2026-Q1"
        assert [month["received"] for month in stats["months"]] == [0, 0, 1]
        page = page_of(client.get(f"/agencies/{staff.agency_code}?period=2026-Q1"))
        assert "民國115年3月" in page and "民國115年4月" not in page


def test_median_working_days_skip_the_new_year_holidays_on_the_office_calendar(app, citizen, staff,
                                                                             published_case):
    # Friday 24 January 2025 to Monday 3 February: ten calendar days but one working day (25 January
    # to 2 February are holidays and weekends); 3 to 5 February: two; 3 to 10 February: six, as
    # Saturday 8 February is a make-up working day.
    spans = [((2025, 1, 24), (2025, 2, 3)), ((2025, 2, 3), (2025, 2, 5)), ((2025, 2, 3), (2025, 2, 10))]
    for i, (received, answered) in enumerate(spans):
        with at(*received):
            _id, number = post(app, citizen, published_case, f"問題 {i}")
        with at(*answered):
            answer(app, staff, number)
    with at(2025, 3, 1), app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == staff.agency_code))
        figures = feedback_figures.agency_figures(db.session, [agency.id], utcnow(), periods.parse("2025"))[agency.id]
        assert figures.median_working_days == 2 and figures.median_days == 7.0
        detail = feedback_figures.agency_figures_in_detail(db.session, agency.id, utcnow(),
                                                           period=periods.parse("2025-Q1"))
        assert [month.median_working_days for month in detail.months] == [1, 4, None]


def test_acknowledged_on_time_counts_only_items_with_an_acknowledgement_deadline(app, citizen, staff,
                                                                                published_case):
    with at(2026, 5, 4):
        numbers = [post(app, citizen, published_case, f"問題 {i}")[1] for i in range(3)]
    deadline = datetime(2026, 5, 6, 23, 59, 59, tzinfo=TAIPEI)
    change(app, numbers[0], acknowledge_by=deadline, acknowledged_at=deadline - timedelta(days=1))
    change(app, numbers[1], acknowledge_by=deadline, acknowledged_at=deadline + timedelta(hours=1))
    change(app, numbers[2], acknowledge_by=None, acknowledged_at=None)
    with at(2026, 5, 20), app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == staff.agency_code))
        figures = feedback_figures.agency_figures(db.session, [agency.id], utcnow())[agency.id]
        assert (figures.with_acknowledge_clock, figures.acknowledged_on_time) == (2, 1)
        assert figures.acknowledged_on_time_share == 50


# The /agencies table


def test_agencies_with_fewer_than_ten_items_are_too_few_to_compare(app, citizen, staff, published_case, other_case,
                                                                    other_agency_staff):
    with at(2026, 6, 1):
        numbers = [post(app, citizen, published_case, f"問題 {i}")[1] for i in range(10)]
        other = post(app, citizen, other_case, "高雄的問題")[1]
    with at(2026, 6, 2):
        answer(app, staff, numbers[0])
        answer(app, other_agency_staff, other)
    with at(2026, 6, 3):
        page = page_of(app.test_client().get("/agencies?period=2026-Q2"))
    enough, few = table_row(page, staff.agency_code), table_row(page, other_agency_staff.agency_code)
    assert "資料太少，不宜比較" in few and "%" not in "".join(cells(few)[2:])
    assert "資料太少，不宜比較" not in enough and "1 (100%)" in cells(enough)
    assert page.count("資料太少，不宜比較") >= 1


def test_the_table_sorts_by_any_column_and_says_so_to_screen_readers(app, citizen, staff, published_case,
                                                                      other_case, other_agency_staff):
    with at(2026, 6, 1):
        for i in range(2):
            post(app, citizen, published_case, f"問題 {i}")
        post(app, citizen, other_case, "高雄的問題")
    client = app.test_client()
    a, b = staff.agency_code, other_agency_staff.agency_code
    with at(2026, 6, 3):
        default = page_of(client.get("/agencies"))
        by_received = page_of(client.get("/agencies?sort=received&dir=desc"))
        ascending = page_of(client.get("/agencies?sort=received&dir=asc"))
        nonsense = client.get("/agencies?sort=rank&dir=sideways")
    assert default.index(f"/agencies/{a}") < default.index(f"/agencies/{b}")
    assert re.search(r'<th scope="col"[^>]*aria-sort="ascending"><a[^>]*>機關', default)
    assert by_received.index(f"/agencies/{a}") < by_received.index(f"/agencies/{b}")
    assert ascending.index(f"/agencies/{b}") < ascending.index(f"/agencies/{a}")
    [sorted_header] = re.findall(r'<th scope="col"[^>]*aria-sort="([a-z]+)"><a[^>]*href="([^"]+)"[^>]*>([^<]+)',
                                 by_received)
    assert sorted_header[0] == "descending" and sorted_header[2] == "收到意見"
    assert "dir=asc" in sorted_header[1] and "sort=received" in sorted_header[1]
    assert by_received.count("aria-sort=") == 1
    # No league table: nothing numbers the agencies by rank.
    assert "排名" not in by_received and "<ol" not in by_received.split('id="figures"')[1]
    assert nonsense.status_code == 200 and 'aria-sort="ascending"' in page_of(nonsense)
    # The same choice as a form, for phones where the table becomes cards: every column, the current
    # one and its direction selected.
    form = by_received.split('<form method="get" action="/agencies"')[1].split("</form>")[0]
    assert set(re.findall(r'<option value="(\w+)"', form.split('id="sort"')[1].split("</select>")[0])) == set(
        agencies_views.SORT_KEYS)
    assert '<option value="received" selected>' in form and '<option value="desc" selected>' in form


def test_the_period_chooser_offers_the_years_and_quarters_that_have_items(app, citizen, published_case):
    with at(2025, 2, 10):
        post(app, citizen, published_case, "二〇二五年的問題")
    with at(2026, 8, 3):
        post(app, citizen, published_case, "二〇二六年的問題")
    with at(2026, 9, 1):
        page = page_of(app.test_client().get("/agencies?period=2026-Q3"))
    period_select = page.split('id="period"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', period_select)
    assert [value for value, _selected, _label in options] == ["all", "2026", "2026-Q3", "2025", "2025-Q1"]
    assert ("2026-Q3", " selected", "民國115年第3季") in options and options[0][2] == "全部期間"


def test_the_table_fits_a_phone_as_labelled_cards(app, staff, item):
    page = page_of(app.test_client().get("/agencies"))
    assert 'class="govuk-table civic-table-stack"' in page
    assert 'role="region" aria-labelledby="figures" tabindex="0"' in page
    assert 'data-label="準時回覆"' in page and 'data-label="回覆工作天數中位數"' in page
    assert '<label class="govuk-label" for="period">' in page and 'value="all" selected' in page


def test_a_bad_period_is_refused_in_the_readers_language_and_nothing_breaks(app, staff, item):
    client = app.test_client()
    page = client.get("/agencies?period=2026-Q5")
    assert page.status_code == 400 and "沒有這個期間" in page_of(page) and "govuk-error-summary" in page_of(page)
    english = app.test_client().get("/agencies?period=last-year&lang=en")
    assert english.status_code == 400 and "There is no such period" in page_of(english)
    detail = client.get(f"/agencies/{staff.agency_code}?period=1999")
    assert detail.status_code == 400 and "沒有這個期間" in page_of(detail)
    for path in ("/agencies.csv?period=x", f"/agencies/{staff.agency_code}/figures.csv?period=2026-Q0",
                 f"/agencies/{staff.agency_code}/chart.svg?period=2101"):
        response = client.get(path)
        assert response.status_code == 400 and "2026-Q3" in page_of(response)
    api = client.get(f"/api/v1/agencies/{staff.agency_code}/stats?period=Q3")
    assert api.status_code == 400 and api.get_json()["error"]["code"]


def test_the_agencies_pages_run_a_fixed_number_of_queries_however_many_agencies(app, citizen, staff,
                                                                                published_case, count_queries):
    def add_agencies(count: int, start: int) -> None:
        with at(2026, 6, 1):
            numbers = [post(app, citizen, published_case, f"問題 {start + i}")[1] for i in range(count)]
        with at(2026, 6, 2):
            for number in numbers[::2]:
                answer(app, staff, number)
        with app.app_context():
            for i, number in enumerate(numbers):
                agency = agency_services.create_agency(db.session, code=f"C{start + i:08d}",
                                                       name_zh=f"測試機關 {start + i}", actor=SYSTEM)
                db.session.flush()
                db.session.scalar(select(Feedback).where(Feedback.tracking_number == number)).agency_id = agency.id
            db.session.commit()

    client = app.test_client()
    add_agencies(2, 0)
    counts = []
    for extra in (0, 6):
        add_agencies(extra, 100)
        with at(2026, 6, 3):
            with count_queries() as index:
                assert client.get("/agencies?period=2026&sort=answered_on_time").status_code == 200
            with count_queries() as spreadsheet:
                assert client.get("/agencies.csv?period=2026").status_code == 200
        counts.append((len(index), len(spreadsheet)))
    assert counts[0] == counts[1]


# The CSV files, and one set of figures everywhere


def test_agencies_csv_has_a_bom_one_row_per_agency_and_safe_cells(app, staff, other_agency_staff, item):
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == other_agency_staff.agency_code))
        agency.name_en = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    response = app.test_client().get("/agencies.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = page_of(response)
    assert text.startswith(BOM) and text[1:].splitlines()[0] == ",".join(COLUMNS)
    rows = read_csv(response)
    assert [row["code"] for row in rows] == sorted(row["code"] for row in rows)
    assert {staff.agency_code, other_agency_staff.agency_code} <= {row["code"] for row in rows}
    [other] = [row for row in rows if row["code"] == other_agency_staff.agency_code]
    assert other["name_en"].startswith("'=") and other["received"] == "0" and other["median_working_days"] == ""


@pytest.fixture
def items_in_every_state(app, citizen, staff, published_case) -> dict[str, str]:
    """Five items received in March 2026: answered on time, answered late, overdue, extended, reopened."""
    with at(2026, 3, 2):
        numbers = dict(zip(["on_time", "late", "overdue", "extended", "reopened"],
                           [post(app, citizen, published_case, f"{name} 的問題")[1]
                            for name in ["準時", "遲到", "逾期", "展延", "重開"]], strict=True))
    with at(2026, 3, 3):
        answer(app, staff, numbers["on_time"])
        answer(app, staff, numbers["reopened"])
        with app.test_request_context():
            feedback = queries.get_feedback(db.session, numbers["extended"])
            due_day = feedback.due_at.astimezone(TAIPEI).date()
            deadlines.extend_deadline(db.session, feedback, due_day + timedelta(days=1),
                                     actor=db.session.get(User, staff.id), reason="需要會勘")
            db.session.commit()
    change(app, numbers["late"], due_at=datetime(2026, 3, 4, 23, 59, 59, tzinfo=TAIPEI))
    change(app, numbers["overdue"], due_at=datetime(2026, 3, 4, 23, 59, 59, tzinfo=TAIPEI))
    with at(2026, 3, 10):
        answer(app, staff, numbers["late"])
    change(app, numbers["reopened"], reopened_at=datetime(2026, 3, 12, 9, 0, tzinfo=TAIPEI))
    return numbers


def test_the_page_both_csv_files_and_the_api_agree(app, staff, items_in_every_state):
    client = app.test_client()
    code = staff.agency_code
    with at(2026, 5, 1):
        api = client.get(f"/api/v1/agencies/{code}/stats?period=2026-Q1").get_json()
        [listed] = [row for row in read_csv(client.get("/agencies.csv?period=2026-Q1")) if row["code"] == code]
        whole, *months = read_csv(client.get(f"/agencies/{code}/figures.csv?period=2026-Q1"))
        page = page_of(client.get("/agencies?period=2026-Q1"))
        detail = page_of(client.get(f"/agencies/{code}?period=2026-Q1"))
    expected = {"received": 5, "answered": 3, "answered_on_time": 2, "overdue_now": 2, "extended": 1, "reopened": 1}
    assert {name: api[name] for name in expected} == expected
    assert api["median_working_days"] is not None and api["too_few_to_compare"] is True
    for name in FIGURES:
        shown = "" if api[name] is None else str(api[name])
        assert listed[name] == whole[name] == shown, name
    assert whole["month"] == "" and [month["month"] for month in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[2]["received"] == "5" and months[2]["answered_on_time"] == "2"
    row = cells(table_row(page, code))
    # received, on-time acknowledgements, answered, on-time answers, median, overdue, extended, reopened
    assert row[2:] == [listed["received"], listed["acknowledged_on_time"], listed["answered"],
                       listed["answered_on_time"], listed["median_working_days"], listed["overdue_now"],
                       listed["extended"], listed["reopened"]]
    assert "目前逾期" in detail and "/figures.csv?period=2026-Q1" in detail
    assert "code, name_zh, name_en, period, month, received" in detail


# The printable report card


def test_the_report_card_shows_the_years_figures_chart_and_answered_items(app, citizen, staff, published_case,
                                                                          items_in_every_state, count_queries):
    client = app.test_client()
    code = staff.agency_code
    with at(2026, 5, 1):
        page = page_of(client.get(f"/agencies/{code}/report-card/2026"))
        english = page_of(client.get(f"/agencies/{code}/report-card/2026?lang=en"))
        with count_queries() as few:
            client.get(f"/agencies/{code}/report-card/2026")
    assert "民國115年成績單" in page and "列印 / 另存 PDF" in page
    assert f'/agencies/{code}/chart.svg?period=2026' in page and "民國115年12月" in page
    for name in ("on_time", "late", "reopened"):
        assert items_in_every_state[name] in page
    assert items_in_every_state["overdue"] not in page
    assert "逾期" in page and "如期" in page and "已依意見辦理" in page
    assert "Report card 2026" in english and "Print / save as PDF" in english and "Dec 2026" in english
    for i in range(3):
        with at(2026, 3, 20):
            _id, number = post(app, citizen, published_case, f"更多 {i}")
            answer(app, staff, number)
    with at(2026, 5, 1), count_queries() as many:
        assert client.get(f"/agencies/{code}/report-card/2026").status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("year", [1999, 2101, 99999])
def test_a_report_card_outside_2000_to_2100_is_not_found(app, staff, year):
    assert app.test_client().get(f"/agencies/{staff.agency_code}/report-card/{year}").status_code == 404


@pytest.mark.parametrize("role", [None, "citizen", "staff", "other_agency_staff", "moderator", "admin"])
def test_everyone_reads_the_same_report_card_and_a_closed_agency_has_none(app, request, staff, item, role):
    client = app.test_client()
    if role:
        login(client, request.getfixturevalue(role))
    year = datetime.now(TAIPEI).year
    response = client.get(f"/agencies/{staff.agency_code}/report-card/{year}")
    # The citizen's item is not answered yet: the card says so, to everyone alike.
    assert response.status_code == 200 and "尚未有任何回覆" in page_of(response)
    assert client.get(f"/agencies/{staff.agency_code}").status_code == 200
    with app.app_context():
        db.session.scalar(select(Agency).where(Agency.code == staff.agency_code)).is_active = False
        db.session.commit()
    for path in (f"/agencies/{staff.agency_code}/report-card/{year}", f"/agencies/{staff.agency_code}/figures.csv"):
        assert client.get(path).status_code == 404
    assert staff.agency_code not in {row["code"] for row in read_csv(client.get("/agencies.csv"))}


def test_the_report_card_leaves_out_the_words_of_hidden_and_deleted_comments(app, staff, items_in_every_state):
    with app.app_context():
        for name in ("on_time", "late"):
            feedback = db.session.scalar(select(Feedback).where(Feedback.tracking_number == items_in_every_state[name]))
            comment = db.session.get(Comment, feedback.comment_id)
            if name == "on_time":
                comment.hidden_at, comment.hidden_reason = utcnow(), "off_topic"
            else:
                comment.deleted_at = utcnow()
        db.session.commit()
    with at(2026, 5, 1):
        page = page_of(app.test_client().get(f"/agencies/{staff.agency_code}/report-card/2026"))
    assert items_in_every_state["on_time"] in page and items_in_every_state["late"] in page
    assert "準時 的問題" not in page and "遲到 的問題" not in page and "重開 的問題" in page
    assert "已由管理員隱藏" in page and "已由作者刪除" in page
