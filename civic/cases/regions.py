"""Taiwan's counties and cities (縣市), the location field of a case."""

from __future__ import annotations

# (code, Chinese name, English name)
COUNTIES: list[tuple[str, str, str]] = [
    ("taipei", "臺北市", "Taipei City"),
    ("new-taipei", "新北市", "New Taipei City"),
    ("taoyuan", "桃園市", "Taoyuan City"),
    ("taichung", "臺中市", "Taichung City"),
    ("tainan", "臺南市", "Tainan City"),
    ("kaohsiung", "高雄市", "Kaohsiung City"),
    ("keelung", "基隆市", "Keelung City"),
    ("hsinchu-city", "新竹市", "Hsinchu City"),
    ("chiayi-city", "嘉義市", "Chiayi City"),
    ("hsinchu", "新竹縣", "Hsinchu County"),
    ("miaoli", "苗栗縣", "Miaoli County"),
    ("changhua", "彰化縣", "Changhua County"),
    ("nantou", "南投縣", "Nantou County"),
    ("yunlin", "雲林縣", "Yunlin County"),
    ("chiayi", "嘉義縣", "Chiayi County"),
    ("pingtung", "屏東縣", "Pingtung County"),
    ("yilan", "宜蘭縣", "Yilan County"),
    ("hualien", "花蓮縣", "Hualien County"),
    ("taitung", "臺東縣", "Taitung County"),
    ("penghu", "澎湖縣", "Penghu County"),
    ("kinmen", "金門縣", "Kinmen County"),
    ("lienchiang", "連江縣", "Lienchiang County"),
    ("multiple", "跨縣市", "Several counties"),
]
COUNTY_CODES = frozenset(code for code, _zh, _en in COUNTIES)


def county_name(code: str, locale: str) -> str:
    for known, zh, en in COUNTIES:
        if known == code:
            return en if locale.startswith("en") else zh
    return code
