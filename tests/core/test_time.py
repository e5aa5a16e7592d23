"""Times: stored UTC, shown in Taipei, with the ROC year in Chinese."""

from datetime import UTC, date, datetime

from civic.core.time import format_date, format_datetime, format_day, format_month, from_taipei_local, isoformat


def test_chinese_dates_use_the_roc_year_in_taipei_time():
    # 2026-12-31 17:30 UTC is already 2027-01-01 in Taipei (UTC+8): ROC year 116.
    moment = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    assert format_date(moment, "zh_Hant_TW") == "民國116年1月1日"
    assert format_datetime(moment, "zh_Hant_TW") == "民國116年1月1日 01:30"


def test_english_dates_use_the_gregorian_year():
    assert format_date(datetime(2026, 11, 24, 2, tzinfo=UTC), "en") == "24 Nov 2026"


def test_days_and_months_keep_the_roc_year_in_chinese_and_read_naturally_in_english():
    assert format_day(date(2026, 12, 5), "zh_Hant_TW") == "民國115年12月5日"
    assert format_day(date(1912, 1, 1), "zh_Hant_TW") == "民國1年1月1日"
    assert format_month(2027, 1, "zh_Hant_TW") == "民國116年1月"
    assert format_day(date(2026, 12, 5), "en") == "5 Dec 2026"
    assert format_month(2027, 1, "en") == "Jan 2027"


def test_iso_format_carries_the_taipei_offset():
    assert isoformat(datetime(2026, 11, 24, 2, tzinfo=UTC)) == "2026-11-24T10:00:00+08:00"


def test_local_input_is_read_as_taipei_time():
    assert from_taipei_local(datetime(2026, 11, 24, 10, 0)) == datetime(2026, 11, 24, 2, tzinfo=UTC)
