"""Bulk data for the benchmark: agencies and published cases with their parts.

Rows go in with SQLAlchemy Core executemany of plain dicts into the migrated tables (reflected
from the database), with explicit ids, so 100k cases with 2.1M part rows load in about a minute.
Nothing here goes through the ORM services: they would take far too long for 100k cases.

Every case has 5 members, 2 meetings with 3 statements and 2 decisions each, and 4 risks;
all are published, ~1% are best practice, completeness is spread from 42% to 100%.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, MetaData, func, select, text

# (county code, Chinese, English) - a subset of civic.cases.regions.COUNTIES.
COUNTIES = [
    ("taipei", "臺北市", "Taipei City"), ("new-taipei", "新北市", "New Taipei City"),
    ("taoyuan", "桃園市", "Taoyuan City"), ("taichung", "臺中市", "Taichung City"),
    ("tainan", "臺南市", "Tainan City"), ("kaohsiung", "高雄市", "Kaohsiung City"),
    ("keelung", "基隆市", "Keelung City"), ("hsinchu", "新竹縣", "Hsinchu County"),
    ("changhua", "彰化縣", "Changhua County"), ("yilan", "宜蘭縣", "Yilan County"),
    ("hualien", "花蓮縣", "Hualien County"), ("pingtung", "屏東縣", "Pingtung County"),
]
KINDS = ["works", "works", "works", "goods", "services"]
STATUSES = ["identification", "preparation", "tendering", "implementation", "implementation",
            "implementation", "completed", "completed", "cancelled", "suspended"]
ROLES = ["agency", "integrity_unit", "prosecutor", "auditor", "expert", "civil_society"]
STAGES = ["planning", "tendering", "award", "contract_implementation"]
LEVELS = ["low", "medium", "high"]
RISK_STATUSES = ["open", "mitigating", "closed"]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐"
GIVEN = ["志明", "淑芬", "家豪", "怡君", "建宏", "雅婷", "俊傑", "美玲", "宗翰", "佳穎"]
# Completeness is round(100 * filled / 12); these are the values it can take from 5 of 12 up.
COMPLETENESS = [42, 50, 58, 67, 75, 83, 92, 100]

AGENCY_COUNT = 30
TABLES = ["agencies", "case_sectors", "cases", "case_members", "case_meetings",
          "case_meeting_statements", "case_meeting_decisions", "case_risks"]
PART_TABLES = TABLES[2:]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


class Seeder:
    """Adds cases to one database; call ``grow_to(n)`` again to add more."""

    def __init__(self, engine: Engine, seed: int = 20261124) -> None:
        self.engine = engine
        self.rng = random.Random(seed)  # noqa: S311 - repeatable fake data, not secrets
        self.meta = MetaData()
        self.meta.reflect(engine, only=TABLES)
        self.t = self.meta.tables
        with engine.connect() as connection:
            self.sectors = [tuple(row) for row in connection.execute(
                select(self.t["case_sectors"].c.id, self.t["case_sectors"].c.name_zh,
                       self.t["case_sectors"].c.name_en).order_by(self.t["case_sectors"].c.id))]
            self.agency_ids = list(connection.scalars(select(self.t["agencies"].c.id)))
            self.next_ids = {name: (connection.scalar(select(func.max(self.t[name].c.id))) or 0) + 1
                             for name in PART_TABLES}

    def seed_agencies(self) -> None:
        if self.agency_ids:
            return
        rows = [{
            "id": i + 1, "code": f"A{60 + i:02d}000000", "name_zh": f"測試機關第{i + 1}工程處",
            "name_en": f"Benchmark Works Office {i + 1}", "parent_id": None,
            "contact_email": f"office{i + 1}@bench.example.gov.tw", "response_days": 14,
            "is_active": True,
        } for i in range(AGENCY_COUNT)]
        with self.engine.begin() as connection:
            connection.execute(self.t["agencies"].insert(), rows)
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence('agencies', 'id'), (SELECT max(id) FROM agencies))"))
        self.agency_ids = [row["id"] for row in rows]

    def count_cases(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(self.t["cases"])) or 0

    def grow_to(self, total: int, batch: int = 2000, log=print) -> None:
        """Add cases (with all their parts) until the database holds ``total`` cases."""
        self.seed_agencies()
        have = self.count_cases()
        started = time.perf_counter()
        while have < total:
            n = min(batch, total - have)
            self._insert_batch(n)
            have += n
            if have % 20000 == 0 or have == total:
                log(f"  {have:>7,} cases loaded ({time.perf_counter() - started:.0f} s)")
        with self.engine.begin() as connection:
            for name in PART_TABLES:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"))

    def _take_ids(self, table: str, n: int) -> range:
        first = self.next_ids[table]
        self.next_ids[table] = first + n
        return range(first, first + n)

    def _insert_batch(self, n: int) -> None:
        rng = self.rng
        rows: dict[str, list[dict]] = {name: [] for name in PART_TABLES}
        epoch = datetime(2015, 1, 1, tzinfo=UTC)
        for case_id in self._take_ids("cases", n):
            sector_id, sector_zh, sector_en = rng.choice(self.sectors)
            county, county_zh, county_en = rng.choice(COUNTIES)
            published = epoch + timedelta(seconds=rng.randrange(0, 11 * 365 * 86400))
            established = (published - timedelta(days=rng.randrange(30, 400))).date()
            budget = None if rng.random() < 0.05 else rng.randrange(200, 60000) * 1_000_000
            best = rng.random() < 0.01
            rows["cases"].append({
                "id": case_id, "slug": f"bench-{case_id:06d}",
                "title_zh": f"{county_zh}{sector_zh}建設計畫第{case_id}案",
                "title_en": f"{county_en} {sector_en} project no. {case_id}",
                "agency_id": rng.choice(self.agency_ids), "sector_id": sector_id,
                "procurement_kind": rng.choice(KINDS), "status": rng.choice(STATUSES),
                "county": county, "address": f"{county_zh}中正路{rng.randrange(1, 999)}號",
                "latitude": round(22 + rng.random() * 3, 6), "longitude": round(120 + rng.random() * 2, 6),
                "budget_ntd": budget,
                "contract_value_ntd": None if budget is None else int(budget * rng.uniform(0.7, 0.98)),
                "summary_zh": f"本案為{county_zh}{sector_zh}建設計畫，由機關成立採購廉政平臺，"
                              "邀請檢調、審計及外部專家參與，就規劃、招標、決標及履約各階段之風險"
                              "進行盤點並提出防制措施，會議紀錄與決議均公開於本平臺。",
                "summary_en": f"A {sector_en.lower()} project in {county_en}. The agency set up an "
                              "integrity platform with prosecutors, auditors and outside experts to "
                              "review the risks of planning, tendering, award and contract "
                              "implementation; its meetings and decisions are published here.",
                "platform_established_on": established, "year": established.year,
                "review_state": "published", "application_reason": "", "review_comment": "",
                "submitted_by_id": None, "submitted_at": published - timedelta(days=7),
                "published_at": published, "is_best_practice": best,
                "best_practice_reason_zh": "會議紀錄完整且決議均已追蹤辦理。" if best else "",
                "best_practice_reason_en": "Complete minutes; every decision followed up." if best else "",
                "completeness": rng.choice(COMPLETENESS), "is_demo": False,
            })
            for position in range(5):
                rows["case_members"].append({
                    "id": self._take_ids("case_members", 1).start, "case_id": case_id,
                    "name": _person(rng), "organisation": f"{county_zh}政府" if position == 0 else "法務部廉政署",
                    "role": ROLES[position] if position < 4 else rng.choice(ROLES[4:]), "position": position,
                })
            for number in (1, 2):
                meeting_id = self._take_ids("case_meetings", 1).start
                rows["case_meetings"].append({
                    "id": meeting_id, "case_id": case_id,
                    "held_on": established + timedelta(days=30 * number + rng.randrange(0, 20)),
                    "title": f"第{number}次採購廉政平臺會議", "place": f"{county_zh}政府第一會議室",
                    "attendees": [f"{_person(rng)}，{org}" for org in
                                  ("主辦機關", "政風處", "地方檢察署", "審計處", "外部專家")],
                    "agenda": "一、計畫執行進度報告。二、採購風險盤點及防制措施。三、臨時動議。",
                    "follow_ups": "請主辦機關於下次會議報告辦理情形。",
                })
                for position in range(3):
                    rows["case_meeting_statements"].append({
                        "id": self._take_ids("case_meeting_statements", 1).start,
                        "meeting_id": meeting_id, "speaker": f"{_person(rng)}（外部專家）",
                        "content": "建議招標文件之資格條件應避免限制競爭，並請機關說明預算編列之依據，"
                                   "以及履約管理之查核頻率。",
                        "position": position,
                    })
                for position in range(2):
                    rows["case_meeting_decisions"].append({
                        "id": self._take_ids("case_meeting_decisions", 1).start,
                        "meeting_id": meeting_id,
                        "content": "請主辦機關檢討資格條件並於一個月內提出書面說明。",
                        "position": position,
                    })
            for position in range(4):
                rows["case_risks"].append({
                    "id": self._take_ids("case_risks", 1).start, "case_id": case_id,
                    "stage": STAGES[position] if position < 3 else rng.choice(STAGES),
                    "risk": "廠商可能以綁標規格排除競爭，或於履約階段以變更設計增加契約金額。",
                    "likelihood": rng.choice(LEVELS), "impact": rng.choice(LEVELS),
                    "mitigation": "規格經外部專家審查；變更設計須經平臺會議討論並公開紀錄。",
                    "owner": "政風處", "status": rng.choice(RISK_STATUSES),
                })
        with self.engine.begin() as connection:
            for name in PART_TABLES:  # parents before children
                connection.execute(self.t[name].insert(), rows[name])
