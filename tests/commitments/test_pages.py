"""The public commitment tracker in both languages: the measure, the years against their targets,
the progress in words and as a bar, the milestones with their dates; linked from every page."""

from __future__ import annotations

import re
from datetime import date, datetime

import time_machine

from civic.core.time import TAIPEI
from tests.commitments.conftest import add_milestone, create_commitment, feature, published, set_targets


def status_of(page: str, year: int) -> str:
    row = re.search(rf'<tr class="govuk-table__row" data-year="{year}">(.*?)</tr>', page, re.S).group(1)
    return re.sub(r"<[^>]+>", "", re.search(r"data-status>(.*?)</td>", row, re.S).group(1)).strip()


def test_the_tracker_shows_targets_progress_and_milestones_in_chinese(app, client, staff, admin):
    set_targets(app, admin, y2025=3, y2026=4)
    add_milestone(app, admin, "公布遴選原則", date(2025, 6, 30), done_on=date(2025, 6, 16))
    add_milestone(app, admin, "完成115年度遴選", date(2026, 12, 31))
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=TAIPEI), tick=False):
        published(app, staff, admin, "case-a")
        feature(app, admin, "case-a")
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=TAIPEI), tick=False):
        response = client.get("/commitments")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">開放政府承諾事項</h1>" in page
    assert "機關採購廉政平臺優良案例" in page and "當年度選出的優良案例廉政平臺數" in page
    assert "民國114年（2025）" in page and "民國115年（2026）" in page
    assert status_of(page, 2025) == "未達成"
    assert status_of(page, 2026) == "尚未達成"
    assert "民國115年（2026）：目前達到 1，目標 4，已完成目標的 25%。" in page
    assert '<progress max="100" value="25" aria-labelledby="progress-best-practice-platforms">' \
        in page
    assert "預定民國114年6月30日" in page and "已於民國114年6月16日完成" in page
    assert "預定民國115年12月31日" in page and "尚未完成" in page
    assert '<caption class="govuk-table__caption govuk-table__caption--s" id="years-best-practice-platforms">' in page
    assert '<th scope="row" class="govuk-table__header">民國114年（2025）</th>' in page


def test_the_tracker_reads_in_english(app, client, staff, admin):
    create_commitment(app, admin, "answer-on-time", "answered_on_time_share", title_zh="如期回覆")
    set_targets(app, admin, "answer-on-time", y2026=90)
    set_targets(app, admin, y2026=0)
    add_milestone(app, admin, "公布遴選原則", date(2025, 6, 30), title_en="Criteria published",
                  done_on=date(2025, 6, 16))
    with time_machine.travel(datetime(2026, 7, 1, tzinfo=TAIPEI), tick=False):
        page = client.get("/commitments?lang=en").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">Open Government commitments</h1>" in page
    assert "Best-practice integrity platforms for public procurement" in page
    assert "Share of public feedback answered on time (%)" in page
    # No feedback yet: nothing to measure, so the share is not met.
    assert "2026: — against a target of 90%, 0% of the way." in page
    # A target of zero is met by nothing at all.
    assert "2026: 0 against a target of 0, 100% of the way." in page
    assert "Criteria published" in page and "Due 30 Jun 2025" in page and "Done on 16 Jun 2025" in page
    assert status_of(page, 2026) == "Met"


def test_every_page_links_to_the_tracker(client):
    assert 'href="/commitments"' in client.get("/").get_data(as_text=True)


def test_the_tracker_runs_the_same_queries_for_more_commitments_and_years(app, client, admin, count_queries):
    def counted() -> int:
        with count_queries() as statements:
            assert client.get("/commitments").status_code == 200
        return len(statements)

    few = counted()
    for n in range(3):
        create_commitment(app, admin, f"platforms-{n}", "platforms")
        set_targets(app, admin, f"platforms-{n}", **{f"y{2020 + year}": year for year in range(6)})
        add_milestone(app, admin, f"第{n}個里程碑", date(2026, 1, n + 1), code=f"platforms-{n}")
    set_targets(app, admin, y2021=1, y2022=2)
    more = counted()
    # One measure more (platforms), one query more; nothing grows with the rows.
    assert more == few + 1
    create_commitment(app, admin, "platforms-more", "platforms")
    set_targets(app, admin, "platforms-more", y2040=4)
    assert counted() == more
