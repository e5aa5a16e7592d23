"""Demonstration comments: questions from the demo citizen, some answered by the agencies.

Made through the feedback services, so they are routed, tracked and mailed like any other. An
answer acknowledges (受理) its item; of the unanswered, one is acknowledged and one still waits.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.cases.queries import get_case_with_parts
from civic.feedback import services
from civic.feedback.models import Comment
from civic.feedback.queries import get_feedback

# The unanswered question its agency has acknowledged (受理) but not yet answered.
ACKNOWLEDGED_ONLY = "廉政平臺會議紀錄提到的分包商名冊，會定期更新嗎？"
# (case slug, question, answer or None, answering unit)
QUESTIONS: list[tuple[str, str, str | None, str]] = [
    ("taipei-mrt-wanda-line",
     "請問萬大線施工期間，**中和地區**的交通維持計畫在哪裡可以看到？\n\n- 公車改道路線\n- 夜間施工時段",
     "交通維持計畫已公布於本局網站「施工資訊」專區，公車改道資訊亦同步於站牌公告。夜間施工原則上於晚間十時前結束。",
     "土建工程處"),
    ("taipei-mrt-wanda-line",
     "廉政平臺會議紀錄提到的分包商名冊，會定期更新嗎？", None, ""),
    ("zengwen-reservoir-desilting-tunnel",
     "防淤隧道完工後，每年實際排出多少淤泥？有沒有公開的監測數據？",
     "本署每年於汛期後公布排砂量統計，相關數據將納入本案文件專區，供民眾下載。",
     "南區水資源分署"),
    ("tainan-railway-underground",
     "臨時軌切換期間，平交道的安全措施有哪些？",
     None, ""),
    ("mohw-nantou-hospital-critical-care-building",
     "招標文件中的醫療設備規格，是否有經過外部專家審查，避免綁標？",
     "設備規格已委請外部專家審查，並於公開閱覽期間收集廠商意見，修正後始辦理招標。",
     "企劃處"),
]


def load_feedback(session: Session, *, citizen: User, staff_by_agency_code: dict[str, User]) -> int:
    """Post the demo questions once and publish the demo answers; return how many were posted."""
    already = session.scalar(select(func.count(Comment.id)).where(Comment.author_id == citizen.id)) or 0
    if already:
        return 0
    posted = 0
    for slug, question, answer, unit in QUESTIONS:
        case = get_case_with_parts(session, slug)
        if case is None:
            continue
        comment = services.submit_comment(session, case, services.CommentInput(body=question), author=citizen)
        posted += 1
        staff = staff_by_agency_code.get(case.agency.code)
        if staff is None or not (answer or question == ACKNOWLEDGED_ONLY):
            continue
        feedback = get_feedback(session, comment.feedback.tracking_number)
        if answer:
            services.publish_response(session, feedback, actor=staff, body=answer, unit=unit)
        else:
            services.acknowledge(session, feedback, actor=staff)
    return posted
