"""Deadlines count Taiwan's government working days: holidays, make-up Saturdays (補行上班), the
Taipei day an item came in, and the office calendar imported from the DGPA's CSV."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from civic.agencies.models import Agency
from civic.core import clock, office_calendar
from civic.core.time import TAIPEI, to_taipei
from civic.extensions import db
from civic.feedback.models import Feedback, FeedbackEvent
from tests.feedback.conftest import post
from tests.support import login, post_form

HEADER = "西元日期,星期,是否放假,備註\r\n"


def calendar_csv(*rows: str) -> bytes:
    return (HEADER + "\r\n".join(rows) + "\r\n").encode("utf-8-sig")


def set_days(app, staff, days: int, *, working: bool = True) -> None:
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == staff.agency_code))
        agency.response_days, agency.answers_in_working_days = days, working
        db.session.commit()


def due_of(number: str) -> datetime:
    return to_taipei(db.session.scalar(select(Feedback.due_at).where(Feedback.tracking_number == number)))


@pytest.mark.parametrize("hour", [0, 7, 9, 23])
def test_an_item_before_the_new_year_holidays_is_due_on_the_make_up_saturday(app, ctx, citizen, staff,
                                                                               published_case, hour):
    # Received on Friday 24 January 2025 (Taipei), at any hour: 25 Jan to 2 Feb are holidays and
    # weekends, 3 to 7 Feb are working days, and Saturday 8 Feb is a make-up working day.
    set_days(app, staff, 6)
    with time_machine.travel(datetime(2025, 1, 24, hour, 30, tzinfo=TAIPEI), tick=False):
        _id, number = post(app, citizen, published_case)
    assert due_of(number) == datetime(2025, 2, 8, 23, 59, 59, tzinfo=TAIPEI)


def test_an_item_of_an_agency_counting_calendar_days_is_due_n_days_later(app, ctx, citizen, staff, published_case):
    set_days(app, staff, 6, working=False)
    with time_machine.travel(datetime(2025, 1, 24, 0, 30, tzinfo=TAIPEI), tick=False):
        _id, number = post(app, citizen, published_case)
    assert due_of(number) == datetime(2025, 1, 30, 23, 59, 59, tzinfo=TAIPEI)


def test_the_imported_calendar_wins_over_the_package(app, ctx):
    # The package has no make-up day in 2026; an office calendar that names one is believed.
    data = calendar_csv("20260307,六,0,補行上班", "20260305,四,2,調整放假")
    calendar_file = office_calendar.read(db.session, data)
    assert calendar_file.is_valid
    assert {row.day for row in calendar_file.changes} == {date(2026, 3, 5), date(2026, 3, 7)}
    office_calendar.apply(db.session, calendar_file)
    calendar = clock.Calendar.load(db.session, date(2026, 3, 1), date(2026, 3, 31))
    assert calendar.is_working_day(date(2026, 3, 7)) and not calendar.is_working_day(date(2026, 3, 5))
    assert calendar.add_working_days(date(2026, 3, 4), 2) == date(2026, 3, 7)


def test_an_import_that_adds_a_holiday_moves_open_deadlines_and_says_so(app, citizen, staff, published_case,
                                                                          tmp_path):
    set_days(app, staff, 3)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        _id, number = post(app, citizen, published_case)
    with app.app_context():
        assert due_of(number) == datetime(2026, 3, 5, 23, 59, 59, tzinfo=TAIPEI)
    path = tmp_path / "calendar.csv"
    path.write_bytes(calendar_csv("20260305,四,2,調整放假"))
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=TAIPEI), tick=False):
        result = app.test_cli_runner().invoke(args=["calendar", "import", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 open deadlines moved" in result.output
    with app.app_context():
        assert due_of(number) == datetime(2026, 3, 6, 23, 59, 59, tzinfo=TAIPEI)
        event = db.session.scalar(select(FeedbackEvent).where(FeedbackEvent.kind == "deadline_moved"))
        assert event.is_public and event.data["reason"] == "office_calendar"
        assert event.data["old"].startswith("2026-03-05T15:59:59") and event.data["new"].startswith("2026-03-06")
    page = app.test_client().get(f"/feedback/{number}").get_data(as_text=True)
    assert "因辦公日曆異動而調整期限" in page and "民國115年3月6日 23:59" in page
    assert "3 個工作天" in page


def test_a_big5_calendar_reads_like_a_utf8_one(app, ctx):
    data = (HEADER + "20251010,五,2,國慶日\r\n20250208,六,0,補行上班\r\n").encode("cp950")
    calendar_file = office_calendar.read(db.session, data)
    assert calendar_file.is_valid
    assert [(row.day, row.is_holiday, row.note) for row in calendar_file.rows] == [
        (date(2025, 10, 10), True, "國慶日"), (date(2025, 2, 8), False, "補行上班")]


@pytest.mark.parametrize(("row", "problem"), [
    ("2026030,一,0,", "YYYYMMDD"),
    ("20260231,一,0,", "YYYYMMDD"),
    ("20260302,一,1,", "是否放假"),
    ("20260302,二,0,", "星期一"),
])
def test_a_file_with_a_bad_row_is_refused_whole_and_names_the_line(app, ctx, row, problem):
    data = calendar_csv("20260305,四,2,調整放假", row)
    calendar_file = office_calendar.read(db.session, data)
    assert not calendar_file.is_valid
    assert calendar_file.problems[0][0] == 3 and problem in calendar_file.problems[0][1]
    with pytest.raises(ValueError):
        office_calendar.apply(db.session, calendar_file)
    assert db.session.scalar(select(clock.OfficeDay)) is None


def test_the_command_refuses_a_bad_file_and_writes_nothing(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"date,weekday\n20260302,1\n")
    result = app.test_cli_runner().invoke(args=["calendar", "import", str(path), "--yes"])
    assert result.exit_code == 1 and "nothing imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(clock.OfficeDay)) is None


def _extend(client, number, data):
    return post_form(client, f"/staff/feedback/{number}/extend", data, form_page=f"/staff/feedback/{number}")


def test_staff_extend_a_deadline_once_with_a_public_reason(app, citizen, staff, published_case):
    set_days(app, staff, 3)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        _id, number = post(app, citizen, published_case)
    client = app.test_client()
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=TAIPEI), tick=False):
        login(client, staff)
        refused = _extend(client, number, {"new_due": "2026-03-10", "reason": ""})
        assert refused.status_code == 422 and "請公開說明機關需要更多時間的理由" in refused.get_data(as_text=True)
        too_late = _extend(client, number, {"new_due": "2026-06-30", "reason": "需會同工程顧問查核"})
        assert too_late.status_code == 422 and "民國115年3月19日" in too_late.get_data(as_text=True)
        earlier = _extend(client, number, {"new_due": "2026-03-04", "reason": "需會同工程顧問查核"})
        assert earlier.status_code == 422
        assert _extend(client, number, {"new_due": "2026-03-12", "reason": "需會同工程顧問查核"}).status_code == 302
        again = _extend(client, number, {"new_due": "2026-03-13", "reason": "再延一次"})
        assert again.status_code == 422 and "已延長過一次" in again.get_data(as_text=True)
    with app.app_context():
        assert due_of(number) == datetime(2026, 3, 12, 23, 59, 59, tzinfo=TAIPEI)
    page = app.test_client().get(f"/feedback/{number}").get_data(as_text=True)
    assert "機關延長期限" in page and "需會同工程顧問查核" in page and "民國115年3月12日" in page
    api = app.test_client().get(f"/api/v1/feedback/{number}").get_json()
    assert api["extended_to"].startswith("2026-03-12T23:59:59")
    assert api["history"][-1]["kind"] == "extended" and api["history"][-1]["reason"] == "需會同工程顧問查核"


def test_only_the_items_agency_extends_its_deadline(app, citizen, staff, other_agency_staff, published_case):
    _id, number = post(app, citizen, published_case)
    for account in (citizen, other_agency_staff):
        client = app.test_client()
        login(client, account)
        response = post_form(client, f"/staff/feedback/{number}/extend",
                             {"new_due": "2030-01-01", "reason": "x"}, form_page="/")
        assert response.status_code in (403, 404)
    assert app.test_client().post(f"/staff/feedback/{number}/extend").status_code in (302, 400)
    with app.app_context():
        assert db.session.scalar(select(Feedback.extended_to).where(Feedback.tracking_number == number)) is None


def test_moving_open_deadlines_reads_the_calendar_once_however_many_are_open(app, citizen, staff, published_case,
                                                                            count_queries):
    from civic.feedback.deadlines import recompute_deadlines

    for body in ("第一個問題？", "第二個問題？", "第三個問題？", "第四個問題？"):
        post(app, citizen, published_case, body=body)
    with app.test_request_context():
        with count_queries() as statements:
            recompute_deadlines(db.session, reason="office_calendar")
        db.session.rollback()
    assert sum("office_calendar_days" in statement for statement in statements) == 1
