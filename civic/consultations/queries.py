"""Reads of consultations for the asking agency, the authority and the public guidance pages, each
a fixed number of queries whatever the page holds."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from civic.consultations.models import Consultation, ConsultationStatus
from civic.core.pagination import Page, paginate

PER_PAGE = 20


def get_consultation(session: Session, consultation_id: int) -> Consultation | None:
    """One consultation with its agency, case and the people who asked and answered."""
    return session.scalar(select(Consultation).where(Consultation.id == consultation_id).options(
        selectinload(Consultation.agency), selectinload(Consultation.case),
        selectinload(Consultation.asked_by), selectinload(Consultation.answered_by)))


def list_agency_consultations(session: Session, agency_id: int, *, page: int) -> Page[Consultation]:
    """The agency's questions, newest first."""
    statement = (select(Consultation).where(Consultation.agency_id == agency_id)
                 .options(selectinload(Consultation.case), selectinload(Consultation.asked_by))
                 .order_by(Consultation.asked_at.desc(), Consultation.id.desc()))
    return paginate(session, statement, page=page, per_page=PER_PAGE)


def list_consultations(session: Session, *, page: int) -> Page[Consultation]:
    """Every question for the authority: open ones first (oldest waiting first), then the answered,
    latest answered first."""
    open_first = case((Consultation.status == ConsultationStatus.open, 0), else_=1)
    statement = (select(Consultation)
                 .options(selectinload(Consultation.agency), selectinload(Consultation.case))
                 .order_by(open_first,
                           case((Consultation.status == ConsultationStatus.open, Consultation.asked_at)),
                           Consultation.answered_at.desc(), Consultation.id.desc()))
    return paginate(session, statement, page=page, per_page=PER_PAGE)


def count_open(session: Session) -> int:
    """How many questions wait for the authority's answer."""
    return session.scalar(select(func.count(Consultation.id))
                          .where(Consultation.status == ConsultationStatus.open)) or 0


def get_guidance(session: Session, consultation_id: int) -> Consultation | None:
    """A published piece of guidance; None when it is not published."""
    return session.scalar(select(Consultation).where(Consultation.id == consultation_id,
                                                     Consultation.published_at.is_not(None)))


def list_guidance(session: Session, *, q: str = "", page: int) -> Page[Consultation]:
    """Published guidance, newest first; ``q`` keeps those whose anonymised title, question or
    answer contains it (wildcards in ``q`` are taken literally)."""
    statement = select(Consultation).where(Consultation.published_at.is_not(None))
    if q:
        statement = statement.where(or_(Consultation.guidance_title.icontains(q, autoescape=True),
                                        Consultation.guidance_question.icontains(q, autoescape=True),
                                        Consultation.guidance_answer.icontains(q, autoescape=True)))
    statement = statement.order_by(Consultation.published_at.desc(), Consultation.id.desc())
    return paginate(session, statement, page=page, per_page=PER_PAGE)
