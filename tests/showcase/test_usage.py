"""The read API's usage figures: every GET under /api/v1 counted per address and Taipei day, nothing else
counted and nothing about who asked kept; the figures on /api with their totals; and counting that never
fails a request."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import inspect, select

from civic.api import usage
from civic.api.usage import ApiUsageDay
from civic.extensions import db
from tests.conftest import make_app

AGENT = "secret-bot/1.0 (mirror@example.org)"


@pytest.fixture
def fresh_tally(app):
    """Start with nothing counted in this process: other tests leave unclosed answers behind."""
    usage.tally(app).take()
    yield
    usage.tally(app).take()


def get(client, path: str, method: str = "GET", headers: dict | None = None, **options) -> int:
    """Ask for ``path`` and close the answer, as a server does once it is sent."""
    with client.open(path, method=method, headers={"User-Agent": AGENT, **(headers or {})}, **options) as response:
        return response.status_code


def stored(app) -> dict[tuple[date, str], int]:
    with app.app_context():
        return {(row.day, row.endpoint): row.requests for row in db.session.scalars(select(ApiUsageDay))}


def test_reads_are_counted_per_address_and_taipei_day_and_nothing_else(app, client, fresh_tally):
    # 17:00 on 31 December in UTC is New Year's Day in Taipei.
    with time_machine.travel(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), tick=False):
        assert get(client, "/api/v1/cases") == 200
        assert get(client, "/api/v1/cases?status=implementation&limit=5") == 200
        assert get(client, "/api/v1/agencies") == 200
        assert get(client, "/api/v1/cases", method="HEAD") == 200
        assert get(client, "/api/v1/cases", method="OPTIONS") == 200
        assert get(client, "/api/v1/cases", method="DELETE") == 405
        assert get(client, "/api/v1/no-such-address") == 404
        assert get(client, "/api") == 200
    new_year = date(2027, 1, 1)
    assert stored(app) == {(new_year, "/api/v1/cases"): 2, (new_year, "/api/v1/agencies"): 1}


def test_only_answered_reads_are_counted_a_not_modified_one_included(app, client, fresh_tally, monkeypatch):
    with time_machine.travel(datetime(2026, 12, 6, 4, 0, tzinfo=UTC), tick=False):
        with client.get("/api/v1/agencies") as first:
            assert first.status_code == 200
            etag = first.headers["ETag"]
        # Unchanged since: answered without a body, and counted.
        assert get(client, "/api/v1/agencies", headers={"If-None-Match": etag}) == 304
        # Refused or not found: not counted.
        assert get(client, "/api/v1/cases?limit=0") == 400
        assert get(client, "/api/v1/cases/no-such-case") == 404
        monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
        assert get(client, "/api/v1/pledges") == 200
        assert get(client, "/api/v1/pledges") == 429
    day = date(2026, 12, 6)
    assert stored(app) == {(day, "/api/v1/agencies"): 2, (day, "/api/v1/pledges"): 1}


def test_the_table_keeps_no_identity_of_who_asked(app):
    with app.app_context():
        columns = {column["name"] for column in inspect(db.session.get_bind()).get_columns("api_usage_days")}
    assert columns == {"day", "endpoint", "requests"}


def test_counts_written_twice_add_up_on_the_day(app, fresh_tally):
    day = date(2026, 12, 6)
    with app.app_context():
        usage.write(db.session, {(day, "/api/v1/cases"): 3, (day, "/api/v1/pledges"): 1})
        usage.write(db.session, {(day, "/api/v1/cases"): 4})
        db.session.commit()
    assert stored(app) == {(day, "/api/v1/cases"): 7, (day, "/api/v1/pledges"): 1}


def test_the_api_page_shows_thirty_days_per_address_with_totals_and_no_identities(app, client, fresh_tally):
    with app.app_context():
        usage.write(db.session, {(date(2026, 12, 6), "/api/v1/cases"): 40, (date(2026, 12, 1), "/api/v1/cases"): 2,
                                 (date(2026, 12, 6), "/api/v1/agencies"): 5,
                                 (date(2026, 11, 1), "/api/v1/workshops"): 99})
        db.session.commit()
    with time_machine.travel(datetime(2026, 12, 6, 4, 0, tzinfo=UTC), tick=False):
        for _ in range(3):
            get(client, "/api/v1/agencies?limit=2")
        page = client.get("/api").get_data(as_text=True)
        english = client.get("/api?lang=en").get_data(as_text=True)
    table = page.split('data-usage="endpoints"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    # Busiest address first, with its busiest day; November is older than 30 days.
    assert rows.index("/api/v1/cases") < rows.index("/api/v1/agencies")
    section = page.split('id="usage"', 1)[1]
    assert ">42<" in rows and ">8<" in rows and "/api/v1/workshops" not in section
    assert "民國115年12月6日" in rows
    assert ">50<" in table.split("<tfoot", 1)[1]
    assert "民國115年11月7日" in section and "民國115年12月6日" in section
    assert "Requests per address, 7 Nov 2026 to 6 Dec 2026" in english
    for private in ("127.0.0.1", AGENT, "mirror@example.org", "limit=2"):
        assert private not in section, private


def test_counting_never_fails_a_request_and_logs_what_it_could_not_write(tmp_path, smtp_server, caplog):
    broken = make_app(f"sqlite:///{tmp_path / 'missing-folder' / 'civic.sqlite3'}", smtp_server.port)
    with caplog.at_level(logging.ERROR, logger="civic.api.usage"), \
            broken.test_client().get("/api/v1/openapi.json") as response:
        assert response.status_code == 200
        assert response.get_json()["openapi"] == "3.1.0"
    assert "1 API usage counts were not written" in caplog.text
    assert usage.tally(broken).take() == {}
