"""Demonstration workshops: upcoming and past ones about the demo cases, with demo sign-ups.

Made through the workshop services, so seats, waitlists and attendance obey the same rules.
Every name and address here is illustrative; attendees' mail goes to @demo.civic.tw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.cases.queries import get_case_with_parts
from civic.core.time import TAIPEI, utcnow
from civic.workshops import participants, queries, services
from civic.workshops.models import SEATED, Workshop


@dataclass(frozen=True)
class DemoWorkshop:
    agency_code: str
    case_slug: str
    title: str
    # Days from today (negative: it took place), the Taipei start time and the length in hours.
    days: int
    capacity: int
    location: str = ""
    online_url: str = ""
    description: str = ""
    accessibility: str = ""
    questions: list[str] = field(default_factory=list)
    starts: time = time(14, 0)
    hours: float = 2.5
    sign_ups: int = 0
    attended: int = 0


WORKSHOPS = [
    DemoWorkshop(
        "379130000", "taipei-mrt-wanda-line", "萬大線施工期間交通維持說明與意見交流工作坊", 10, 40,
        location="臺北市中正區羅斯福路二段 1 號 捷運工程局第一會議室（示範地址）",
        description="說明萬大線第二期施工期間的**交通維持計畫**，並聽取沿線居民與商家的意見。\n\n"
                    "- 公車改道與臨時站位\n- 夜間施工時段與噪音管制\n- 意見回覆方式",
        accessibility="會場設有無障礙坡道與電梯；如需手語翻譯，請於活動三天前告知。",
        questions=["您最關心的施工路段或議題？"], sign_ups=5),
    DemoWorkshop(
        "A65070000", "zengwen-reservoir-desilting-tunnel", "曾文水庫防淤隧道排砂監測數據公開工作坊", 20, 30,
        location="臺南市楠西區（示範地址）", online_url="https://meet.example.tw/demo-zengwen",
        description="公開歷年汛期排砂量與下游監測數據，說明資料下載方式，並討論監測指標。",
        hours=3, sign_ups=3),
    DemoWorkshop(
        "A65070000", "shimen-reservoir-amuping-desilting-tunnel", "阿姆坪防淤隧道工程社區說明工作坊", 5, 3,
        location="桃園市大溪區（示範地址）",
        description="小型座談：工程車輛動線、施工期程與社區溝通窗口。名額有限，額滿後可登記候補。",
        starts=time(19, 0), hours=2, sign_ups=5),
    DemoWorkshop(
        "A21000000", "mohw-nantou-hospital-critical-care-building", "南投醫院重症醫療大樓設備規格公開閱覽線上說明會",
        14, 100, online_url="https://meet.example.tw/demo-nantou",
        description="說明醫療設備規格的外部專家審查結果與公開閱覽期間收到的意見。",
        accessibility="提供即時字幕。", starts=time(10, 0), hours=1.5, sign_ups=2),
    DemoWorkshop(
        "379130000", "taipei-mrt-wanda-line", "萬大線第一期工程廉政平臺成果分享會", -60, 50,
        location="臺北市中正區（示範地址）", description="分享廉政平臺運作一年的成果與風險控管經驗。",
        sign_ups=4, attended=3),
    DemoWorkshop(
        "397110000", "taichung-school-rebuilding-programme", "校舍重建家長與社區參與工作坊", -120, 25,
        location="臺中市（示範地址）", description="家長、教師與社區共同討論校舍重建期間的安全與替代教室安排。",
        starts=time(9, 30), hours=3, sign_ups=3, attended=2),
]


def _start(demo: DemoWorkshop, now: datetime) -> datetime:
    day = now.astimezone(TAIPEI).date() + timedelta(days=demo.days)
    return datetime.combine(day, demo.starts, tzinfo=TAIPEI).astimezone(now.tzinfo)


def load_workshops(session: Session, *, staff_by_agency_code: dict[str, User]) -> int:
    """Create the demo workshops that are missing (matched by title); return how many were created.

    A workshop whose agency has no staff member here, or whose case is missing, is skipped.
    """
    existing = set(session.scalars(select(Workshop.title).where(Workshop.is_demo.is_(True))))
    now = utcnow()
    created = 0
    for demo in WORKSHOPS:
        staff = staff_by_agency_code.get(demo.agency_code)
        case = get_case_with_parts(session, demo.case_slug)
        if demo.title in existing or staff is None or case is None or not case.is_published:
            continue
        starts = _start(demo, now)
        # Past workshops are entered as they were: held two weeks ahead, signed up for a week ahead.
        held_at = min(now, starts - timedelta(days=14))
        workshop = services.create_workshop(session, services.WorkshopInput(
            title=demo.title, starts_at=starts, ends_at=starts + timedelta(hours=demo.hours),
            capacity=demo.capacity, location=demo.location, online_url=demo.online_url,
            description=demo.description, case_slug=demo.case_slug, accessibility=demo.accessibility,
            questions=list(demo.questions)), actor=staff, now=held_at, is_demo=True)
        signed_at = min(now, starts - timedelta(days=7))
        for number in range(1, demo.sign_ups + 1):
            services.sign_up(session, workshop, services.SignupInput(
                name=f"示範參加者{number}", email=f"attendee{number}@demo.civic.tw",
                phone=f"0900 000 {number:03d}", consent=True,
                answers=["交通與噪音"] if demo.questions else []), now=signed_at)
        if demo.attended:
            seated = [r.id for r in queries.list_registrations_with(session, workshop.id, SEATED)]
            participants.record_attendance(session, workshop, set(seated[:demo.attended]), actor=staff,
                                       now=starts + timedelta(hours=1))
        created += 1
    return created
